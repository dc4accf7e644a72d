from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.models import Center, Initiative, InitiativeKind
from agreements.permissions import visible_committees


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Fritekst"),
        method="filter_text",
        max_length=200,
        help_text=_("Søger i nummer, titel og beskrivelse."),
    )
    committee = django_filters.ModelChoiceFilter(
        field_name="responsible_committee",
        label=_("Ansvarligt udvalg"),
        queryset=None,
        empty_label=_("Alle udvalg"),
    )
    center = django_filters.ModelChoiceFilter(
        field_name="responsible_center",
        label=_("Ansvarligt center"),
        queryset=Center.objects.all(),
        empty_label=_("Alle centre"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=InitiativeKind.choices, empty_label=_("Alle typer")
    )

    class Meta:
        model = Initiative
        fields = ["q", "committee", "center", "kind"]

    def __init__(self, *args, request_user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["committee"].queryset = visible_committees(request_user)

    def filter_text(self, queryset: QuerySet[Initiative], name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__istartswith=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(source_reference__icontains=value)
        )
