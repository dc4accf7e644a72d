"""Single sign-on with OpenID Connect: mozilla-django-oidc's backend, made strict.

On top of mozilla-django-oidc (authorization code flow, PKCE, state, nonce, signature):
- the ID token must be for this client (``aud``, ``azp``) from this issuer (``iss``) and carry
  ``exp`` and ``sub``; the userinfo answer must be about the same ``sub``;
- the user is found by the provider's ``sub`` (stable), never by e-mail (which can change or be
  reused), and a local password account is never taken over;
- names, e-mail and role are set from the claims at every login (``services.sso_user_sync``);
- any failure of the provider or of its tokens ends as a failed login with a logged reason, for
  the callback view to explain in Danish, never as an error page.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from agreements.login.oidc import ProviderUnavailable, provider
from agreements.login.services import LocalAccountConflict, sso_user_sync, username_for_subject

logger = logging.getLogger(__name__)

# What can go wrong between the callback and a user: the provider (network, HTTP errors, bad
# JSON), its tokens (signature, claims, expiry) or its keys.
LOGIN_FAILURES = (
    requests.RequestException,
    ValueError,
    KeyError,
    jwt.PyJWTError,
    SuspiciousOperation,
    ProviderUnavailable,
    LocalAccountConflict,
)


def _text_claim(claims: dict, name: str) -> str:
    value = claims.get(name) if name else None
    return value.strip() if isinstance(value, str) else ""


def groups_from_claims(claims: dict) -> list[str]:
    """The group claim as a list of names: a JSON list, or one string."""
    value = claims.get(settings.OIDC_CLAIM_GROUPS)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [g for g in value if isinstance(g, str) and g.strip()]


class OidcBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs) -> None:
        # Unlike the parent, read no endpoint here: Django makes a backend for every request of
        # a logged-in user, and those must not depend on the provider being reachable.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 (the parent's name)
        return provider().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:  # noqa: N802
        return provider().userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return provider().jwks_uri

    def authenticate(self, request: HttpRequest | None, nonce=None, code_verifier=None):
        # Only the callback view passes a nonce; a password login (username, password) does not
        # fit this signature and never reaches the provider.
        if request is None or not nonce:
            return None
        try:
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except LOGIN_FAILURES as exc:
            logger.warning(
                "single sign-on failed: %s",
                exc,
                extra={"error": type(exc).__name__},
            )
            request.sso_failure = type(exc).__name__
            return None

    def get_user(self, user_id):
        # ModelBackend's: a user deactivated in the admin is logged out at the next request.
        return ModelBackend.get_user(self, user_id)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        self._check_claims(payload)
        return payload

    def _check_claims(self, payload: dict) -> None:
        issuer = provider().issuer
        if issuer is not None and payload.get("iss") != issuer:
            raise SuspiciousOperation(f"ID token from issuer {payload.get('iss')!r}")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(f"ID token for audience {audience!r}")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation(f"ID token for authorized party {payload.get('azp')!r}")
        if not isinstance(payload.get("exp"), int | float):
            raise SuspiciousOperation("ID token without exp")
        if not isinstance(payload.get("sub"), str) or not payload["sub"]:
            raise SuspiciousOperation("ID token without sub")

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the userinfo endpoint's where the provider has one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != payload["sub"]:
                raise SuspiciousOperation("userinfo answer is about another subject")
            claims.update(userinfo)
        return claims

    def verify_claims(self, claims) -> bool:
        return isinstance(claims.get("sub"), str) and bool(claims["sub"])

    def filter_users_by_claims(self, claims):
        # Only accounts without a usable password: those made by single sign-on.
        return self.UserModel.objects.filter(
            username=username_for_subject(claims["sub"]),
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )

    def create_user(self, claims):
        return self._sync(None, claims)

    def update_user(self, user, claims):
        return self._sync(user, claims)

    def _sync(self, user, claims):
        groups = groups_from_claims(claims)
        # For the callback's "no access" page, which lists the groups the provider sent.
        self.request.sso_groups = groups
        first_name = _text_claim(claims, settings.OIDC_CLAIM_FIRST_NAME)
        last_name = _text_claim(claims, settings.OIDC_CLAIM_LAST_NAME)
        if not first_name and not last_name:
            first_name = _text_claim(claims, "name")  # the one name claim every provider has
        return sso_user_sync(
            user=user,
            subject=claims["sub"],
            first_name=first_name,
            last_name=last_name,
            email=_text_claim(claims, settings.OIDC_CLAIM_EMAIL),
            groups=groups,
        )
