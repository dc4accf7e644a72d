"""Two imports of the same round at the same moment: one is applied, the other is told that the
data changed and gets a renewed preview; no change is lost or written twice.

Runs on PostgreSQL (row locks); the SQLite run deselects it (see tests/conftest.py).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from finance import excel, exports
from finance.models import ImportBatch, ImportKind, ImportState
from finance.services import ImportOutdated, import_batch_confirm, import_batch_create
from milestones.models import MilestoneStatus
from milestones.services import round_open
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    InitiativeFactory,
    MilestoneFactory,
    StaffProfileFactory,
)
from tests.finance.conftest import open_workbook, to_bytes, upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_status_imports_apply_one_and_renew_the_other():
    agreement = BudgetAgreementFactory(year=2019)
    initiative = InitiativeFactory(chapter=ChapterFactory(agreement=agreement), number="1.1")
    MilestoneFactory(initiative=initiative, point=1)
    round_ = round_open(agreement=agreement, point=1, deadline=None)
    users = [StaffProfileFactory().user, StaffProfileFactory().user]
    batches = []
    for user, smiley in zip(users, ("Grøn", "Rød"), strict=True):
        book = open_workbook(exports.status_workbook(round=round_, user=user))
        book[excel.STATUS_SHEET].cell(row=4, column=7).value = smiley
        batches.append(
            import_batch_create(
                kind=ImportKind.STATUSES, upload=upload(to_bytes(book)), actor=user, round=round_
            )
        )
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def confirm(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = import_batch_confirm(batch=batches[index], actor=users[index])
        except ImportOutdated as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [i for i, outcome in outcomes.items() if outcome == 1]
    losers = [i for i, outcome in outcomes.items() if isinstance(outcome, ImportOutdated)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    status = MilestoneStatus.objects.get(round=round_)
    assert (status.smiley, status.version) == (("green", "red")[winners[0]], 2)
    assert status.history.filter(history_type="~").count() == 1
    loser = ImportBatch.objects.get(pk=batches[losers[0]].pk)
    assert loser.state == ImportState.PENDING
    assert len(loser.plan["conflicts"]) == 1 and loser.plan["changes"] == []
