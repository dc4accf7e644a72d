from __future__ import annotations

import pytest

from tests.factories import StaffProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_user_browses_agreement_and_initiative(
    demo_data_tx, live_server, page, login, axe_check
):
    StaffProfileFactory(user__username="ole", user__password="korrekt-hest-batteri")
    login(page, "ole", "korrekt-hest-batteri")
    axe_check(page)

    page.get_by_role("link", name="Aftale om budget 2019").click()
    totals = page.get_by_role("table").first
    assert "41.801" in totals.inner_text()
    assert "38.700" in totals.inner_text()
    axe_check(page)

    page.get_by_label("Fritekst").fill("Fællesskabsmodel")
    page.get_by_role("button", name="Filtrér").click()
    page.get_by_role("link", name="Det specialiserede børneområde - Fællesskabsmodel").click()
    assert "4.711" in page.get_by_role("main").inner_text()
    axe_check(page)
