from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import BudgetAgreement
from agreements.text import NormalizedFormField, normalize_text
from milestones.models import ECONOMY_SMILEYS, MILESTONE_SMILEYS, FollowUpPoint
from milestones.services import ROW_FIELDS, FieldConflict, FieldEdit


def _choices(levels) -> list[tuple[str, str]]:
    return [(level.value, level.label) for level in levels]


# The hidden field that lists the fields whose conflict the user is resolving.
CONFLICTED = "conflicted"
RESOLVE_STORED = "stored"
RESOLVE_MINE = "mine"


class EditsForm(forms.Form):
    """A form whose fields each carry the value the user started from.

    Every value field renders a hidden ``initial-<name>`` input with the value shown when the
    page was made (Django's ``show_hidden_initial``). ``edits()`` returns only the fields the
    user changed, with that starting value, so a save writes nothing the user left alone and a
    conflict is found per field. A field missing from the request is left alone too.

    After a conflict the form is shown again with a choice per conflicting field, "keep what
    is stored" or "use mine", and the starting value set to what is stored now.
    """

    value_fields: tuple[str, ...] = ()

    def __init__(self, *args, conflicts: list[FieldConflict] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_value_fields()
        for name in self.value_fields:
            self.fields[name].show_hidden_initial = True
        self.conflicts = list(conflicts)
        names = {c.name for c in self.conflicts}
        if self.is_bound:
            listed = str(self.data.get(self.add_prefix(CONFLICTED), "")).split(",")
            names |= {name for name in listed if name in self.value_fields}
        self.conflict_names = [name for name in self.value_fields if name in names]
        for name in self.value_fields:
            if name in names:
                self.fields[f"resolve_{name}"] = forms.ChoiceField(
                    label=_("Hvad skal gemmes?"),
                    choices=[
                        (RESOLVE_STORED, _("Behold det gemte")),
                        (RESOLVE_MINE, _("Gem min ændring")),
                    ],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Vælg, hvad der skal gemmes.")},
                )

    def add_value_fields(self) -> None:
        """Add fields that depend on the instance (declared fields need nothing here)."""

    def original(self, name: str) -> str | None:
        """The value the user started from, as the request carries it (None: not sent)."""
        key = self.add_initial_prefix(name)
        return self.data.get(key) if self.is_bound and key in self.data else None

    def edits(self) -> dict:
        """The changed fields as ``{name: FieldEdit}`` (call after ``is_valid()``)."""
        edits = {}
        for name in self.value_fields:
            if self.add_prefix(name) not in self.data:
                continue
            new = self.cleaned_data.get(name) or ""
            original = self.original(name)
            if original is not None and normalize_text(original) == normalize_text(new):
                continue
            if self.cleaned_data.get(f"resolve_{name}") == RESOLVE_STORED:
                continue
            edits[self.edit_key(name)] = FieldEdit(new=new, original=original)
        return edits

    def edit_key(self, name: str):
        return name

    def conflict_for(self, name: str) -> FieldConflict | None:
        return next((c for c in self.conflicts if c.name == name), None)

    def _display(self, name: str, value) -> str:
        choices = getattr(self.fields[name], "choices", None)
        if choices:
            return str(dict(choices).get(value, value or ""))
        return value or ""

    def conflict_items(self) -> list[dict]:
        """What the conflict panel shows per field: what is stored (and who stored it), what the
        user typed, and the choice between them."""
        items = []
        for name in self.conflict_names:
            conflict = self.conflict_for(name)
            items.append(
                {
                    "label": conflict.label if conflict else self.fields[name].label,
                    "stored": conflict.stored_display
                    if conflict
                    else self._display(name, self.original(name)),
                    "yours": conflict.yours_display
                    if conflict
                    else self._display(name, self.data.get(self.add_prefix(name))),
                    "changed_by": conflict.changed_by if conflict else "",
                    "changed_at": conflict.changed_at if conflict else None,
                    "field": self[f"resolve_{name}"],
                }
            )
        return items

    @classmethod
    def after_conflict(cls, data, conflicts: list[FieldConflict], **kwargs):
        """The form again with the user's input, each conflicting field's starting value set
        to what is stored now, and the choice between the two to make."""
        data = data.copy()
        form = cls(data, conflicts=conflicts, **kwargs)
        for conflict in conflicts:
            data[form.add_initial_prefix(conflict.name)] = conflict.stored
            data.pop(form.add_prefix(f"resolve_{conflict.name}"), None)
        data[form.add_prefix(CONFLICTED)] = ",".join(form.conflict_names)
        form.is_valid()
        # The choice is asked for, not yet missing: no error until the user saves again.
        for name in form.conflict_names:
            form.errors.pop(f"resolve_{name}", None)
        return form


class RowForm(EditsForm):
    """One initiative's row in a round: milestone text, status and economy line."""

    value_fields = tuple(ROW_FIELDS)

    milestone_text = NormalizedFormField(
        label=_("Milepæl"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    smiley = forms.ChoiceField(
        label=_("Smiley for milepælen"),
        choices=_choices(MILESTONE_SMILEYS),
        widget=forms.RadioSelect,
        required=False,
    )
    text = NormalizedFormField(
        label=_("Status"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    economy_text = NormalizedFormField(
        label=_("Økonomi"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    economy_smiley = forms.ChoiceField(
        label=_("Smiley for økonomien"),
        choices=_choices(ECONOMY_SMILEYS),
        widget=forms.RadioSelect,
        required=False,
    )
    economy_status_text = NormalizedFormField(
        label=_("Status på økonomien"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, prefix_id: int, **kwargs) -> None:
        # Every row of the page has its own ids, so labels stay unique and focus survives swaps.
        kwargs.setdefault("auto_id", f"id_r{prefix_id}_%s")
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(row) -> dict:
        """The row's stored values: what the form shows and what the user starts from."""
        status, economy = row.status, row.economy
        return {
            "milestone_text": status.milestone.text if status else "",
            "smiley": status.smiley if status else "",
            "text": status.text if status else "",
            "economy_text": economy.text if economy else "",
            "economy_smiley": economy.smiley if economy else "",
            "economy_status_text": economy.status_text if economy else "",
        }


class MilestonePlanForm(EditsForm):
    """The four milestone texts of an initiative; points of locked rounds are read-only."""

    def __init__(self, *args, points: list, **kwargs) -> None:
        self.points = points
        self.value_fields = tuple(f"text_{row.point}" for row in points if not row.is_locked)
        super().__init__(*args, **kwargs)

    def add_value_fields(self) -> None:
        for row in self.points:
            self.fields[f"text_{row.point}"] = NormalizedFormField(
                label=row.label,
                required=False,
                initial=row.milestone.text if row.milestone else "",
                widget=forms.Textarea(attrs={"rows": 3}),
                disabled=row.is_locked,
            )

    def edit_key(self, name: str) -> int:
        return int(name.removeprefix("text_"))

    def editable_fields(self):
        return [self[f"text_{row.point}"] for row in self.points]

    def locked_points_changed(self) -> list:
        """Points of locked rounds for which the request carries a different text.

        A browser never sends a disabled field; a forged request that does is refused whole
        rather than silently ignored."""
        changed = []
        for row in self.points:
            name = self.add_prefix(f"text_{row.point}")
            if not row.is_locked or name not in self.data:
                continue
            stored = row.milestone.text if row.milestone else ""
            if normalize_text(self.data[name]) != stored:
                changed.append(row)
        return changed


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
    reason = NormalizedFormField(
        label=_("Begrundelse"),
        single_line=True,
        max_length=100,
        help_text=_("Hvorfor låses opfølgningen op? Begrundelsen gemmes i historikken."),
    )
