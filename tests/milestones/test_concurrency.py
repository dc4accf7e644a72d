"""Two people save the same row at the same moment: one wins, the other is told, nothing lost.

Runs on PostgreSQL (row locks); the SQLite run deselects it (see tests/conftest.py).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from milestones.models import MilestoneStatus
from milestones.services import StaleEdit, round_open, status_set
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    InitiativeFactory,
    StaffProfileFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_saves_of_one_row_lose_no_update():
    agreement = BudgetAgreementFactory(year=2019)
    InitiativeFactory(chapter=ChapterFactory(agreement=agreement))
    round_ = round_open(agreement=agreement, point=1, deadline=None)
    status = MilestoneStatus.objects.get(round=round_)
    users = [StaffProfileFactory().user, StaffProfileFactory().user]
    values = [("green", "Anne: opfyldt"), ("red", "Bo: ikke opfyldt")]
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def save(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            smiley, text = values[index]
            outcomes[index] = status_set(
                status=status, smiley=smiley, text=text, actor=users[index], expected_version=1
            )
        except StaleEdit as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [i for i, outcome in outcomes.items() if isinstance(outcome, MilestoneStatus)]
    losers = [i for i, outcome in outcomes.items() if isinstance(outcome, StaleEdit)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    winner, loser = winners[0], losers[0]
    status.refresh_from_db()
    assert (status.smiley, status.text, status.version) == (*values[winner], 2)
    # The refused person is shown what the winner saved.
    assert outcomes[loser].current.text == values[winner][1]
    changes = status.history.filter(history_type="~")
    assert [(h.smiley, h.history_user_id) for h in changes] == [
        (values[winner][0], users[winner].pk)
    ]
