"""Rules every response follows: signed-in pages are not cached by the browser, and control
characters in a path or query string are a 400, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import BudgetAgreementFactory, ChapterFactory, InitiativeFactory, open_round

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_never_served_from_the_browser_cache(client_for, finance_user):
    response = client_for(finance_user).get(reverse("agreements:list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def round_and_initiative(committee_a):
    agreement = BudgetAgreementFactory(year=2019)
    initiative = InitiativeFactory(
        chapter=ChapterFactory(agreement=agreement), responsible_committee=committee_a
    )
    return open_round(agreement), initiative


def test_the_round_page_and_an_opened_row_are_not_cached(
    client_for, finance_user, round_and_initiative
):
    round_, initiative = round_and_initiative
    client = client_for(finance_user)
    for url in (
        round_.get_absolute_url(),
        reverse("milestones:row", args=[round_.pk, initiative.pk]),
    ):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_a_download_keeps_its_own_caching(client_for, finance_user, round_and_initiative):
    round_, _ = round_and_initiative
    response = client_for(finance_user).get(reverse("finance:round_overview", args=[round_.pk]))
    assert set(response["Cache-Control"].split(", ")) == {"no-store", "private"}


@pytest.mark.parametrize(
    "path",
    [
        "/aftaler/udvalg/EBU%00/",
        "/opfoelgning/?q=%00",
        "/aftaler/%01/",
    ],
)
def test_control_characters_are_a_bad_request(client_for, finance_user, path):
    response = client_for(finance_user).get(path)
    assert response.status_code == 400
    assert "Ugyldig forespørgsel" in response.content.decode()


def test_a_line_break_in_a_search_is_just_text(client_for, finance_user):
    assert client_for(finance_user).get("/opfoelgning/?q=a%0Ab").status_code == 200


def test_a_nul_byte_in_a_committee_code_is_not_a_server_error(client_for, finance_user):
    response = client_for(finance_user).get("/aftaler/udvalg/%00/")
    assert response.status_code in (400, 404)
