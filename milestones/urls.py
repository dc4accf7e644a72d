from django.urls import path

from milestones import views

app_name = "milestones"

urlpatterns = [
    path("opfoelgning/", views.round_list, name="list"),
    path("opfoelgning/ny/", views.round_open, name="open"),
    path("opfoelgning/<id:pk>/", views.round_detail, name="round"),
    path("opfoelgning/<id:pk>/oversigt/", views.round_overview, name="overview"),
    path("opfoelgning/<id:pk>/indsats/<id:initiative_pk>/", views.row, name="row"),
    path("opfoelgning/<id:pk>/laas/", views.round_lock, name="lock"),
    path("opfoelgning/<id:pk>/laas-op/", views.round_unlock, name="unlock"),
    path("aftaler/udvalg/<code:code>/", views.committee_detail, name="committee"),
]
