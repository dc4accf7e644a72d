from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    BudgetAgreement,
    Center,
    Chapter,
    Committee,
    SsoGroupMapping,
    StaffProfile,
)

admin.site.site_header = _("Budgetopfølgning – administration")
admin.site.site_title = _("Budgetopfølgning")
admin.site.index_title = _("Administration")

# Initiatives are administered in finance's admin: their page there edits milestones and
# appropriations too, which live in the apps above this one.


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 0
    fields = ["number", "title"]
    show_change_link = True


@admin.register(BudgetAgreement)
class BudgetAgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "period_label", "signed_on"]
    search_fields = ["title"]
    inlines = [ChapterInline]
    fieldsets = [
        (None, {"fields": ["year", "title", "signed_on", "parties"]}),
        (
            _("Smileydefinitioner (læsevejledning)"),
            {
                "fields": [
                    "reading_guide",
                    "milestone_green",
                    "milestone_yellow",
                    "milestone_red",
                    "economy_green",
                    "economy_red",
                ],
            },
        ),
        (
            _("Afsender på rapporterne"),
            {
                "fields": ["department", "contact_person", "phone", "email", "case_id"],
            },
        ),
    ]

    @admin.display(description=_("periode"))
    def period_label(self, obj: BudgetAgreement) -> str:
        return obj.period_label


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agreement"]
    list_filter = ["agreement"]
    search_fields = ["title"]
    list_select_related = ["agreement"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role", "committees"]
    filter_horizontal = ["committees"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


@admin.register(SsoGroupMapping)
class SsoGroupMappingAdmin(admin.ModelAdmin):
    list_display = ["group", "role", "is_administrator", "committee_list"]
    list_filter = ["role", "is_administrator", "committees"]
    search_fields = ["group"]
    filter_horizontal = ["committees"]
    fieldsets = [
        (
            None,
            {
                "fields": ["group", "role", "is_administrator", "committees"],
                "description": _(
                    "Ved hvert log ind med single sign-on får brugeren rolle og udvalg fra "
                    "sine grupper: administrator, hvis en gruppe giver det; ellers den stærkeste "
                    "rolle (økonomi før sekretær) med udvalgene fra grupperne med den rolle. "
                    "En bruger, hvis grupper ikke står her, får ingen adgang."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("committees")

    @admin.display(description=_("udvalg"))
    def committee_list(self, obj: SsoGroupMapping) -> str:
        return ", ".join(c.code for c in obj.committees.all())


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = True
    extra = 0
    max_num = 1
    filter_horizontal = ["committees"]
    verbose_name = _("rolle i Budgetopfølgning")


class UserWithRoleAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "is_superuser",
        "is_active",
    ]
    list_select_related = ["staff_profile"]

    @admin.display(description=_("rolle"))
    def role(self, user) -> str:
        profile = getattr(user, "staff_profile", None)
        return profile.get_role_display() if profile else ""


admin.site.unregister(User)
admin.site.register(User, UserWithRoleAdmin)
