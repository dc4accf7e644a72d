from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("<int:year>/", views.agreement_detail, name="detail"),
    path("indsats/<int:pk>/", views.initiative_detail, name="initiative"),
    path("indsats/<int:pk>/milepaele/", views.milestone_plan, name="milestone_plan"),
    path("udvalg/<str:code>/", views.committee_detail, name="committee"),
]
