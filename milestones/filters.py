from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.models import Center
from agreements.permissions import visible_committees
from milestones.models import MILESTONE_SMILEYS, MilestoneStatus, Smiley


class RoundRowFilter(django_filters.FilterSet):
    """Filters for the rows of a round page; each row is the initiative's milestone status."""

    q = django_filters.CharFilter(
        label=_("Fritekst"),
        method="filter_text",
        max_length=200,
        help_text=_("Nummer, titel, milepæl eller status."),
    )
    committee = django_filters.ModelChoiceFilter(
        field_name="milestone__initiative__responsible_committee",
        label=_("Udvalg"),
        queryset=None,
        empty_label=_("Alle udvalg"),
    )
    center = django_filters.ModelChoiceFilter(
        field_name="milestone__initiative__responsible_center",
        label=_("Center"),
        queryset=Center.objects.all(),
        empty_label=_("Alle centre"),
    )
    smiley = django_filters.ChoiceFilter(
        label=_("Smiley"),
        choices=[(s.value, s.label) for s in MILESTONE_SMILEYS],
        empty_label=_("Alle smileys"),
    )
    missing = django_filters.BooleanFilter(
        label=_("Mangler vurdering"),
        method="filter_missing",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = MilestoneStatus
        fields = ["q", "committee", "center", "smiley", "missing"]

    def __init__(self, *args, round, request_user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        self.filters["committee"].queryset = visible_committees(request_user)
        # A plain yes/no select reads better than the widget's "Unknown".
        self.form.fields["missing"].widget.choices = [
            ("", _("Alle")),
            ("true", _("Ja, milepæl eller økonomi")),
            ("false", _("Nej")),
        ]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(milestone__initiative__number__istartswith=value)
            | Q(milestone__initiative__title__icontains=value)
            | Q(milestone__text__icontains=value)
            | Q(text__icontains=value)
        )

    def filter_missing(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        missing = Q(smiley=Smiley.NOT_ASSESSED) | Q(
            milestone__initiative__economy_lines__round=self.round,
            milestone__initiative__economy_lines__smiley=Smiley.NOT_ASSESSED,
        )
        return queryset.filter(missing).distinct() if value else queryset.exclude(missing)
