"""The transcribed Ballerup documents load completely, twice without duplicates."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from agreements.models import BudgetAgreement, Initiative
from finance.models import Appropriation, SavingsAmount, SavingsCase
from finance.selectors import appropriation_totals
from milestones.models import EconomyLine, FollowUpRound, Milestone, MilestoneStatus, RoundState

pytestmark = pytest.mark.django_db

# Column sums of the DRIFT and ANLÆG tables of "Aftale om budget 2019" (000), in 1.000 kr.
DRIFT_2019 = {2019: 41801, 2020: 38581, 2021: 35088, 2022: 34054}
ANLAEG_2019 = {2019: 38700, 2020: 42300, 2021: 8500, 2022: 8000}


def counts() -> dict[str, int]:
    models = [
        BudgetAgreement,
        Initiative,
        Milestone,
        MilestoneStatus,
        EconomyLine,
        Appropriation,
        SavingsCase,
        SavingsAmount,
        FollowUpRound,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_budget_2019_appropriation_totals_equal_the_agreement_tables(demo_data):
    totals = appropriation_totals(BudgetAgreement.objects.get(year=2019))
    assert totals["drift"].values == {y: Decimal(v) for y, v in DRIFT_2019.items()}
    assert totals["anlaeg"].values == {y: Decimal(v) for y, v in ANLAEG_2019.items()}


def test_budget_2019_has_every_initiative_of_the_agreement(demo_data):
    numbers = set(
        Initiative.objects.filter(chapter__agreement__year=2019).values_list("number", flat=True)
    )
    expected = {
        f"{c}.{n}"
        for c, last in [(1, 22), (2, 7), (3, 22), (4, 24), (5, 7), (6, 10)]
        for n in range(1, last + 1)
    }
    assert numbers == expected


def test_budget_2019_savings_catalogue_is_complete(demo_data):
    cases = SavingsCase.objects.filter(agreement__year=2019)
    assert cases.count() == 43
    ebu_03 = cases.get(code="EBU-03")
    assert {a.year: a.amount for a in ebu_03.amounts.all()} == {
        2019: Decimal("-4.00"),
        2020: Decimal("-9.80"),
        2021: Decimal("-12.40"),
        2022: Decimal("-12.40"),
    }
    assert cases.get(code="ØKU-04").capital_investment == Decimal("10.00")


def test_budget_2019_has_an_open_first_round_with_every_initiative_unassessed(demo_data):
    round_ = FollowUpRound.objects.get(agreement__year=2019, point=1)
    assert round_.state == RoundState.OPEN
    assert round_.milestone_statuses.count() == 92
    assert set(round_.milestone_statuses.values_list("smiley", flat=True)) == {"not_assessed"}
    assert round_.economy_lines.count() == 92


def test_budget_2016_third_followup_carries_smileys_of_three_rounds(demo_data):
    rounds = FollowUpRound.objects.filter(agreement__year=2016).order_by("point")
    assert [(r.point, r.state) for r in rounds] == [(1, "locked"), (2, "locked"), (3, "locked")]
    assert Initiative.objects.filter(chapter__agreement__year=2016).count() == 86
    status = MilestoneStatus.objects.get(
        milestone__initiative__chapter__agreement__year=2016,
        milestone__initiative__number="2.1",
        round__point=3,
    )
    assert status.smiley == "green"
    assert "tredje budgetopfølgning 2016" in status.milestone.text
    economy = EconomyLine.objects.filter(round__agreement__year=2016)
    assert economy.filter(smiley="red").count() == 7


def test_budget_2017_year_end_followup_keeps_status_texts(demo_data):
    agreement = BudgetAgreement.objects.get(year=2017)
    assert agreement.case_id == "00.30.00-S00-6-16"
    status = MilestoneStatus.objects.get(
        milestone__initiative__chapter__agreement=agreement,
        milestone__initiative__number="5.03",
        round__point=3,
    )
    assert status.text.startswith("Afklaring med staten pågår stadig")
    assert Milestone.objects.filter(initiative__chapter__agreement=agreement).count() == 32 * 4


def test_loading_twice_creates_no_duplicates(demo_data):
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before


def test_demo_users_can_log_in_with_password_demo(demo_data, client):
    for username in ["admin", "oekonomi", "sekretaer"]:
        response = client.post("/login/", {"username": username, "password": "demo"})
        assert response.status_code == 302, username
        client.logout()
