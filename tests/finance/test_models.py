from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from finance.models import Appropriation
from tests.factories import (
    AppropriationFactory,
    BudgetAgreementFactory,
    EconomyLineFactory,
    InitiativeFactory,
    SavingsAmountFactory,
)

pytestmark = pytest.mark.django_db


def test_appropriation_in_last_year_of_period_is_accepted():
    agreement = BudgetAgreementFactory(year=2019)
    appropriation = AppropriationFactory(initiative__chapter__agreement=agreement, year=2022)
    assert appropriation.pk is not None


@pytest.mark.parametrize("year", [2018, 2023])
def test_database_refuses_appropriation_outside_period(year):
    agreement = BudgetAgreementFactory(year=2019)
    initiative = InitiativeFactory(chapter__agreement=agreement)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appropriation.objects.create(
            agreement=agreement, initiative=initiative, kind="drift", year=year, amount=1
        )


def test_clean_explains_appropriation_outside_period():
    agreement = BudgetAgreementFactory(year=2019)
    appropriation = Appropriation(
        agreement=agreement,
        initiative=InitiativeFactory(chapter__agreement=agreement),
        kind="drift",
        year=2024,
        amount=Decimal(5),
    )
    with pytest.raises(ValidationError) as excinfo:
        appropriation.full_clean()
    assert "2019-2022" in str(excinfo.value)


def test_database_refuses_unknown_spending_kind():
    with pytest.raises(IntegrityError), transaction.atomic():
        AppropriationFactory(kind="andet")


def test_database_refuses_savings_amount_outside_period():
    with pytest.raises(IntegrityError), transaction.atomic():
        SavingsAmountFactory(savings_case__agreement__year=2019, year=2030)


def test_database_refuses_economy_smiley_yellow():
    # The economy scale has only green and red (and "not assessed").
    with pytest.raises(IntegrityError), transaction.atomic():
        EconomyLineFactory(smiley="yellow")


def test_one_economy_line_per_initiative_and_round():
    line = EconomyLineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EconomyLineFactory(initiative=line.initiative, round=line.round)
