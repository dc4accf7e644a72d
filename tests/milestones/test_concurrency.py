"""Saves racing each other and racing the lock, on PostgreSQL's row locks.

The SQLite run deselects these (see tests/conftest.py); CI runs them on PostgreSQL.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from milestones.models import ChangeSource, FrozenReport, Milestone, MilestoneStatus, RoundLocked
from milestones.reports.data import ReportContent
from milestones.services import (
    FieldEdit,
    RowConflict,
    milestone_plan_set,
    round_lock,
    row_save,
)
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    CommitteeFactory,
    InitiativeFactory,
    StaffProfileFactory,
    open_round,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs, timeout: float = 60) -> dict[int, object]:
    """Run each job in its own thread and database connection, started at the same moment;
    returns what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: dict[int, object] = {}

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            outcomes[index] = jobs[index]()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


@pytest.fixture
def one_row_round():
    agreement = BudgetAgreementFactory(year=2019)
    initiative = InitiativeFactory(chapter=ChapterFactory(agreement=agreement))
    return open_round(agreement), initiative


def test_concurrent_saves_of_the_same_field_lose_no_update(one_row_round):
    round_, initiative = one_row_round
    users = [StaffProfileFactory().user, StaffProfileFactory().user]
    values = ["Anne: opfyldt", "Bo: ikke opfyldt"]

    def save(index):
        return lambda: row_save(
            round=round_,
            initiative=initiative,
            edits={"text": FieldEdit(new=values[index], original="")},
            actor=users[index],
            source=ChangeSource.BROWSER,
        )

    outcomes = run_together([save(0), save(1)])
    losers = [i for i, outcome in outcomes.items() if isinstance(outcome, RowConflict)]
    winners = [i for i in outcomes if i not in losers]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    status = MilestoneStatus.objects.get(round=round_)
    assert (status.text, status.version) == (values[winners[0]], 2)
    # The refused person is shown, field by field, what the winner saved.
    [conflict] = outcomes[losers[0]].conflicts
    assert (conflict.stored, conflict.yours) == (values[winners[0]], values[losers[0]])
    assert status.history.filter(history_type="~").count() == 1


def test_concurrent_saves_of_different_fields_of_one_row_both_land(one_row_round):
    round_, initiative = one_row_round
    users = [StaffProfileFactory().user, StaffProfileFactory().user]
    edits = [
        {"milestone_text": FieldEdit(new="Fortov er anlagt.", original="")},
        {"smiley": FieldEdit(new="green", original="not_assessed")},
    ]

    def save(index):
        return lambda: row_save(
            round=round_,
            initiative=initiative,
            edits=edits[index],
            actor=users[index],
            source=ChangeSource.BROWSER,
        )

    outcomes = run_together([save(0), save(1)])
    assert not [o for o in outcomes.values() if isinstance(o, Exception)], outcomes
    status = MilestoneStatus.objects.select_related("milestone").get(round=round_)
    assert (status.milestone.text, status.smiley) == ("Fortov er anlagt.", "green")


def test_milestone_plans_saved_during_the_lock_land_before_it_or_are_refused():
    """40 initiative pages save their milestone for the round's point while finance locks the
    round: every acknowledged text is in the frozen report, every refused one is not stored,
    and nothing is written after the lock."""
    agreement = BudgetAgreementFactory(year=2019)
    chapter = ChapterFactory(agreement=agreement)
    committee = CommitteeFactory()
    initiatives = [
        InitiativeFactory(chapter=chapter, number=f"1.{n + 1}", responsible_committee=committee)
        for n in range(40)
    ]
    round_ = open_round(agreement)
    finance = StaffProfileFactory().user

    def plan(initiative):
        def save():
            time.sleep(0.002 * (initiative.pk % 10))  # spread them around the lock
            return milestone_plan_set(
                initiative=initiative,
                edits={1: FieldEdit(new=f"Milepæl for {initiative.number}", original="")},
                actor=finance,
                source=ChangeSource.BROWSER,
            )

        return save

    def lock():
        time.sleep(0.01)
        return round_lock(round=round_, actor=finance)

    outcomes = run_together([lock, *[plan(i) for i in initiatives]])
    assert not isinstance(outcomes[0], Exception), outcomes[0]
    refused = {i for i, o in outcomes.items() if isinstance(o, RoundLocked)}
    others = [o for i, o in outcomes.items() if i and i not in refused and o != 1]
    assert not others, others
    frozen = ReportContent.from_json(FrozenReport.objects.get(round=round_).data)
    in_report = {entry.number: entry.points[0].milestone for entry in frozen.initiatives}
    round_.refresh_from_db()
    for index, initiative in enumerate(initiatives, start=1):
        stored = Milestone.objects.get(initiative=initiative, point=1)
        if index in refused:
            assert stored.text == "", initiative.number
        else:
            assert in_report[initiative.number] == f"Milepæl for {initiative.number}"
        late = stored.history.filter(history_date__gt=round_.locked_at)
        assert not late.exists(), initiative.number


def test_row_saves_during_the_lock_land_before_it_or_are_refused():
    agreement = BudgetAgreementFactory(year=2019)
    chapter = ChapterFactory(agreement=agreement)
    initiatives = [InitiativeFactory(chapter=chapter, number=f"1.{n + 1}") for n in range(20)]
    round_ = open_round(agreement)
    finance = StaffProfileFactory().user

    def save(initiative):
        def run():
            time.sleep(0.002 * (initiative.pk % 10))
            return row_save(
                round=round_,
                initiative=initiative,
                edits={"text": FieldEdit(new=f"Status {initiative.number}", original="")},
                actor=finance,
                source=ChangeSource.BROWSER,
            )

        return run

    outcomes = run_together(
        [lambda: (time.sleep(0.01), round_lock(round=round_, actor=finance))[1]]
        + [save(i) for i in initiatives]
    )
    frozen = ReportContent.from_json(FrozenReport.objects.get(round=round_).data)
    in_report = {entry.number: entry.points[0].status_text for entry in frozen.initiatives}
    for index, initiative in enumerate(initiatives, start=1):
        stored = MilestoneStatus.objects.get(round=round_, milestone__initiative=initiative)
        if isinstance(outcomes[index], RoundLocked):
            assert stored.text == ""
        else:
            assert not isinstance(outcomes[index], Exception), outcomes[index]
            assert in_report[initiative.number] == stored.text == f"Status {initiative.number}"
