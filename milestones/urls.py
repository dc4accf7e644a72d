from django.urls import path

from milestones import views

app_name = "milestones"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("ny/", views.round_open, name="open"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/oversigt/", views.round_overview, name="overview"),
    path("<int:pk>/indsats/<int:initiative_pk>/", views.save_row, name="save_row"),
    path("<int:pk>/laas/", views.round_lock, name="lock"),
    path("<int:pk>/laas-op/", views.round_unlock, name="unlock"),
]
