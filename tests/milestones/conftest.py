from __future__ import annotations

import pytest

from milestones.models import FollowUpRound
from milestones.services import round_open
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    InitiativeFactory,
    MilestoneFactory,
)


@pytest.fixture
def agreement(committee_a, committee_b):
    agreement = BudgetAgreementFactory(year=2019, title="Aftale om budget 2019")
    chapter = ChapterFactory(agreement=agreement, number=5, title="En førende erhvervsby")
    first = InitiativeFactory(
        chapter=chapter,
        number="5.1",
        title="Udvikling af Kildedal",
        responsible_committee=committee_a,
    )
    MilestoneFactory(initiative=first, point=1, text="Dialog med staten er indledt.")
    InitiativeFactory(
        chapter=chapter,
        number="5.2",
        title="Lautrup Erhvervspark",
        responsible_committee=committee_a,
    )
    InitiativeFactory(
        chapter=chapter,
        number="5.3",
        title="Skolernes madordning",
        responsible_committee=committee_b,
    )
    InitiativeFactory(
        chapter=chapter,
        number="5.4",
        title="Afsluttet indsats",
        responsible_committee=committee_a,
        closed=True,
    )
    return agreement


@pytest.fixture
def open_round(agreement, admin_user) -> FollowUpRound:
    return round_open(agreement=agreement, point=1, deadline=None, actor=admin_user)


@pytest.fixture
def row_status(open_round):
    return open_round.milestone_statuses.get(milestone__initiative__number="5.1")


@pytest.fixture
def row_economy(open_round):
    return open_round.economy_lines.get(initiative__number="5.1")
