from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agreements.models import Role
from milestones.models import MilestoneStatus
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    CommitteeFactory,
    InitiativeFactory,
    MilestoneFactory,
    StaffProfileFactory,
    open_round,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "korrekt-hest-batteri"
KILDEDAL = "5.1 Udvikling af Kildedal"


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
    MilestoneFactory(initiative=first, point=1, text="")
    InitiativeFactory(
        chapter=chapter, number="5.2", title="Lautrup Erhvervspark", responsible_committee=committee
    )
    return open_round(agreement), committee


@pytest.fixture
def finance_login(page, login):
    StaffProfileFactory(user__username="ole", user__password=PASSWORD, role=Role.FINANCE)
    login(page, "ole", PASSWORD)
    return page


def row(page, label: str = KILDEDAL):
    return page.locator("article", has=page.get_by_role("link", name=label, exact=True))


def open_row(page, label: str = KILDEDAL):
    """Open a row for editing with the keyboard: focus "Redigér" and press Enter."""
    page.get_by_role("link", name=f"Redigér {label}").focus()
    page.keyboard.press("Enter")
    expect(row(page, label).get_by_role("button", name=f"Gem {label}")).to_be_visible()


def status(round_) -> MilestoneStatus:
    return MilestoneStatus.objects.select_related("milestone").get(
        round=round_, milestone__initiative__number="5.1"
    )


def test_finance_opens_a_row_sets_smiley_and_status_with_the_keyboard(
    live_server, finance_login, axe_check, round_with_rows
):
    page = finance_login
    round_, _ = round_with_rows
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    expect(page.locator("#missing-count")).to_have_text("2 mangler vurdering")
    axe_check(page)

    open_row(page)
    # Focus is in the opened row, on its first field.
    expect(row(page).get_by_label("Milepæl (1. budgetopfølgning 2019)")).to_be_focused()
    row(page).get_by_role("group", name="Smiley for milepælen").get_by_label("Gul").check()
    row(page).get_by_role("group", name="Smiley for økonomien").get_by_label("Grøn").check()
    row(page).get_by_label("Status", exact=True).fill("Processen er forsinket.")
    axe_check(page)
    row(page).get_by_role("button", name=f"Gem {KILDEDAL}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(f"{KILDEDAL} er gemt")
    # The row is closed again, the keyboard is on its "Redigér", the counter has moved on.
    expect(page.get_by_role("link", name=f"Redigér {KILDEDAL}")).to_be_focused()
    expect(page.locator("#missing-count")).to_have_text("1 mangler vurdering")
    expect(row(page)).to_contain_text("Processen er forsinket.")
    axe_check(page)

    page.reload()
    expect(row(page)).to_contain_text("Processen er forsinket.")
    saved = status(round_)
    assert (saved.smiley, saved.text) == ("yellow", "Processen er forsinket.")


def test_escape_closes_a_row_and_gives_the_keyboard_back(
    live_server, finance_login, round_with_rows
):
    page = finance_login
    round_, _ = round_with_rows
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    open_row(page)
    expect(row(page).get_by_label("Milepæl (1. budgetopfølgning 2019)")).to_be_focused()
    page.keyboard.press("Escape")
    expect(row(page).get_by_role("button", name=f"Gem {KILDEDAL}")).to_have_count(0)
    expect(page.get_by_role("link", name=f"Redigér {KILDEDAL}")).to_be_focused()


def test_a_long_paste_is_kept_whole_and_counted(
    live_server, finance_login, axe_check, round_with_rows
):
    page = finance_login
    round_, _ = round_with_rows
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    open_row(page)
    box = row(page).get_by_label("Status", exact=True)
    expect(row(page).get_by_text("4.000 tegn tilbage.").first).to_be_visible()
    box.fill("x" * 5000)
    expect(box).to_have_value("x" * 5000)  # not cut to 4,000 without a word
    expect(row(page).get_by_text("1.000 tegn for mange.")).to_be_visible()
    row(page).get_by_role("button", name=f"Gem {KILDEDAL}").click()
    expect(row(page)).to_contain_text("Teksten er på 5.000 tegn; højst 4.000 er tilladt.")
    expect(row(page).get_by_label("Status", exact=True)).to_have_value("x" * 5000)
    axe_check(page)
    assert status(round_).text == ""


def test_two_tabs_save_different_fields_of_one_row_and_nothing_is_lost(
    live_server, finance_login, axe_check, round_with_rows
):
    """Tab 1 saves a milestone text and a status; tab 2, opened before, changes only the
    smiley and saves: the smiley lands, tab 1's texts stay."""
    first = finance_login
    round_, _ = round_with_rows
    url = f"{live_server.url}{round_.get_absolute_url()}"
    second = first.context.new_page()
    for page in (first, second):
        page.goto(url)
        open_row(page)

    row(first).get_by_label("Milepæl (1. budgetopfølgning 2019)").fill("Fortov er anlagt.")
    row(first).get_by_label("Status", exact=True).fill("Tab 1's status.")
    row(first).get_by_role("button", name=f"Gem {KILDEDAL}").click()
    expect(first.get_by_role("status").first).to_contain_text("er gemt")

    row(second).get_by_role("group", name="Smiley for milepælen").get_by_label("Grøn").check()
    row(second).get_by_role("button", name=f"Gem {KILDEDAL}").click()
    expect(second.get_by_role("status").first).to_contain_text("er gemt")
    axe_check(second)

    saved = status(round_)
    assert (saved.milestone.text, saved.text, saved.smiley) == (
        "Fortov er anlagt.",
        "Tab 1's status.",
        "green",
    )


def test_two_tabs_changing_the_same_field_choose_field_by_field(
    live_server, finance_login, axe_check, round_with_rows
):
    first = finance_login
    round_, _ = round_with_rows
    url = f"{live_server.url}{round_.get_absolute_url()}"
    second = first.context.new_page()
    for page in (first, second):
        page.goto(url)
        open_row(page)
    row(first).get_by_label("Status", exact=True).fill("Tab 1's status.")
    row(first).get_by_role("button", name=f"Gem {KILDEDAL}").click()
    expect(first.get_by_role("status").first).to_contain_text("er gemt")

    row(second).get_by_label("Status", exact=True).fill("Tab 2's status.")
    row(second).get_by_role("group", name="Smiley for milepælen").get_by_label("Rød").check()
    row(second).get_by_role("button", name=f"Gem {KILDEDAL}").click()
    panel = row(second).get_by_role("alert")
    expect(panel).to_contain_text("Tab 1's status.")  # what is stored
    expect(panel).to_contain_text("Tab 2's status.")  # what this user typed
    axe_check(second)
    assert status(round_).text == "Tab 1's status."  # nothing written yet

    panel.get_by_role("group", name="Status").get_by_label("Behold det gemte").check()
    row(second).get_by_role("button", name=f"Gem {KILDEDAL}").click()
    expect(second.get_by_role("status").first).to_contain_text("er gemt")
    saved = status(round_)
    assert (saved.text, saved.smiley) == ("Tab 1's status.", "red")


def test_the_back_button_never_brings_back_a_stale_row(live_server, finance_login, round_with_rows):
    """Save a row, open the initiative, press Back, change the smiley and save: no conflict
    with oneself, and the milestone text saved before stays."""
    page = finance_login
    round_, _ = round_with_rows
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    open_row(page)
    row(page).get_by_label("Milepæl (1. budgetopfølgning 2019)").fill("Fortov er anlagt.")
    row(page).get_by_role("button", name=f"Gem {KILDEDAL}").click()
    expect(page.get_by_role("status").first).to_contain_text("er gemt")

    page.get_by_role("link", name=KILDEDAL, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(KILDEDAL)
    page.go_back()
    expect(row(page)).to_contain_text("Fortov er anlagt.")  # the page as stored, not as cached

    open_row(page)
    row(page).get_by_role("group", name="Smiley for milepælen").get_by_label("Grøn").check()
    row(page).get_by_role("button", name=f"Gem {KILDEDAL}").click()
    expect(page.get_by_role("status").first).to_contain_text("er gemt")
    saved = status(round_)
    assert (saved.milestone.text, saved.smiley) == ("Fortov er anlagt.", "green")


def test_secretary_sees_the_round_but_cannot_edit(
    live_server, page, login, axe_check, round_with_rows
):
    round_, committee = round_with_rows
    StaffProfileFactory(
        user__username="sara", user__password=PASSWORD, role=Role.SECRETARY, committees=[committee]
    )
    login(page, "sara", PASSWORD)
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    expect(page.get_by_role("link", name=KILDEDAL, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Redigér {KILDEDAL}")).to_have_count(0)
    expect(page.get_by_role("button", name=f"Gem {KILDEDAL}")).to_have_count(0)
    axe_check(page)
