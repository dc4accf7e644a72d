from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from agreements import converters
from agreements.login import views as login_views
from budgetopfoelgning.health import healthz

# <id:...> and <code:...> in the apps' URL patterns; registered before they are included.
converters.register()

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="agreements:list", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", login_views.LoginView.as_view(), name="login"),
    path("logout/", login_views.LogoutView.as_view(), name="logout"),
    path("oidc/", include("agreements.login.urls")),
    # Before the admin's own URLs: one login page for everyone, with single sign-on.
    path("admin/login/", login_views.admin_login),
    path("admin/", admin.site.urls),
    path("aftaler/", include("agreements.urls")),
    path("rapporter/", include("milestones.report_urls")),
    # These two hold pages under several prefixes (aftaler/, opfoelgning/, oekonomi/).
    path("", include("milestones.urls")),
    path("", include("finance.urls")),
]

# A database outage answers 503 "try again shortly" instead of the error page (health.py).
handler500 = "budgetopfoelgning.health.server_error"
