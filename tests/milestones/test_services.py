from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError

from milestones.models import (
    TEXT_MAX_LENGTH,
    ChangeSource,
    EconomyLine,
    FollowUpRound,
    Milestone,
    MilestoneStatus,
    RoundLocked,
)
from milestones.services import (
    FieldEdit,
    PlanConflict,
    RoundExists,
    RowConflict,
    initiative_save,
    milestone_plan_set,
    round_lock,
    round_open,
    round_unlock,
    row_save,
)
from tests.factories import InitiativeFactory, StaffProfileFactory, save_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative(row_status):
    return row_status.milestone.initiative


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


def test_opening_the_same_round_twice_is_refused(open_round, agreement, admin_user):
    with pytest.raises(RoundExists):
        round_open(agreement=agreement, point=1, deadline=None, actor=admin_user)


def test_a_secretary_cannot_open_a_round(agreement, secretary_a):
    with pytest.raises(PermissionDenied):
        round_open(agreement=agreement, point=1, deadline=None, actor=secretary_a)
    assert not FollowUpRound.objects.exists()


def test_finance_restricted_to_some_committees_cannot_open_or_lock(agreement, committee_a):
    restricted = StaffProfileFactory(committees=[committee_a]).user
    with pytest.raises(PermissionDenied):
        round_open(agreement=agreement, point=1, deadline=None, actor=restricted)


def test_lock_checks_its_actor(open_round, secretary_a):
    with pytest.raises(PermissionDenied):
        round_lock(round=open_round, actor=secretary_a)
    open_round.refresh_from_db()
    assert not open_round.is_locked


def test_row_save_writes_the_changed_fields_and_records_who_and_how(
    open_round, initiative, row_status, finance_user
):
    save_row(open_round, initiative, finance_user, smiley="yellow", text="Processen er forsinket.")
    row_status.refresh_from_db()
    assert (row_status.smiley, row_status.text, row_status.version) == (
        "yellow",
        "Processen er forsinket.",
        2,
    )
    latest = row_status.history.latest()
    assert (latest.history_user, latest.history_source) == (finance_user, ChangeSource.BROWSER)


def test_row_save_without_change_writes_nothing(open_round, initiative, row_status, finance_user):
    before = row_status.history.count()
    save_row(open_round, initiative, finance_user, smiley="not_assessed", text="")
    assert row_status.history.count() == before
    row_status.refresh_from_db()
    assert row_status.version == 1


def test_a_field_the_user_did_not_change_is_not_written(
    open_round, initiative, row_status, finance_user, admin_user
):
    # Another user writes the milestone text; this user, who opened the row before, changes
    # only the smiley: the other's text stays.
    save_row(open_round, initiative, admin_user, milestone_text="Fortov er anlagt.")
    row_save(
        round=open_round,
        initiative=initiative,
        edits={"smiley": FieldEdit(new="green", original="not_assessed")},
        actor=finance_user,
        source=ChangeSource.BROWSER,
    )
    row_status.refresh_from_db()
    assert (row_status.milestone.text, row_status.smiley) == ("Fortov er anlagt.", "green")


def test_the_same_field_changed_on_both_sides_is_a_conflict_and_nothing_is_written(
    open_round, initiative, row_status, finance_user, admin_user
):
    save_row(open_round, initiative, admin_user, smiley="green", text="Opfyldt.")
    with pytest.raises(RowConflict) as excinfo:
        row_save(
            round=open_round,
            initiative=initiative,
            edits={
                "smiley": FieldEdit(new="red", original="not_assessed"),
                "economy_text": FieldEdit(new="Ny økonomi", original=""),
            },
            actor=finance_user,
            source=ChangeSource.BROWSER,
        )
    [conflict] = excinfo.value.conflicts
    assert (conflict.name, conflict.stored, conflict.yours) == ("smiley", "green", "red")
    assert conflict.changed_by  # the panel says who
    row_status.refresh_from_db()
    assert row_status.smiley == "green"
    assert EconomyLine.objects.get(round=open_round, initiative=initiative).text == ""


def test_both_sides_making_the_same_change_is_no_conflict(
    open_round, initiative, row_status, finance_user, admin_user
):
    save_row(open_round, initiative, admin_user, smiley="green")
    row_save(
        round=open_round,
        initiative=initiative,
        edits={"smiley": FieldEdit(new="green", original="not_assessed")},
        actor=finance_user,
        source=ChangeSource.BROWSER,
    )
    row_status.refresh_from_db()
    assert row_status.version == 2  # written once


def test_an_unknown_starting_value_is_a_conflict_when_the_stored_value_differs(
    open_round, initiative, finance_user, admin_user
):
    save_row(open_round, initiative, admin_user, text="Noget andet.")
    with pytest.raises(RowConflict):
        row_save(
            round=open_round,
            initiative=initiative,
            edits={"text": FieldEdit(new="Min tekst.")},
            actor=finance_user,
            source=ChangeSource.BROWSER,
        )


def test_unknown_smiley_is_refused(open_round, initiative, finance_user):
    with pytest.raises(ValidationError) as excinfo:
        save_row(open_round, initiative, finance_user, smiley="blue")
    assert "smiley" in excinfo.value.message_dict


def test_over_long_status_text_is_refused_with_its_length(
    open_round, initiative, row_status, finance_user
):
    with pytest.raises(ValidationError) as excinfo:
        save_row(open_round, initiative, finance_user, text="x" * (TEXT_MAX_LENGTH + 1000))
    assert "5.000 tegn" in excinfo.value.message_dict["text"][0]
    row_status.refresh_from_db()
    assert row_status.text == ""


def test_texts_follow_the_text_rule(open_round, initiative, row_status, finance_user):
    save_row(open_round, initiative, finance_user, text="  Første linje  \r\nAnden\x00 linje\r\n")
    row_status.refresh_from_db()
    assert row_status.text == "Første linje\nAnden linje"


def test_economy_cannot_be_yellow(open_round, initiative, finance_user):
    with pytest.raises(ValidationError):
        save_row(open_round, initiative, finance_user, economy_smiley="yellow")


def test_economy_line_is_saved(open_round, initiative, row_economy, finance_user):
    save_row(
        open_round,
        initiative,
        finance_user,
        economy_text="Besparelse i 2019: 0,5 mio. kr.",
        economy_smiley="red",
        economy_status_text="Besparelsen opnås ikke.",
    )
    row_economy.refresh_from_db()
    assert (row_economy.smiley, row_economy.version) == ("red", 2)


def test_secretary_may_not_save_a_row(open_round, initiative, secretary_a):
    with pytest.raises(PermissionDenied):
        save_row(open_round, initiative, secretary_a, smiley="green")


def test_finance_restricted_to_another_committee_may_not_save_a_row(
    open_round, initiative, committee_b
):
    restricted = StaffProfileFactory(committees=[committee_b]).user
    with pytest.raises(PermissionDenied):
        save_row(open_round, initiative, restricted, smiley="green")


def test_locked_round_refuses_a_row_save(open_round, initiative, finance_user):
    round_lock(round=open_round, actor=finance_user)
    with pytest.raises(RoundLocked):
        save_row(open_round, initiative, finance_user, smiley="green")


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


def test_deleting_an_initiative_does_not_cascade_away_a_locked_rounds_rows(
    open_round, initiative, finance_user
):
    round_lock(round=open_round, actor=finance_user)
    with pytest.raises(ProtectedError):
        initiative.delete()
    assert MilestoneStatus.objects.filter(round=open_round, milestone__initiative=initiative)
    assert EconomyLine.objects.filter(round=open_round, initiative=initiative).exists()


def test_deleting_an_initiative_of_an_open_round_takes_its_rows(open_round, initiative):
    initiative.delete()
    assert not MilestoneStatus.objects.filter(milestone__initiative_id=initiative.pk).exists()


def test_locked_round_refuses_milestone_text_change(open_round, initiative, finance_user):
    round_lock(round=open_round, actor=finance_user)
    milestone = Milestone.objects.get(initiative=initiative, point=1)
    milestone.text = "Ny tekst"
    with pytest.raises(RoundLocked):
        milestone.save()
    with pytest.raises(RoundLocked):
        Milestone.objects.filter(pk=milestone.pk).update(text="Ny tekst")
    with pytest.raises(RoundLocked):
        milestone_plan_set(
            initiative=initiative,
            edits={1: FieldEdit(new="Ny", original=milestone.text)},
            actor=finance_user,
            source=ChangeSource.BROWSER,
        )


def test_milestone_of_a_later_point_can_be_written(open_round, initiative, finance_user):
    changed = milestone_plan_set(
        initiative=initiative,
        edits={2: FieldEdit(new="Lokalplan er vedtaget.", original="")},
        actor=finance_user,
        source=ChangeSource.BROWSER,
    )
    milestone = Milestone.objects.get(initiative=initiative, point=2)
    assert (changed, milestone.text) == (1, "Lokalplan er vedtaget.")
    latest = milestone.history.latest()
    assert (latest.history_user, latest.history_source) == (finance_user, ChangeSource.BROWSER)


def test_a_milestone_changed_by_someone_else_is_a_plan_conflict(
    open_round, initiative, finance_user
):
    milestone_plan_set(
        initiative=initiative,
        edits={1: FieldEdit(new="Første", original="Dialog med staten er indledt.")},
        actor=finance_user,
        source=ChangeSource.BROWSER,
    )
    with pytest.raises(PlanConflict) as excinfo:
        milestone_plan_set(
            initiative=initiative,
            edits={1: FieldEdit(new="Anden", original="Dialog med staten er indledt.")},
            actor=finance_user,
            source=ChangeSource.BROWSER,
        )
    assert excinfo.value.conflicts[0].stored == "Første"
    assert Milestone.objects.get(initiative=initiative, point=1).text == "Første"


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


# Late initiatives ------------------------------------------------------------------------


def test_an_initiative_created_while_a_round_is_open_joins_it(
    open_round, agreement, committee_a, admin_user
):
    late = InitiativeFactory.build(
        chapter=agreement.chapters.get(), number="5.9", responsible_committee=committee_a
    )
    late.responsible_center.save()
    late.responsible_center_id = late.responsible_center.pk
    initiative_save(initiative=late, actor=admin_user, source=ChangeSource.ADMIN)
    status = MilestoneStatus.objects.get(round=open_round, milestone__initiative=late)
    assert status.smiley == "not_assessed"
    assert EconomyLine.objects.filter(round=open_round, initiative=late).exists()
    record = status.history.latest()
    assert "efter den blev åbnet" in record.history_change_reason
    assert record.history_source == ChangeSource.ADMIN


def test_a_reopened_initiative_joins_the_open_round(open_round, agreement, admin_user):
    closed = agreement.chapters.get().initiatives.get(number="5.4")
    closed.closed = False
    initiative_save(initiative=closed, actor=admin_user, source=ChangeSource.ADMIN)
    assert MilestoneStatus.objects.filter(round=open_round, milestone__initiative=closed).exists()


def test_an_initiative_closed_during_a_round_stays_in_it_but_joins_no_later_round(
    open_round, initiative, admin_user, agreement
):
    initiative.closed = True
    initiative_save(initiative=initiative, actor=admin_user, source=ChangeSource.ADMIN)
    assert MilestoneStatus.objects.filter(round=open_round, milestone__initiative=initiative)
    second = round_open(agreement=agreement, point=2, deadline=None, actor=admin_user)
    assert not MilestoneStatus.objects.filter(round=second, milestone__initiative=initiative)


def test_a_late_initiative_does_not_join_a_locked_round(
    open_round, agreement, committee_a, admin_user
):
    round_lock(round=open_round, actor=admin_user)
    late = InitiativeFactory(chapter=agreement.chapters.get(), responsible_committee=committee_a)
    initiative_save(initiative=late, actor=admin_user, source=ChangeSource.ADMIN)
    assert not MilestoneStatus.objects.filter(round=open_round, milestone__initiative=late)


def test_a_secretary_cannot_create_an_initiative(agreement, secretary_a, committee_a):
    late = InitiativeFactory.build(chapter=agreement.chapters.get(), responsible_committee=None)
    late.responsible_center = None
    with pytest.raises(PermissionDenied):
        initiative_save(initiative=late, actor=secretary_a, source=ChangeSource.ADMIN)
