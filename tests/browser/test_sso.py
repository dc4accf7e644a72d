"""Single sign-on in Chromium: the provider's own login form, the mapped role, logout."""

from __future__ import annotations

import re

import pytest

from agreements.models import Role, SsoGroupMapping
from tests.accounts.oidc import configure_django, start_provider
from tests.factories import BudgetAgreementFactory, CommitteeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def live_provider(live_server):
    """A provider whose client may return to the live server (its port is known only now)."""
    with start_provider([live_server.url]) as provider:
        yield provider


def test_secretary_logs_in_through_the_provider_and_out_again(
    live_server, live_provider, settings, page, axe_check
):
    configure_django(settings, live_provider)
    committee = CommitteeFactory(code="EBU", name="Erhvervs- og Beskæftigelsesudvalget")
    SsoGroupMapping.objects.create(group="Budget-Sekretær-EBU", role=Role.SECRETARY).committees.set(
        [committee]
    )
    BudgetAgreementFactory(year=2019, title="Aftale om budget 2019")

    page.goto(f"{live_server.url}/login/")
    axe_check(page)
    page.get_by_role("link", name="Log ind med Ballerup Kommune").click()

    # The provider's login form, on the provider's own address.
    page.wait_for_url(re.compile(re.escape(live_provider.issuer) + "/interaction/"))
    page.get_by_label("Brugernavn").fill("bo.sekretaer")
    page.get_by_label("Adgangskode").fill(live_provider.password("bo.sekretaer"))
    page.get_by_role("button", name="Log ind hos testudbyderen").click()

    page.wait_for_url(f"{live_server.url}/aftaler/")
    header = page.get_by_role("banner")
    assert "Bo Lund" in header.inner_text()
    assert header.get_by_role("link", name="Administration").count() == 0
    axe_check(page)
    page.goto(f"{live_server.url}/aftaler/udvalg/EBU/")
    assert "Erhvervs- og Beskæftigelsesudvalget" in page.get_by_role("main").inner_text()
    axe_check(page)

    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(re.compile(re.escape(live_provider.issuer) + "/"))
    page.get_by_role("button", name="Ja, log mig ud").click()

    page.wait_for_url(f"{live_server.url}/login/")
    assert page.get_by_role("link", name="Log ind med Ballerup Kommune").is_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/aftaler/")
    page.wait_for_url(re.compile(r"/login/\?next="))
