from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path(
        "aftale/<int:year>/bevillinger.xlsx",
        views.appropriation_overview,
        name="appropriation_overview",
    ),
    path(
        "aftale/<int:year>/bevillinger-skabelon.xlsx",
        views.appropriation_template,
        name="appropriation_template",
    ),
    path(
        "aftale/<int:year>/bevillinger/indlaes/",
        views.appropriation_import,
        name="appropriation_import",
    ),
    path(
        "opfoelgning/<int:pk>/status/udvalg/<str:code>.xlsx",
        views.status_workbook_committee,
        name="status_workbook_committee",
    ),
    path(
        "opfoelgning/<int:pk>/status/center/<int:center_pk>.xlsx",
        views.status_workbook_center,
        name="status_workbook_center",
    ),
    path("opfoelgning/<int:pk>/oversigt.xlsx", views.round_overview, name="round_overview"),
    path("opfoelgning/<int:pk>/status/indlaes/", views.status_import, name="status_import"),
    path("indlaesning/<int:pk>/", views.import_preview, name="import_preview"),
    path("indlaesning/<int:pk>/bekraeft/", views.import_confirm, name="import_confirm"),
    path("indlaesning/<int:pk>/annuller/", views.import_cancel, name="import_cancel"),
]
