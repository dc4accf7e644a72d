"""A real OpenID Connect provider for the tests: oidc-provider (Node.js) on loopback.

``start_provider`` runs ``oidc_provider/provider.mjs`` (after ``npm ci`` into that folder if
its ``node_modules`` is missing) and stops it afterwards; without node and npm the tests that
need it are skipped. ``ProviderBrowser`` plays the user's browser at the provider (httpx with
the provider's cookies) while a Django test client plays it at the application.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
ACCOUNTS = json.loads((PROVIDER_DIR / "accounts.json").read_text(encoding="utf-8"))
CLIENT_ID = ACCOUNTS["client"]["client_id"]
CLIENT_SECRET = ACCOUNTS["client"]["client_secret"]
SCOPES = "openid profile email groups"
START_TIMEOUT = 20  # seconds


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    log: Path

    def password(self, username: str) -> str:
        return ACCOUNTS["accounts"][username]["password"]

    def claims(self, username: str) -> dict:
        return ACCOUNTS["accounts"][username]["claims"]


def _install() -> None:
    npm = shutil.which("npm")
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PROVIDER_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"npm ci for the test OpenID Connect provider failed:\n{result.stderr}")


@contextlib.contextmanager
def start_provider(base_urls: list[str]) -> Iterator[RunningProvider]:
    """The provider, with a client that may return to ``<base_url>/oidc/callback/`` and, after
    logout, ``<base_url>/login/`` of each of ``base_urls``."""
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run the OpenID Connect provider (oidc-provider)")
    _install()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", tempfile.gettempdir()),
        "REDIRECT_URIS": json.dumps([f"{base}/oidc/callback/" for base in base_urls]),
        "POST_LOGOUT_REDIRECT_URIS": json.dumps([f"{base}/login/" for base in base_urls]),
    }
    log = Path(tempfile.mkstemp(prefix="oidc-provider-", suffix=".log")[1])
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [node, "provider.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdin=subprocess.PIPE,  # closed when the tests end, however they end
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        line = process.stdout.readline() if ready else ""
        if not line:
            pytest.fail(f"the OpenID Connect provider did not start:\n{log.read_text()}")
        yield RunningProvider(issuer=json.loads(line)["issuer"], log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        process.stdin.close()
        process.stdout.close()
        log.unlink(missing_ok=True)


def configure_django(settings, provider: RunningProvider) -> None:
    """Point the application at ``provider`` (the five variables of the README)."""
    from agreements.login import oidc

    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = SCOPES
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["form-action"] = [*csp["DIRECTIVES"]["form-action"], provider.issuer]
    settings.CONTENT_SECURITY_POLICY = csp
    if "agreements.login.backends.OidcBackend" not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "agreements.login.backends.OidcBackend",
        ]
    oidc.clear_cache()


FORM_RE = re.compile(r"<form[^>]*\baction=\"([^\"]*)\"[^>]*>(.*?)</form>", re.S)
HIDDEN_RE = re.compile(r"<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")


class ProviderBrowser:
    """The user's browser at the provider: follows its redirects, fills its login form and
    stops at the first redirect that leaves the provider (back to the application)."""

    def __init__(self, provider: RunningProvider) -> None:
        self.provider = provider
        self.http = httpx.Client(follow_redirects=False, timeout=10)
        self.pages: list[str] = []

    def close(self) -> None:
        self.http.close()

    def _leaves_provider(self, url: str) -> bool:
        return not url.startswith(self.provider.issuer + "/")

    def _follow(self, response: httpx.Response) -> httpx.Response | str:
        while response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if self._leaves_provider(location):
                return location
            response = self.http.get(location)
        return response

    def authorize(self, url: str, username: str | None, password: str | None = None) -> str:
        """Open the authorization URL, log in if the provider asks, and return the URL the
        provider sends the browser back to."""
        result = self._follow(self.http.get(url))
        if isinstance(result, str):
            return result  # the provider still knew the user: no login form
        self.pages.append(result.text)
        assert "Log ind hos testudbyderen" in result.text, result.text
        if username is None:
            raise AssertionError("the provider asked for a login")
        action = FORM_RE.search(result.text).group(1)
        response = self.http.post(
            urljoin(str(result.url), unescape(action)),
            data={"login": username, "password": password or self.provider.password(username)},
        )
        result = self._follow(response)
        assert isinstance(result, str), result.text
        return result

    def end_session(self, url: str) -> str:
        """Open the provider's logout URL, confirm, and return where it sends the browser."""
        result = self._follow(self.http.get(url))
        assert isinstance(result, httpx.Response), result
        self.pages.append(result.text)
        action, form = FORM_RE.search(result.text).groups()
        data = dict(HIDDEN_RE.findall(form)) | {"logout": "yes"}
        result = self._follow(self.http.post(urljoin(str(result.url), unescape(action)), data=data))
        assert isinstance(result, str), result.text
        return result


def local_path(url: str) -> str:
    """The path and query of an application URL, for the Django test client."""
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def start_login(client, next_url: str | None = None) -> str:
    """Click "Log ind med Ballerup Kommune": the authorization URL the application sends to."""
    from django.urls import reverse

    url = reverse("accounts:oidc_login") + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def sso_login(client, browser: ProviderBrowser, username: str | None, password=None, **kwargs):
    """Log in through the provider; the application's answer to the provider's redirect."""
    back = browser.authorize(start_login(client, **kwargs), username, password)
    return client.get(local_path(back))


def message_texts(response) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]
