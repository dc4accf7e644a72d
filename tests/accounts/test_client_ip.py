"""The client's address behind the reverse proxy: X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from agreements.login.client_ip import client_ip

PROXY = "10.0.0.5"


def request(remote_addr: str, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/login/", **headers)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.1.0.0/16", "fd00::/8"]


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "client"),
    [
        pytest.param(PROXY, "203.0.113.7", "203.0.113.7", id="proxy-names-the-client"),
        pytest.param("198.51.100.9", "203.0.113.7", "198.51.100.9", id="untrusted-peer-ignored"),
        pytest.param(PROXY, None, PROXY, id="proxy-without-header"),
        pytest.param(PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7", id="forged-left-part"),
        pytest.param(PROXY, "203.0.113.7, 10.1.2.3", "203.0.113.7", id="two-trusted-proxies"),
        pytest.param(PROXY, "10.1.2.3", "10.1.2.3", id="only-proxies"),
        pytest.param(PROXY, "203.0.113.7:51234", "203.0.113.7", id="with-port"),
        pytest.param(PROXY, "[2001:db8::7]:443", "2001:db8::7", id="ipv6-with-port"),
        pytest.param(PROXY, "6.6.6.6, nonsense", PROXY, id="garbage-from-the-client"),
        pytest.param("fd00::1", "2001:db8::7", "2001:db8::7", id="ipv6-proxy"),
        pytest.param("::ffff:10.0.0.5", "203.0.113.7", "203.0.113.7", id="ipv4-mapped-proxy"),
        pytest.param("", "203.0.113.7", None, id="no-peer"),
    ],
)
def test_client_address_behind_trusted_proxies(behind_proxy, remote_addr, forwarded_for, client):
    assert client_ip(request(remote_addr, forwarded_for)) == client


def test_without_behind_proxy_the_header_is_never_trusted(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


def test_any_proxy_trusts_only_the_hop_it_added(settings):
    settings.TRUSTED_PROXIES = ["*"]

    assert client_ip(request("192.0.2.1", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
