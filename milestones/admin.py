from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from milestones import services
from milestones.models import FollowUpRound, Milestone, MilestoneStatus, RoundLocked
from milestones.report_views import pdf_response
from milestones.reports.access import can_read_whole_municipality
from milestones.reports.render import build_report


class LockedRoundReadOnlyMixin:
    """Rows of a locked round are shown read-only in admin: the model refuses the write anyway,
    and an administrator gets a page to read instead of an error."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.locked_round() is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.locked_round() is not None:
            return False
        return super().has_delete_permission(request, obj)


class LockedMilestoneFormSet(BaseInlineFormSet):
    """The initiative's milestone inline refuses changes to points of locked rounds."""

    def clean(self):
        super().clean()
        for form in self.forms:
            instance = form.instance
            if instance.pk is None or not (form.has_changed() or self._should_delete_form(form)):
                continue
            round_ = instance.locked_round()
            if round_ is not None:
                raise ValidationError(
                    _("%(round)s er låst: milepælen for %(point)s kan ikke ændres.")
                    % {"round": round_.label, "point": instance.get_point_display()}
                )


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(SimpleHistoryAdmin):
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

    @admin.display(description=_("lås op"))
    def unlock_link(self, obj: FollowUpRound) -> str:
        if not obj.is_locked:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("milestones:unlock", args=[obj.pk]),
            _("Lås op med begrundelse"),
        )

    @admin.action(description=_("Lås de valgte opfølgninger"))
    def lock_rounds(self, request, queryset):
        locked = 0
        for round_ in queryset.select_related("agreement"):
            if not round_.is_locked:
                services.round_lock(round=round_, actor=request.user)
                locked += 1
        self.message_user(request, _("%(count)d opfølgning(er) er låst.") % {"count": locked})

    @admin.action(description=_("Hent rapport (PDF)"))
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
class MilestoneAdmin(LockedRoundReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["initiative", "point", "text"]
    list_filter = ["initiative__chapter__agreement", "point", "initiative__responsible_committee"]
    search_fields = ["initiative__number", "initiative__title", "text"]
    list_select_related = ["initiative"]
    raw_id_fields = ["initiative"]

    def save_model(self, request, obj, form, change):
        services.milestone_text_set(
            initiative=obj.initiative, point=obj.point, text=obj.text, actor=request.user
        )


@admin.register(MilestoneStatus)
class MilestoneStatusAdmin(LockedRoundReadOnlyMixin, SimpleHistoryAdmin):
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

    def save_model(self, request, obj, form, change):
        # The same service as the round page: permission, lock, validation, history.
        try:
            services.status_set(
                status=obj,
                smiley=obj.smiley,
                text=obj.text,
                actor=request.user,
                expected_version=obj.version,
            )
        except (RoundLocked, services.StaleEdit) as exc:
            self.message_user(request, str(exc), messages.ERROR)
