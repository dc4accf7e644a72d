from django.urls import path

from agreements.login import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.OidcLoginView.as_view(), name="oidc_login"),
    path("callback/", views.OidcCallbackView.as_view(), name="oidc_callback"),
]
