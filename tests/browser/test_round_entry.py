from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agreements.models import Role
from milestones.models import MilestoneStatus
from milestones.services import round_open
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    CommitteeFactory,
    InitiativeFactory,
    MilestoneFactory,
    StaffProfileFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "korrekt-hest-batteri"


@pytest.fixture
def round_with_rows():
    agreement = BudgetAgreementFactory(year=2019, title="Aftale om budget 2019")
    chapter = ChapterFactory(agreement=agreement, number=5, title="En førende erhvervsby")
    committee = CommitteeFactory(code="EBU", name="Erhvervs- og Beskæftigelsesudvalget")
    first = InitiativeFactory(
        chapter=chapter,
        number="5.1",
        title="Udvikling af Kildedal",
        responsible_committee=committee,
    )
    MilestoneFactory(initiative=first, point=1, text="Dialog med staten er indledt.")
    InitiativeFactory(
        chapter=chapter, number="5.2", title="Lautrup Erhvervspark", responsible_committee=committee
    )
    return round_open(agreement=agreement, point=1, deadline=None), committee


def test_finance_sets_smiley_and_status_and_they_are_kept(
    live_server, page, login, axe_check, round_with_rows
):
    round_, _ = round_with_rows
    StaffProfileFactory(user__username="ole", user__password=PASSWORD, role=Role.FINANCE)
    login(page, "ole", PASSWORD)
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    axe_check(page)

    row = page.locator("article", has=page.get_by_role("link", name="5.1 Udvikling af Kildedal"))
    row.get_by_role("group", name="Smiley for milepælen").get_by_label("Gul").check()
    row.get_by_label("Status", exact=True).fill("Processen er forsinket.")
    # Save with the keyboard alone: focus the button and press Enter.
    row.get_by_role("button", name="Gem 5.1 Udvikling af Kildedal").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("5.1 Udvikling af Kildedal er gemt")
    # The other row was not reloaded or lost.
    expect(page.get_by_role("link", name="5.2 Lautrup Erhvervspark")).to_be_visible()
    axe_check(page)

    page.reload()
    row = page.locator("article", has=page.get_by_role("link", name="5.1 Udvikling af Kildedal"))
    expect(
        row.get_by_role("group", name="Smiley for milepælen").get_by_label("Gul")
    ).to_be_checked()
    expect(row.get_by_label("Status", exact=True)).to_have_value("Processen er forsinket.")
    status = MilestoneStatus.objects.get(round=round_, milestone__initiative__number="5.1")
    assert (status.smiley, status.text) == ("yellow", "Processen er forsinket.")


def test_secretary_sees_the_round_but_cannot_edit(
    live_server, page, login, axe_check, round_with_rows
):
    round_, committee = round_with_rows
    StaffProfileFactory(
        user__username="sara", user__password=PASSWORD, role=Role.SECRETARY, committees=[committee]
    )
    login(page, "sara", PASSWORD)
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    expect(page.get_by_role("link", name="5.1 Udvikling af Kildedal")).to_be_visible()
    expect(page.get_by_role("button", name="Gem 5.1 Udvikling af Kildedal")).to_have_count(0)
    axe_check(page)
