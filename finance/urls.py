from django.urls import path

from finance.views import excel, pages

app_name = "finance"

urlpatterns = [
    # Pages that show every app's data.
    path("aftaler/<id:year>/", pages.agreement_detail, name="agreement"),
    path("aftaler/indsats/<id:pk>/", pages.initiative_detail, name="initiative"),
    path("aftaler/indsats/<id:pk>/milepaele/", pages.milestone_plan, name="milestone_plan"),
    # Excel.
    path(
        "oekonomi/aftale/<id:year>/bevillinger.xlsx",
        excel.appropriation_overview,
        name="appropriation_overview",
    ),
    path(
        "oekonomi/aftale/<id:year>/bevillinger-skabelon.xlsx",
        excel.appropriation_template,
        name="appropriation_template",
    ),
    path(
        "oekonomi/aftale/<id:year>/bevillinger/indlaes/",
        excel.appropriation_import,
        name="appropriation_import",
    ),
    path(
        "oekonomi/opfoelgning/<id:pk>/status/udvalg/<code:code>.xlsx",
        excel.status_workbook_committee,
        name="status_workbook_committee",
    ),
    path(
        "oekonomi/opfoelgning/<id:pk>/status/center/<id:center_pk>.xlsx",
        excel.status_workbook_center,
        name="status_workbook_center",
    ),
    path("oekonomi/opfoelgning/<id:pk>/oversigt.xlsx", excel.round_overview, name="round_overview"),
    path("oekonomi/opfoelgning/<id:pk>/status/indlaes/", excel.status_import, name="status_import"),
    path("oekonomi/indlaesning/<id:pk>/", excel.import_preview, name="import_preview"),
    path("oekonomi/indlaesning/<id:pk>/bekraeft/", excel.import_confirm, name="import_confirm"),
    path("oekonomi/indlaesning/<id:pk>/annuller/", excel.import_cancel, name="import_cancel"),
]
