"""The pages that show every app's data (finance/views/pages.py): the agreement page's savings
catalogue follows the same committee rule as the workbook with the same catalogue."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from finance import excel
from tests.factories import SavingsAmountFactory, SavingsCaseFactory
from tests.finance.conftest import open_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def savings(agreement, committee_a, committee_b):
    """A savings case under each committee."""
    own = SavingsCaseFactory(
        agreement=agreement, committee=committee_a, code="EBU-01", title="Færre konsulenter"
    )
    other = SavingsCaseFactory(
        agreement=agreement, committee=committee_b, code="BSU-02", title="Samdrift af skoler"
    )
    for case in (own, other):
        SavingsAmountFactory(savings_case=case, year=2019)
    return own, other


def agreement_page(client, agreement) -> str:
    response = client.get(reverse("finance:agreement", args=[agreement.year]))
    assert response.status_code == 200
    return response.content.decode()


def workbook_savings_codes(client, agreement) -> set[str]:
    content = client.get(reverse("finance:appropriation_overview", args=[agreement.year])).content
    sheet = open_workbook(content)[excel.SAVINGS_SHEET]
    # Column A holds the codes, and the committees' names above their cases.
    codes = {row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    return {code for code in codes if re.fullmatch(r"[A-ZÆØÅ]+-\d+", code)}


def test_secretary_sees_only_own_committees_savings_cases_like_the_workbook(
    client_for, secretary_a, agreement, savings
):
    client = client_for(secretary_a)
    page = agreement_page(client, agreement)
    assert "Færre konsulenter" in page and "EBU-01" in page
    assert "Samdrift af skoler" not in page and "BSU-02" not in page
    assert "I alt Børne- og Skoleudvalget" not in page
    assert workbook_savings_codes(client, agreement) == {"EBU-01"}


def test_finance_sees_every_committees_savings_cases_like_the_workbook(
    client_for, finance_user, agreement, savings
):
    client = client_for(finance_user)
    page = agreement_page(client, agreement)
    assert "Færre konsulenter" in page and "Samdrift af skoler" in page
    assert workbook_savings_codes(client, agreement) == {"EBU-01", "BSU-02"}


def test_secretary_without_savings_cases_gets_no_catalogue(
    client_for, secretary_b, agreement, committee_a
):
    SavingsCaseFactory(agreement=agreement, committee=committee_a, title="Færre konsulenter")
    page = agreement_page(client_for(secretary_b), agreement)
    assert "Færre konsulenter" not in page
    assert "Omstillingscases" not in page
