"""Admin for rounds and their rows. Every change of a row goes through the same services as
the round page: lock, permission, the text rule and field-level conflicts hold here too, and a
refusal is shown as a form error, never as "changed successfully"."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from agreements.permissions import can_read_whole_municipality
from agreements.text import normalize_text
from milestones import services
from milestones.models import (
    ChangeSource,
    EconomyLine,
    FollowUpRound,
    Milestone,
    MilestoneStatus,
    RoundLocked,
)
from milestones.report_views import pdf_response
from milestones.reports.render import build_report
from milestones.services import FieldConflict, FieldEdit


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin, with a 404 for an id that no object can have (its history view
    passes the raw id to the database, which answers a non-number with an error)."""

    def history_view(self, request, object_id, extra_context=None):
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError, TypeError) as exc:
            raise Http404 from exc
        if not isinstance(pk, int) or not -(2**63) <= pk < 2**63:
            raise Http404
        return super().history_view(request, object_id, extra_context)


class LockedRoundReadOnlyMixin:
    """Rows of a locked round are shown read-only in admin: the services refuse the write
    anyway, and an administrator gets a page to read instead of an error."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.locked_round() is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.locked_round() is not None:
            return False
        return super().has_delete_permission(request, obj)


def _conflict_message(conflict: FieldConflict) -> str:
    who = conflict.changed_by or _("en anden")
    when = (
        date_format(localtime(conflict.changed_at), "DATETIME_FORMAT")
        if conflict.changed_at
        else ""
    )
    return _(
        "%(who)s har ændret feltet %(when)s, efter du åbnede siden; det lyder nu »%(stored)s«. "
        "Gem igen for at overskrive det med din værdi, eller genindlæs siden for at beholde det."
    ) % {"who": who, "when": when, "stored": conflict.stored_display or "–"}


class ServiceAdminForm(forms.ModelForm):
    """An admin change form that remembers what each field showed when the page was made
    (``show_hidden_initial``), so the service can tell what the user changed and whether
    someone else changed it meanwhile. ``request`` is set by the admin (``get_form``)."""

    # model field -> the service's name for it
    service_fields: dict[str, str] = {}
    request = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for attr in self.service_fields:
            if attr in self.fields:
                self.fields[attr].show_hidden_initial = True

    def edits(self) -> dict:
        edits = {}
        for attr, name in self.service_fields.items():
            if attr not in self.fields or attr not in self.changed_data:
                continue
            key = self.add_initial_prefix(attr)
            original = self.data.get(key) if key in self.data else None
            edits[name] = FieldEdit(new=self.cleaned_data.get(attr) or "", original=original)
        return edits

    def run_service(self, *, commit: bool) -> None:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.run_service(commit=False)
        except services.RowConflict as exc:
            # The next save overwrites deliberately: it starts from what is stored now.
            self.data = self.data.copy()
            by_name = {name: attr for attr, name in self.service_fields.items()}
            for conflict in exc.conflicts:
                attr = by_name.get(conflict.name)
                self.data[self.add_initial_prefix(attr)] = conflict.stored
                self.add_error(attr, _conflict_message(conflict))
        except (RoundLocked, PermissionDenied) as exc:
            raise ValidationError(str(exc) or _("Du kan ikke ændre denne række.")) from exc
        except ValidationError as exc:
            by_name = {name: attr for attr, name in self.service_fields.items()}
            for name, errors in exc.message_dict.items():
                self.add_error(by_name.get(name), errors)
        return cleaned


class RowAdminForm(ServiceAdminForm):
    """A milestone status or economy line, saved through ``services.row_save``."""

    def run_service(self, *, commit: bool) -> None:
        record = self.instance
        initiative = (
            record.milestone.initiative
            if isinstance(record, MilestoneStatus)
            else record.initiative
        )
        services.row_save(
            round=record.round,
            initiative=initiative,
            edits=self.edits(),
            actor=self.request.user,
            source=ChangeSource.ADMIN,
            commit=commit,
        )


class StatusAdminForm(RowAdminForm):
    service_fields = {"smiley": "smiley", "text": "text"}

    class Meta:
        model = MilestoneStatus
        fields = ["smiley", "text"]


class EconomyAdminForm(RowAdminForm):
    service_fields = {
        "text": "economy_text",
        "smiley": "economy_smiley",
        "status_text": "economy_status_text",
    }

    class Meta:
        model = EconomyLine
        fields = ["text", "smiley", "status_text"]


class MilestoneAdminForm(ServiceAdminForm):
    """A milestone, saved through ``services.milestone_plan_set`` like the initiative page."""

    service_fields = {"text": "text"}

    class Meta:
        model = Milestone
        fields = ["initiative", "point", "text"]

    def edits(self) -> dict:
        edits = super().edits()
        if "text" not in edits:
            return {}
        edit = edits["text"]
        if self.instance.pk is None:
            edit = FieldEdit(new=edit.new, original="")
        return {self.cleaned_data["point"]: edit}

    def clean(self):
        if self.instance.pk is not None:
            for name in ("initiative", "point"):
                if name in self.changed_data:
                    self.add_error(name, _("Kan ikke ændres; ret teksten i stedet."))
        return super().clean()

    def run_service(self, *, commit: bool) -> None:
        initiative = self.cleaned_data.get("initiative") or self.instance.initiative
        edits = self.edits()
        if not edits:
            return
        services.milestone_plan_set(
            initiative=initiative,
            edits=edits,
            actor=self.request.user,
            source=ChangeSource.ADMIN,
            commit=commit,
        )


class ServiceAdminMixin:
    """Builds the form with the request, and saves through the form's service."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def save_model(self, request, obj, form, change):
        # Checked in the form's clean() under the same transaction (admin's change view is
        # atomic, and the service's locks hold until it ends); now write.
        form.run_service(commit=True)
        obj.refresh_from_db()


class MilestoneInlineFormSet(BaseInlineFormSet):
    """The initiative's milestones in admin, saved through the milestone-plan service: locked
    points are refused as a form error (not a 500), changes of others are detected."""

    request = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "text" in form.fields:
            form.fields["text"].show_hidden_initial = True

    def plan_edits(self) -> dict[int, FieldEdit]:
        edits, seen = {}, set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            point = form.cleaned_data.get("point")
            if point is None:
                continue
            if point in seen:
                form.add_error("point", _("Tidspunktet står to gange."))
                continue
            seen.add(point)
            if form.instance.pk is not None and "point" in form.changed_data:
                form.add_error("point", _("Kan ikke ændres; ret teksten i stedet."))
                continue
            if not form.has_changed():
                continue
            new = form.cleaned_data.get("text") or ""
            if form.instance.pk is None:
                original = ""
            else:
                key = form.add_initial_prefix("text")
                original = form.data.get(key) if key in form.data else None
            if original is not None and normalize_text(original) == normalize_text(new):
                continue
            edits[point] = FieldEdit(new=new, original=original)
        return edits

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.chapter_id is None:
            return
        edits = self.plan_edits()
        if any(self.errors) or not edits:
            return
        try:
            services.milestone_plan_set(
                initiative=self.instance,
                edits=edits,
                actor=self.request.user,
                source=ChangeSource.ADMIN,
                commit=False,
            )
        except RoundLocked as exc:
            raise ValidationError(
                _("%(error)s Milepælen kan ikke ændres.") % {"error": exc}
            ) from exc
        except services.PlanConflict as exc:
            raise ValidationError(
                [
                    _("%(point)s er ændret af en anden, efter du åbnede siden: »%(stored)s«.")
                    % {"point": c.label, "stored": c.stored or "–"}
                    for c in exc.conflicts
                ]
            ) from exc
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def save(self, commit=True):
        edits = self.plan_edits()
        services.milestone_plan_set(
            initiative=self.instance,
            edits=edits,
            actor=self.request.user,
            source=ChangeSource.ADMIN,
        )
        # What admin's change message and log record.
        existing = {form.instance.point for form in self.forms if form.instance.pk is not None}
        saved = {m.point: m for m in Milestone.objects.filter(initiative=self.instance)}
        self.new_objects = [saved[p] for p in edits if p not in existing and p in saved]
        self.changed_objects = [(saved[p], ["text"]) for p in edits if p in existing]
        self.deleted_objects = []
        return self.new_objects + [obj for obj, _ in self.changed_objects]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = MilestoneInlineFormSet
    extra = 0
    max_num = 4
    can_delete = False
    fields = ["point", "text"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(HistoryAdmin):
    list_display = ["label", "agreement", "state", "deadline", "report_date", "locked_at"]
    list_filter = ["agreement", "state", "point"]
    list_select_related = ["agreement"]
    # A round is opened, locked and unlocked through the services (with history and reason).
    readonly_fields = ["agreement", "point", "state", "locked_at", "locked_by", "unlock_link"]
    fields = [
        "agreement",
        "point",
        "deadline",
        "report_date",
        "state",
        "locked_at",
        "locked_by",
        "unlock_link",
    ]
    actions = ["download_report", "lock_rounds"]

    def has_add_permission(self, request):
        return False  # opened from the rounds page, which gives every initiative its row

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=gettext_lazy("lås op"))
    def unlock_link(self, obj: FollowUpRound) -> str:
        if not obj.is_locked:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("milestones:unlock", args=[obj.pk]),
            _("Lås op med begrundelse"),
        )

    @admin.action(description=gettext_lazy("Lås de valgte opfølgninger"))
    def lock_rounds(self, request, queryset):
        locked = 0
        for round_ in queryset.select_related("agreement"):
            if round_.is_locked:
                continue
            try:
                services.round_lock(round=round_, actor=request.user, source=ChangeSource.ADMIN)
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            locked += 1
        self.message_user(request, _("%(count)d opfølgning(er) er låst.") % {"count": locked})

    @admin.action(description=gettext_lazy("Hent rapport (PDF)"))
    def download_report(self, request, queryset):
        """The whole municipality's PDF report of the one selected round."""
        if not can_read_whole_municipality(request.user):
            self.message_user(
                request,
                _("Kun Økonomi og Styring og administratorer kan hente hele kommunens rapport."),
                messages.ERROR,
            )
            return None
        rounds = list(queryset.select_related("agreement")[:2])
        if len(rounds) != 1:
            self.message_user(
                request, _("Vælg præcis én opfølgning for at hente rapporten."), messages.ERROR
            )
            return None
        return pdf_response(build_report(rounds[0]))


@admin.register(Milestone)
class MilestoneAdmin(ServiceAdminMixin, LockedRoundReadOnlyMixin, HistoryAdmin):
    form = MilestoneAdminForm
    list_display = ["initiative", "point", "text"]
    list_filter = ["initiative__chapter__agreement", "point", "initiative__responsible_committee"]
    search_fields = ["initiative__number", "initiative__title", "text"]
    list_select_related = ["initiative"]
    raw_id_fields = ["initiative"]

    def has_add_permission(self, request):
        return False  # written on the initiative (page or admin), for any of the four points

    def has_delete_permission(self, request, obj=None):
        return False  # a milestone is emptied, not deleted: its statuses belong to it


@admin.register(MilestoneStatus)
class MilestoneStatusAdmin(ServiceAdminMixin, LockedRoundReadOnlyMixin, HistoryAdmin):
    form = StatusAdminForm
    list_display = ["milestone", "round", "smiley", "updated_at", "updated_by"]
    list_filter = [
        "round__agreement",
        "round__point",
        "smiley",
        "milestone__initiative__responsible_committee",
    ]
    search_fields = ["milestone__initiative__number", "milestone__initiative__title", "text"]
    list_select_related = ["milestone__initiative", "round__agreement", "updated_by"]
    readonly_fields = ["milestone", "round", "version", "updated_at", "updated_by"]
    fields = ["milestone", "round", "smiley", "text", "version", "updated_at", "updated_by"]

    def has_add_permission(self, request):
        return False  # statuses are created when a round is opened

    def has_delete_permission(self, request, obj=None):
        return False  # a round's rows go with the round


@admin.register(EconomyLine)
class EconomyLineAdmin(ServiceAdminMixin, LockedRoundReadOnlyMixin, HistoryAdmin):
    form = EconomyAdminForm
    list_display = ["initiative", "round", "smiley", "updated_at", "updated_by"]
    list_filter = [
        "round__agreement",
        "round__point",
        "smiley",
        "initiative__responsible_committee",
    ]
    search_fields = ["initiative__number", "initiative__title", "text", "status_text"]
    list_select_related = ["initiative", "round__agreement", "updated_by"]
    readonly_fields = ["initiative", "round", "version", "updated_at", "updated_by"]
    fields = [
        "initiative",
        "round",
        "text",
        "smiley",
        "status_text",
        "version",
        "updated_at",
        "updated_by",
    ]

    def has_add_permission(self, request):
        return False  # economy lines are created when a round is opened

    def has_delete_permission(self, request, obj=None):
        return False  # a round's rows go with the round
