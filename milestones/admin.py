from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from milestones.models import FollowUpRound, Milestone, MilestoneStatus


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(SimpleHistoryAdmin):
    list_display = ["label", "agreement", "state", "deadline", "report_date", "locked_at"]
    list_filter = ["agreement", "state", "point"]
    list_select_related = ["agreement"]
    readonly_fields = ["locked_at", "locked_by"]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["initiative", "point", "text"]
    list_filter = ["initiative__chapter__agreement", "point", "initiative__responsible_committee"]
    search_fields = ["initiative__number", "initiative__title", "text"]
    list_select_related = ["initiative"]
    raw_id_fields = ["initiative"]


@admin.register(MilestoneStatus)
class MilestoneStatusAdmin(SimpleHistoryAdmin):
    list_display = ["milestone", "round", "smiley", "updated_at", "updated_by"]
    list_filter = [
        "round__agreement",
        "round__point",
        "smiley",
        "milestone__initiative__responsible_committee",
    ]
    search_fields = ["milestone__initiative__number", "milestone__initiative__title", "text"]
    list_select_related = ["milestone__initiative", "round__agreement", "updated_by"]
    raw_id_fields = ["milestone", "round"]
    readonly_fields = ["version", "updated_at", "updated_by"]
