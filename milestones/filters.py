from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.models import Center, Initiative
from agreements.permissions import visible_committees
from milestones.models import MILESTONE_SMILEYS, Milestone, MilestoneStatus


class RoundRowFilter(django_filters.FilterSet):
    """Filters for the rows of a round page; each row is an initiative of the round."""

    q = django_filters.CharFilter(
        label=_("Fritekst"),
        method="filter_text",
        max_length=200,
        help_text=_("Nummer, titel, milepæl eller status."),
    )
    committee = django_filters.ModelChoiceFilter(
        field_name="responsible_committee",
        label=_("Udvalg"),
        queryset=None,
        empty_label=_("Alle udvalg"),
    )
    center = django_filters.ModelChoiceFilter(
        field_name="responsible_center",
        label=_("Center"),
        queryset=Center.objects.all(),
        empty_label=_("Alle centre"),
    )
    smiley = django_filters.ChoiceFilter(
        label=_("Smiley"),
        method="filter_smiley",
        choices=[(s.value, s.label) for s in MILESTONE_SMILEYS],
        empty_label=_("Alle smileys"),
    )
    missing = django_filters.BooleanFilter(
        label=_("Mangler vurdering"),
        method="filter_missing",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Initiative
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

    def _statuses(self, **conditions) -> Exists:
        return Exists(
            MilestoneStatus.objects.filter(
                round=self.round, milestone__initiative=OuterRef("pk"), **conditions
            )
        )

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        milestone = Exists(
            Milestone.objects.filter(
                initiative=OuterRef("pk"), point=self.round.point, text__icontains=value
            )
        )
        return queryset.filter(
            Q(number__istartswith=value)
            | Q(title__icontains=value)
            | Q(milestone)
            | Q(self._statuses(text__icontains=value))
        )

    def filter_smiley(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(self._statuses(smiley=value)) if value else queryset

    def filter_missing(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        from milestones.selectors import missing_q

        missing = missing_q(self.round)
        return queryset.filter(missing) if value else queryset.exclude(missing)
