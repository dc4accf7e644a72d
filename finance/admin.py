from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from finance.models import Appropriation, EconomyLine, SavingsAmount, SavingsCase
from milestones.admin import LockedRoundReadOnlyMixin
from milestones.models import RoundLocked
from milestones.services import StaleEdit, economy_set


@admin.register(EconomyLine)
class EconomyLineAdmin(LockedRoundReadOnlyMixin, SimpleHistoryAdmin):
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

    def save_model(self, request, obj, form, change):
        # The same service as the round page: permission, lock, validation, history.
        try:
            economy_set(
                line=obj,
                text=obj.text,
                smiley=obj.smiley,
                status_text=obj.status_text,
                actor=request.user,
                expected_version=obj.version,
            )
        except (RoundLocked, StaleEdit) as exc:
            self.message_user(request, str(exc), messages.ERROR)


@admin.register(Appropriation)
class AppropriationAdmin(admin.ModelAdmin):
    list_display = ["initiative", "kind", "year", "amount", "agreement"]
    list_filter = ["agreement", "kind", "year"]
    search_fields = ["initiative__number", "initiative__title"]
    list_select_related = ["initiative", "agreement"]
    raw_id_fields = ["initiative"]


class SavingsAmountInline(admin.TabularInline):
    model = SavingsAmount
    extra = 0
    fields = ["agreement", "year", "amount"]


@admin.register(SavingsCase)
class SavingsCaseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "committee", "agreement", "capital_investment"]
    list_filter = ["agreement", "committee"]
    search_fields = ["code", "title"]
    list_select_related = ["committee", "agreement"]
    inlines = [SavingsAmountInline]
