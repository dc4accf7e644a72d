"""Log in, log out, single sign-on, and the answers to logins that are refused."""

from __future__ import annotations

import logging
import math

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from agreements.login.oidc import ProviderUnavailable, end_session_url, provider
from agreements.login.throttle import Reason, Refusal
from agreements.permissions import has_role

logger = logging.getLogger(__name__)

SSO_RETRY_AFTER = 30  # seconds, when the provider does not answer


def login_context() -> dict:
    return {
        "local_login": settings.LOCAL_LOGIN,
        "sso_enabled": settings.OIDC_ENABLED,
        "sso_name": settings.MUNICIPALITY_NAME,
    }


class LoginView(auth_views.LoginView):
    """Django's login view, with the single sign-on button and ``LOCAL_LOGIN``."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | login_context()

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.LOCAL_LOGIN:
            # No password is looked at; the form is unbound so nothing authenticates.
            context = self.get_context_data(
                form=self.get_form_class()(request),
                refused=_(
                    "Log ind med brugernavn og adgangskode er slået fra. "
                    "Brug »Log ind med %(name)s«."
                )
                % {"name": settings.MUNICIPALITY_NAME},
            )
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Ends the session here and, after single sign-on, the provider's session too
    (RP-initiated logout, when the provider has an end_session_endpoint)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and settings.OIDC_ENABLED:
            url = end_session_url(
                id_token=id_token,
                post_logout_redirect_uri=request.build_absolute_uri(
                    resolve_url(settings.LOGOUT_REDIRECT_URL)
                ),
            )
            if url:
                return HttpResponseRedirect(url)
        return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login page: anonymous users log in on the application's page, which offers
    single sign-on; a logged-in user without admin access gets the admin's own explanation."""
    if request.user.is_authenticated:
        return admin.site.login(request)
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def _wait(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(n)d sekund", "%(n)d sekunder", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return ngettext("%(n)d minut", "%(n)d minutter", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)d time", "%(n)d timer", hours) % {"n": hours}


def login_refused(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer (``AXES_LOCKOUT_CALLABLE``) to a locked-out or throttled login."""
    refusal = getattr(request, "login_refusal", None) or Refusal(
        Reason.ACCOUNT, int(settings.AXES_COOLOFF_TIME.total_seconds())
    )
    wait = _wait(refusal.retry_after)
    if refusal.reason == Reason.CLIENT:
        title = _("For mange forsøg fra din adresse")
        message = _(
            "Der har været for mange mislykkede forsøg på at logge ind fra din adresse. "
            "Prøv igen om %(wait)s."
        ) % {"wait": wait}
    elif refusal.reason == Reason.USERNAME:
        title = _("Vent lidt, før du prøver igen")
        message = _(
            "Der har været mange mislykkede forsøg på at logge ind som denne bruger. "
            "Vent %(wait)s, og prøv så igen."
        ) % {"wait": wait}
    else:
        title = _("Kontoen er midlertidigt spærret")
        message = _(
            "Der har været for mange mislykkede forsøg på at logge ind som denne bruger fra din "
            "adresse. Prøv igen om %(wait)s, eller kontakt en administrator."
        ) % {"wait": wait}
    response = render(
        request,
        "registration/locked_out.html",
        {"title": title, "message": message} | login_context(),
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _sso_unavailable(request: HttpRequest) -> HttpResponse:
    response = render(request, "registration/sso_unavailable.html", login_context(), status=503)
    response["Retry-After"] = str(SSO_RETRY_AFTER)
    return response


class OidcLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (authorization code flow with PKCE, state, nonce)."""

    def __init__(self, **kwargs) -> None:
        # The parent reads the endpoint here; it is read in get(), where failure can be answered.
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable as exc:
            logger.warning("single sign-on unavailable: %s", exc)
            return _sso_unavailable(request)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: log in, or say in Danish why not."""

    failure_message: str | None = None

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        name = settings.MUNICIPALITY_NAME
        if request.GET.get("error"):
            logger.warning(
                "single sign-on: the provider answered an error",
                extra={
                    "error": request.GET.get("error", "")[:100],
                    "description": request.GET.get("error_description", "")[:300],
                },
            )
            self.failure_message = _("Log ind hos %(name)s blev afbrudt. Prøv igen.") % {
                "name": name
            }
        elif "iss" in request.GET and not self._from_our_issuer(request.GET["iss"]):
            # RFC 9207: an answer naming another issuer is meant for another login (mix-up).
            logger.warning("single sign-on: answer from issuer %r refused", request.GET["iss"])
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            # The state is not one this browser started: an old tab, a replay or a forgery.
            logger.warning("single sign-on: %s", exc)
            self.failure_message = _("Log ind-forsøget er udløbet. Prøv igen.")
            return self.login_failure()

    @staticmethod
    def _from_our_issuer(issuer: str) -> bool:
        try:
            expected = provider().issuer
        except ProviderUnavailable:
            return False
        return expected is None or issuer == expected

    def login_failure(self) -> HttpResponse:
        user = getattr(self, "user", None)
        if self.failure_message:
            message = self.failure_message
        elif user is not None and not user.is_active:
            message = _("Din bruger er spærret i Budgetopfølgning. Kontakt en administrator.")
        else:
            message = _(
                "Log ind med %(name)s mislykkedes. Prøv igen, eller kontakt en administrator, "
                "hvis det bliver ved."
            ) % {"name": settings.MUNICIPALITY_NAME}
        messages.error(self.request, message)
        return redirect(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_success(self) -> HttpResponse:
        if has_role(self.user):
            return super().login_success()
        # Known to the provider, but no group of theirs gives access here: not logged in.
        logger.info(
            "single sign-on: user has no role", extra={"username": self.user.get_username()}
        )
        context = login_context() | {
            "person": self.user.get_full_name() or self.user.email,
            "groups": getattr(self.request, "sso_groups", [])[:50],
            "can_end_provider_session": "oidc_id_token" in self.request.session,
        }
        return render(self.request, "registration/no_role.html", context, status=403)
