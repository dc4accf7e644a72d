from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from finance.models import EconomyLine
from milestones.models import TEXT_MAX_LENGTH, Milestone, MilestoneStatus, RoundLocked
from milestones.services import (
    RoundExists,
    StaleEdit,
    economy_set,
    milestone_text_set,
    round_lock,
    round_open,
    round_unlock,
    status_set,
)
from tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


def test_opening_a_round_gives_every_active_initiative_an_unassessed_row(open_round):
    numbers = set(
        open_round.milestone_statuses.values_list("milestone__initiative__number", flat=True)
    )
    assert numbers == {"5.1", "5.2", "5.3"}  # 5.4 is closed
    assert set(open_round.milestone_statuses.values_list("smiley", flat=True)) == {"not_assessed"}
    assert open_round.economy_lines.count() == 3


def test_opening_a_round_keeps_an_existing_milestone_text(open_round):
    status = open_round.milestone_statuses.get(milestone__initiative__number="5.1")
    assert status.milestone.text == "Dialog med staten er indledt."


def test_opening_the_same_round_twice_is_refused(open_round, agreement):
    with pytest.raises(RoundExists):
        round_open(agreement=agreement, point=1, deadline=None)


def test_status_set_saves_and_records_who(row_status, finance_user):
    status_set(
        status=row_status,
        smiley="yellow",
        text="Processen er forsinket.",
        actor=finance_user,
        expected_version=1,
    )
    row_status.refresh_from_db()
    assert (row_status.smiley, row_status.text, row_status.version) == (
        "yellow",
        "Processen er forsinket.",
        2,
    )
    latest = row_status.history.latest()
    assert latest.history_user == finance_user
    assert latest.smiley == "yellow"


def test_status_set_without_change_writes_nothing(row_status, finance_user):
    before = row_status.history.count()
    status_set(
        status=row_status, smiley="not_assessed", text="", actor=finance_user, expected_version=1
    )
    assert row_status.history.count() == before
    row_status.refresh_from_db()
    assert row_status.version == 1


def test_stale_status_edit_is_refused_with_what_the_other_saved(
    row_status, finance_user, admin_user
):
    status_set(
        status=row_status, smiley="green", text="Opfyldt.", actor=admin_user, expected_version=1
    )
    with pytest.raises(StaleEdit) as excinfo:
        status_set(
            status=row_status,
            smiley="red",
            text="Ikke opfyldt.",
            actor=finance_user,
            expected_version=1,
        )
    assert (excinfo.value.current.smiley, excinfo.value.current.text) == ("green", "Opfyldt.")
    row_status.refresh_from_db()
    assert row_status.smiley == "green"


def test_unknown_smiley_is_refused(row_status, finance_user):
    with pytest.raises(ValidationError) as excinfo:
        status_set(
            status=row_status, smiley="blue", text="", actor=finance_user, expected_version=1
        )
    assert "Ukendt smiley" in str(excinfo.value)


def test_over_long_status_text_is_refused(row_status, finance_user):
    with pytest.raises(ValidationError) as excinfo:
        status_set(
            status=row_status,
            smiley="green",
            text="x" * (TEXT_MAX_LENGTH + 1),
            actor=finance_user,
            expected_version=1,
        )
    assert "højst" in str(excinfo.value)
    row_status.refresh_from_db()
    assert row_status.smiley == "not_assessed"


def test_economy_cannot_be_yellow(row_economy, finance_user):
    with pytest.raises(ValidationError):
        economy_set(
            line=row_economy,
            text="",
            smiley="yellow",
            status_text="",
            actor=finance_user,
            expected_version=1,
        )


def test_economy_set_saves(row_economy, finance_user):
    economy_set(
        line=row_economy,
        text="Besparelse i 2019: 0,5 mio. kr.",
        smiley="red",
        status_text="Besparelsen opnås ikke.",
        actor=finance_user,
        expected_version=1,
    )
    row_economy.refresh_from_db()
    assert (row_economy.smiley, row_economy.version) == ("red", 2)


def test_secretary_may_not_set_a_status(row_status, secretary_a):
    with pytest.raises(PermissionDenied):
        status_set(
            status=row_status, smiley="green", text="", actor=secretary_a, expected_version=1
        )


def test_finance_restricted_to_another_committee_may_not_set_a_status(row_status, committee_b):
    restricted = StaffProfileFactory(committees=[committee_b]).user
    with pytest.raises(PermissionDenied):
        status_set(status=row_status, smiley="green", text="", actor=restricted, expected_version=1)


def test_locked_round_refuses_status_change(open_round, row_status, finance_user):
    round_lock(round=open_round, actor=finance_user)
    with pytest.raises(RoundLocked):
        status_set(
            status=row_status, smiley="green", text="", actor=finance_user, expected_version=1
        )


def test_locked_round_refuses_model_save(open_round, row_status, finance_user):
    round_lock(round=open_round, actor=finance_user)
    row_status.smiley = "green"
    with pytest.raises(RoundLocked):
        row_status.save()
    assert MilestoneStatus.objects.get(pk=row_status.pk).smiley == "not_assessed"


def test_locked_round_refuses_queryset_update(open_round, finance_user):
    round_lock(round=open_round, actor=finance_user)
    with pytest.raises(RoundLocked):
        MilestoneStatus.objects.filter(round=open_round).update(smiley="green")
    with pytest.raises(RoundLocked):
        EconomyLine.objects.filter(round=open_round).update(text="x")
    assert not MilestoneStatus.objects.filter(round=open_round, smiley="green").exists()


def test_locked_round_refuses_delete(open_round, row_economy, finance_user):
    round_lock(round=open_round, actor=finance_user)
    with pytest.raises(RoundLocked):
        row_economy.delete()
    with pytest.raises(RoundLocked):
        EconomyLine.objects.filter(round=open_round).delete()
    assert EconomyLine.objects.filter(round=open_round).count() == 3


def test_locked_round_refuses_milestone_text_change(open_round, row_status, finance_user):
    round_lock(round=open_round, actor=finance_user)
    milestone = row_status.milestone
    milestone.text = "Ny tekst"
    with pytest.raises(RoundLocked):
        milestone.save()
    with pytest.raises(RoundLocked):
        Milestone.objects.filter(pk=milestone.pk).update(text="Ny tekst")
    with pytest.raises(RoundLocked):
        milestone_text_set(initiative=milestone.initiative, point=1, text="Ny", actor=finance_user)


def test_milestone_text_of_a_later_point_can_be_written(open_round, row_status, finance_user):
    milestone = milestone_text_set(
        initiative=row_status.milestone.initiative,
        point=2,
        text="Lokalplan er vedtaget.",
        actor=finance_user,
    )
    assert milestone.text == "Lokalplan er vedtaget."
    assert milestone.history.latest().history_user == finance_user


def test_stale_milestone_text_is_refused(row_status, finance_user):
    initiative = row_status.milestone.initiative
    milestone_text_set(initiative=initiative, point=1, text="Første", actor=finance_user)
    with pytest.raises(StaleEdit):
        milestone_text_set(
            initiative=initiative,
            point=1,
            text="Anden",
            actor=finance_user,
            expected_text="Dialog med staten er indledt.",
        )


def test_unlock_needs_an_administrator(open_round, finance_user):
    round_lock(round=open_round, actor=finance_user)
    with pytest.raises(PermissionDenied):
        round_unlock(round=open_round, actor=finance_user, reason="Fejl i rapporten")


def test_unlock_needs_a_reason(open_round, finance_user, admin_user):
    round_lock(round=open_round, actor=finance_user)
    with pytest.raises(ValidationError):
        round_unlock(round=open_round, actor=admin_user, reason="   ")
    open_round.refresh_from_db()
    assert open_round.is_locked


def test_unlock_is_recorded_with_reason(open_round, finance_user, admin_user):
    round_lock(round=open_round, actor=finance_user)
    round_unlock(round=open_round, actor=admin_user, reason="Rettelse fra Arbejdsmarked")
    open_round.refresh_from_db()
    assert not open_round.is_locked
    record = open_round.history.latest()
    assert (record.history_user, record.history_change_reason, record.state) == (
        admin_user,
        "Rettelse fra Arbejdsmarked",
        "open",
    )
