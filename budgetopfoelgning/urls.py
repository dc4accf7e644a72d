from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from budgetopfoelgning.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="agreements:list", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("aftaler/", include("agreements.urls")),
    path("oekonomi/", include("finance.urls")),
    path("rapporter/", include("milestones.report_urls")),
    path("opfoelgning/", include("milestones.urls")),
]

# A database outage answers 503 "try again shortly" instead of the error page (health.py).
handler500 = "budgetopfoelgning.health.server_error"
