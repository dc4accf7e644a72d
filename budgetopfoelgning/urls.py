from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from agreements import converters
from budgetopfoelgning.health import healthz

# <id:...> and <code:...> in the apps' URL patterns; registered before they are included.
converters.register()

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="agreements:list", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("aftaler/", include("agreements.urls")),
    path("rapporter/", include("milestones.report_urls")),
    # These two hold pages under several prefixes (aftaler/, opfoelgning/, oekonomi/).
    path("", include("milestones.urls")),
    path("", include("finance.urls")),
]
