from django.urls import path

from agreements import views

app_name = "agreements"

# The agreement, initiative and committee pages show data of the apps above this one, so they
# live there: finance (agreement, initiative) and milestones (committee).
urlpatterns = [
    path("", views.agreement_list, name="list"),
]
