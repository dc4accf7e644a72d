from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import Initiative, initiative_sort_key
from tests.factories import BudgetAgreementFactory, ChapterFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def test_agreement_period_is_budget_year_and_three_following_years():
    agreement = BudgetAgreementFactory(year=2019)
    assert agreement.period_years == [2019, 2020, 2021, 2022]
    assert agreement.period_label == "2019-2022"


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [("3.9", "3.10"), ("3.8", "3.8.1"), ("3.8.1", "3.9"), ("5.08.2", "5.10"), ("2.1", "")],
)
def test_sort_key_orders_numbers_naturally(smaller, larger):
    assert initiative_sort_key(smaller) < initiative_sort_key(larger)


def test_initiatives_sort_naturally_with_unnumbered_last_in_chapter():
    chapter = ChapterFactory(number=3)
    for number, title in [
        ("3.10", "Ti"),
        ("", "Uden nummer"),
        ("3.9", "Ni"),
        ("3.8.1", "Otte en"),
        ("3.8", "Otte"),
    ]:
        InitiativeFactory(chapter=chapter, number=number, title=title)
    later = ChapterFactory(agreement=chapter.agreement, number=4)
    InitiativeFactory(chapter=later, number="4.1", title="Fire en")

    titles = list(
        Initiative.objects.filter(chapter__agreement=chapter.agreement).values_list(
            "title", flat=True
        )
    )

    assert titles == ["Otte", "Otte en", "Ni", "Ti", "Uden nummer", "Fire en"]


def test_initiative_number_is_unique_within_chapter_and_part():
    chapter = ChapterFactory()
    InitiativeFactory(chapter=chapter, number="5.1", part="del 1")
    InitiativeFactory(chapter=chapter, number="5.1", part="del 2")
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeFactory(chapter=chapter, number="5.1", part="del 1")


def test_database_refuses_malformed_initiative_number():
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeFactory(number="3.x")


def test_clean_explains_malformed_initiative_number():
    initiative = InitiativeFactory.build(number="3..8", chapter=ChapterFactory())
    with pytest.raises(ValidationError) as excinfo:
        initiative.full_clean()
    assert "tal adskilt af punktum" in str(excinfo.value)


def test_label_includes_part():
    initiative = InitiativeFactory(number="5.1", title="Jobcenter", part="del 2")
    assert initiative.label == "5.1 Jobcenter (del 2)"
