from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as accounts_views
from budgetopfoelgning.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="agreements:list", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", accounts_views.LogoutView.as_view(), name="logout"),
    path("oidc/", include("accounts.urls")),
    # Before the admin's own URLs: one login page for everyone, with single sign-on.
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("aftaler/", include("agreements.urls")),
    path("oekonomi/", include("finance.urls")),
    path("rapporter/", include("milestones.report_urls")),
    path("opfoelgning/", include("milestones.urls")),
]

# A database outage answers 503 "try again shortly" instead of the error page (health.py).
handler500 = "budgetopfoelgning.health.server_error"
