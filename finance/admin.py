from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from finance.models import Appropriation, EconomyLine, SavingsAmount, SavingsCase


@admin.register(EconomyLine)
class EconomyLineAdmin(SimpleHistoryAdmin):
    list_display = ["initiative", "round", "smiley", "updated_at", "updated_by"]
    list_filter = [
        "round__agreement",
        "round__point",
        "smiley",
        "initiative__responsible_committee",
    ]
    search_fields = ["initiative__number", "initiative__title", "text", "status_text"]
    list_select_related = ["initiative", "round__agreement", "updated_by"]
    raw_id_fields = ["initiative", "round"]
    readonly_fields = ["version", "updated_at", "updated_by"]


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
