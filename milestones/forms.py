from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import BudgetAgreement
from milestones.models import (
    ECONOMY_SMILEYS,
    MILESTONE_SMILEYS,
    TEXT_MAX_LENGTH,
    FollowUpPoint,
)


def _choices(levels) -> list[tuple[str, str]]:
    return [(level.value, level.label) for level in levels]


class RowForm(forms.Form):
    """One initiative's row in a round: milestone text, status and economy line."""

    milestone_text = forms.CharField(
        label=_("Milepæl"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    milestone_text_original = forms.CharField(
        required=False, max_length=TEXT_MAX_LENGTH, widget=forms.HiddenInput
    )
    smiley = forms.ChoiceField(
        label=_("Smiley for milepælen"),
        choices=_choices(MILESTONE_SMILEYS),
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Status"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    economy_text = forms.CharField(
        label=_("Økonomi"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    economy_smiley = forms.ChoiceField(
        label=_("Smiley for økonomien"),
        choices=_choices(ECONOMY_SMILEYS),
        widget=forms.RadioSelect,
    )
    economy_status_text = forms.CharField(
        label=_("Status på økonomien"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    economy_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, prefix_id: int, **kwargs) -> None:
        # Every row of the page has its own ids, so labels stay unique and focus survives swaps.
        kwargs.setdefault("auto_id", f"id_r{prefix_id}_%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, *, status, economy) -> dict:
        return {
            "milestone_text": status.milestone.text,
            "milestone_text_original": status.milestone.text,
            "smiley": status.smiley,
            "text": status.text,
            "status_version": status.version,
            "economy_text": economy.text if economy else "",
            "economy_smiley": economy.smiley if economy else "not_assessed",
            "economy_status_text": economy.status_text if economy else "",
            "economy_version": economy.version if economy else 1,
        }


class RoundOpenForm(forms.Form):
    agreement = forms.ModelChoiceField(
        label=_("Budgetaftale"),
        queryset=BudgetAgreement.objects.order_by("-year"),
        empty_label=None,
    )
    point = forms.TypedChoiceField(label=_("Opfølgning"), choices=FollowUpPoint.choices, coerce=int)
    deadline = forms.DateField(
        label=_("Frist"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Sidste dag centrene kan give status."),
    )


class RoundUnlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=100,
        help_text=_("Hvorfor låses opfølgningen op? Begrundelsen gemmes i historikken."),
    )


class MilestonePlanForm(forms.Form):
    """The four milestone texts of an initiative; points of locked rounds are read-only."""

    def __init__(self, *args, points: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.points = points
        for row in points:
            name = f"text_{row.point}"
            self.fields[name] = forms.CharField(
                label=row.label,
                required=False,
                max_length=TEXT_MAX_LENGTH,
                initial=row.milestone.text if row.milestone else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                disabled=bool(row.round and row.round.is_locked),
            )
            self.fields[f"expected_{row.point}"] = forms.CharField(
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=forms.HiddenInput,
                initial=row.milestone.text if row.milestone else "",
            )

    def editable_fields(self):
        return [self[f"text_{row.point}"] for row in self.points]

    def locked_points_changed(self, data) -> list:
        """Points of locked rounds for which the request carries a different text.

        A browser never sends a disabled field; a forged request that does is refused whole
        rather than silently ignored."""
        changed = []
        for row in self.points:
            name = f"text_{row.point}"
            if not self.fields[name].disabled or name not in data:
                continue
            stored = row.milestone.text if row.milestone else ""
            if data[name].replace("\r\n", "\n").strip() != stored.strip():
                changed.append(row)
        return changed
