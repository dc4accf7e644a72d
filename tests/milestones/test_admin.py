"""Django admin respects locked rounds and writes statuses through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from milestones.services import round_lock

pytestmark = pytest.mark.django_db


def test_admin_edits_a_status_through_the_service(client_for, admin_user, open_round, row_status):
    url = reverse("admin:milestones_milestonestatus_change", args=[row_status.pk])
    response = client_for(admin_user).post(url, {"smiley": "red", "text": "Rettet i admin"})
    assert response.status_code == 302
    row_status.refresh_from_db()
    assert (row_status.smiley, row_status.version) == ("red", 2)
    assert row_status.history.latest().history_user == admin_user


def test_admin_cannot_change_a_status_of_a_locked_round(
    client_for, admin_user, open_round, row_status
):
    round_lock(round=open_round, actor=admin_user)
    url = reverse("admin:milestones_milestonestatus_change", args=[row_status.pk])
    client = client_for(admin_user)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # shown read-only
    response = client.post(url, {"smiley": "red", "text": "Forsøg"})
    assert response.status_code == 403
    row_status.refresh_from_db()
    assert row_status.smiley == "not_assessed"


def test_admin_cannot_change_a_locked_milestone_in_the_initiative_inline(
    client_for, admin_user, open_round, row_status
):
    round_lock(round=open_round, actor=admin_user)
    initiative = row_status.milestone.initiative
    milestone = row_status.milestone
    data = {
        "chapter": initiative.chapter_id,
        "number": initiative.number,
        "part": "",
        "title": initiative.title,
        "kind": initiative.kind,
        "order": 0,
        "description": "",
        "elaboration": "",
        "source_reference": "",
        "responsible_committee": initiative.responsible_committee_id,
        "responsible_center": initiative.responsible_center_id,
        "contributors": "",
        "milestones-TOTAL_FORMS": 1,
        "milestones-INITIAL_FORMS": 1,
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 4,
        "milestones-0-id": milestone.pk,
        "milestones-0-initiative": initiative.pk,
        "milestones-0-point": 1,
        "milestones-0-text": "Omskrevet efter låsning",
        "appropriations-TOTAL_FORMS": 0,
        "appropriations-INITIAL_FORMS": 0,
        "appropriations-MIN_NUM_FORMS": 0,
        "appropriations-MAX_NUM_FORMS": 1000,
    }
    response = client_for(admin_user).post(
        reverse("admin:agreements_initiative_change", args=[initiative.pk]), data
    )
    assert response.status_code == 200
    assert "er låst: milepælen for 1. budgetopfølgning kan ikke ændres" in (
        response.content.decode()
    )
    milestone.refresh_from_db()
    assert milestone.text == "Dialog med staten er indledt."


def test_admin_round_state_is_read_only(client_for, admin_user, open_round):
    url = reverse("admin:milestones_followupround_change", args=[open_round.pk])
    client_for(admin_user).post(
        url, {"deadline": "2019-05-01", "report_date": "", "state": "locked"}
    )
    open_round.refresh_from_db()
    assert open_round.state == "open"
    assert str(open_round.deadline) == "2019-05-01"


def test_admin_action_locks_rounds_with_history(client_for, admin_user, open_round):
    client_for(admin_user).post(
        reverse("admin:milestones_followupround_changelist"),
        {"action": "lock_rounds", "_selected_action": [open_round.pk]},
    )
    open_round.refresh_from_db()
    assert open_round.is_locked
    assert open_round.history.latest().history_user == admin_user


def test_admin_cannot_delete_a_locked_round(client_for, admin_user, open_round):
    round_lock(round=open_round, actor=admin_user)
    url = reverse("admin:milestones_followupround_delete", args=[open_round.pk])
    assert client_for(admin_user).post(url, {"post": "yes"}).status_code == 403
    assert open_round.__class__.objects.filter(pk=open_round.pk).exists()
