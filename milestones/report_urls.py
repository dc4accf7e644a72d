from django.urls import path

from milestones import report_views

app_name = "reports"

urlpatterns = [
    path("<id:round_pk>/", report_views.municipality_report, name="municipality"),
    path("<id:round_pk>/<code:committee_code>/", report_views.committee_report, name="committee"),
]
