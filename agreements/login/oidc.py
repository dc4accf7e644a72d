"""The OpenID Connect provider: its endpoints, from the settings or its discovery document.

With ``OIDC_ISSUER`` set, the endpoints are read from ``<issuer>/.well-known/openid-configuration``
when a login first needs them and kept for an hour; an endpoint set in its own variable wins.
Nothing here runs at start-up or for pages of users already logged in, so a provider that is
down only affects logging in (a Danish "try again" page), never the rest of the application.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

DISCOVERY_TTL = 3600  # seconds
DISCOVERY_PATH = "/.well-known/openid-configuration"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or is not usable."""


@dataclass(frozen=True)
class Provider:
    issuer: str | None  # None: endpoints configured one by one, no issuer to check
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None


_lock = threading.Lock()
_discovered: dict[str, tuple[float, dict]] = {}


def clear_cache() -> None:
    with _lock:
        _discovered.clear()


def _discover(issuer: str) -> dict:
    with _lock:
        cached = _discovered.get(issuer)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery document {url} could not be read: {exc}") from exc
    if not isinstance(metadata, dict):
        raise ProviderUnavailable(f"discovery document {url} is no JSON object")
    # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer asked for.
    if str(metadata.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ProviderUnavailable(
            f"discovery document {url} names issuer {metadata.get('issuer')!r}, not {issuer!r}"
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise ProviderUnavailable(f"discovery document {url} has no {key}")
    with _lock:
        _discovered[issuer] = (time.monotonic() + DISCOVERY_TTL, metadata)
    return metadata


def provider() -> Provider:
    """The provider's endpoints; raises ProviderUnavailable if discovery fails."""
    metadata = _discover(settings.OIDC_ISSUER) if settings.OIDC_ISSUER else {}

    def endpoint(setting: str, key: str) -> str | None:
        value = getattr(settings, setting) or metadata.get(key)
        return value if isinstance(value, str) and value else None

    return Provider(
        issuer=metadata.get("issuer"),
        authorization_endpoint=endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
        token_endpoint=endpoint("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
        jwks_uri=endpoint("OIDC_OP_JWKS_ENDPOINT", "jwks_uri"),
        userinfo_endpoint=endpoint("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint"),
        end_session_endpoint=endpoint("OIDC_OP_LOGOUT_ENDPOINT", "end_session_endpoint"),
    )


def end_session_url(*, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end the provider's session (RP-initiated logout 1.0), or
    None if the provider has no end_session_endpoint or cannot be reached."""
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable as exc:
        logger.warning("single sign-on: provider logout skipped: %s", exc)
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
