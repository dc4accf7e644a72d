"""Admin for money, and for initiatives: an initiative's admin page edits its milestones
and appropriations too, so it lives here, above the apps whose rows it shows."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from agreements.models import Initiative
from finance.models import Appropriation, SavingsAmount, SavingsCase
from milestones.admin import MilestoneInline
from milestones.models import ChangeSource
from milestones.services import initiative_save


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


class AppropriationFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # An appropriation carries its agreement's year so the database can check the period.
        if self.instance.chapter_id:
            form.instance.agreement_id = self.instance.chapter.agreement.year
        return form


class AppropriationInline(admin.TabularInline):
    model = Appropriation
    formset = AppropriationFormSet
    extra = 0
    fields = ["kind", "year", "amount"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "part",
        "kind",
        "responsible_committee",
        "responsible_center",
        "agreement_year",
        "closed",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        "chapter__agreement",
        "responsible_committee",
        "responsible_center",
        "kind",
        "closed",
    ]
    search_fields = ["number", "title", "source_reference"]
    list_select_related = ["chapter__agreement", "responsible_committee", "responsible_center"]
    autocomplete_fields = ["responsible_center", "responsible_committee"]
    list_per_page = 50
    inlines = [MilestoneInline, AppropriationInline]
    fieldsets = [
        (None, {"fields": ["chapter", "number", "part", "title", "kind", "order", "closed"]}),
        (_("Beskrivelse"), {"fields": ["description", "elaboration", "source_reference"]}),
        (_("Ansvar"), {"fields": ["responsible_center", "responsible_committee", "contributors"]}),
    ]

    def save_model(self, request, obj, form, change):
        # An initiative created or reopened while a round is open joins that round.
        initiative_save(
            initiative=obj, actor=request.user, source=ChangeSource.ADMIN, validate=False
        )

    @admin.display(description=_("budgetår"), ordering="chapter__agreement__year")
    def agreement_year(self, obj: Initiative) -> int:
        return obj.chapter.agreement.year
