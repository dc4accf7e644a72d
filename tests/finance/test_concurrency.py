"""Two imports of the same round at the same moment. If both change the same field, one is
applied and the other is told that the data changed and gets a renewed preview with the
conflict; if they change different fields of the row, both are applied. No change is lost or
written twice.

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
    system_admin,
)
from tests.finance.conftest import open_workbook, to_bytes, upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _two_imports(cells: tuple[dict[int, str], dict[int, str]]):
    """A round of one initiative, and two finance users who each downloaded its status
    workbook, filled in ``cells`` (column: value) of its row and uploaded it."""
    agreement = BudgetAgreementFactory(year=2019)
    initiative = InitiativeFactory(chapter=ChapterFactory(agreement=agreement), number="1.1")
    MilestoneFactory(initiative=initiative, point=1)
    round_ = round_open(agreement=agreement, point=1, deadline=None, actor=system_admin())
    users = [StaffProfileFactory().user, StaffProfileFactory().user]
    batches = []
    for user, values in zip(users, cells, strict=True):
        book = open_workbook(exports.status_workbook(round=round_, user=user))
        for column, value in values.items():
            book[excel.STATUS_SHEET].cell(row=4, column=column).value = value
        batches.append(
            import_batch_create(
                kind=ImportKind.STATUSES, upload=upload(to_bytes(book)), actor=user, round=round_
            )
        )
    return round_, users, batches


def _confirm_at_once(users, batches) -> dict[int, object]:
    """Confirm both batches at the same moment, each in its own thread and connection."""
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
    return outcomes


def test_concurrent_imports_of_the_same_field_apply_one_and_renew_the_other():
    round_, users, batches = _two_imports(({7: "Grøn"}, {7: "Rød"}))
    outcomes = _confirm_at_once(users, batches)

    winners = [i for i, outcome in outcomes.items() if outcome == 1]
    losers = [i for i, outcome in outcomes.items() if isinstance(outcome, ImportOutdated)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    status = MilestoneStatus.objects.get(round=round_)
    assert (status.smiley, status.version) == (("green", "red")[winners[0]], 2)
    assert status.history.filter(history_type="~").count() == 1
    loser = ImportBatch.objects.get(pk=batches[losers[0]].pk)
    assert loser.state == ImportState.PENDING
    assert loser.plan["changes"] == []
    # The renewed preview shows the field with the value stored now and the workbook's.
    [conflict] = loser.plan["conflicts"]
    assert conflict["fields"] == [
        ["Smiley for milepælen", ("Grøn", "Rød")[winners[0]], ("Grøn", "Rød")[losers[0]]]
    ]


def test_concurrent_imports_of_different_fields_both_apply():
    round_, users, batches = _two_imports(({7: "Grøn"}, {8: "Fra det andet center"}))
    outcomes = _confirm_at_once(users, batches)

    assert outcomes == {0: 1, 1: 1}
    status = MilestoneStatus.objects.get(round=round_)
    assert (status.smiley, status.text, status.version) == ("green", "Fra det andet center", 3)
    assert status.history.filter(history_type="~").count() == 2
    assert set(ImportBatch.objects.values_list("state", flat=True)) == {ImportState.APPLIED}
