"""Django admin respects locked rounds and writes statuses through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import Initiative
from milestones.models import ChangeSource, EconomyLine, MilestoneStatus
from milestones.services import round_lock
from tests.factories import CenterFactory, save_row
from tests.milestones.test_views import HTMX, row_data, save_url

pytestmark = pytest.mark.django_db


def status_post(status, **changes) -> dict:
    """The admin change form as the browser posts it, with the values shown at load."""
    shown = {"smiley": status.smiley, "text": status.text}
    return shown | {f"initial-{k}": v for k, v in shown.items()} | changes


def test_admin_edits_a_status_through_the_service(client_for, admin_user, open_round, row_status):
    url = reverse("admin:milestones_milestonestatus_change", args=[row_status.pk])
    page = client_for(admin_user).get(url).content.decode()
    assert 'name="initial-text"' in page  # the form remembers what it showed
    response = client_for(admin_user).post(
        url, status_post(row_status, smiley="red", text="Rettet i admin")
    )
    assert response.status_code == 302
    row_status.refresh_from_db()
    assert (row_status.smiley, row_status.version) == ("red", 2)
    latest = row_status.history.latest()
    assert (latest.history_user, latest.history_source) == (admin_user, ChangeSource.ADMIN)


def test_admin_detects_a_stale_edit_and_writes_nothing(
    client_for, admin_user, finance_user, open_round, row_status
):
    stale = status_post(row_status, text="Admins tekst")
    save_row(open_round, row_status.milestone.initiative, finance_user, text="Centerets tekst")
    url = reverse("admin:milestones_milestonestatus_change", args=[row_status.pk])
    response = client_for(admin_user).post(url, stale)
    content = response.content.decode()
    assert response.status_code == 200
    assert "efter du åbnede siden; det lyder nu »Centerets tekst«" in content
    assert "changed successfully" not in content and "blev ændret" not in content
    row_status.refresh_from_db()
    assert row_status.text == "Centerets tekst"
    # Saving again overwrites deliberately: the form now starts from what is stored.
    assert 'name="initial-text" value="Centerets tekst"' in content


def test_a_line_break_entered_in_admin_does_not_block_the_row(
    client_for, admin_user, finance_user, open_round, row_status, row_economy
):
    url = reverse("admin:milestones_milestonestatus_change", args=[row_status.pk])
    client_for(admin_user).post(url, status_post(row_status, text="Linje et\r\nLinje to"))
    row_status.refresh_from_db()
    assert row_status.text == "Linje et\nLinje to"
    # The round page then saves the row as the browser sends it, with \r\n, without conflict.
    client = client_for(finance_user)
    data = row_data(row_status, row_economy, smiley="green")
    data["text"] = data["initial-text"] = "Linje et\r\nLinje to"
    response = client.post(save_url(open_round, row_status), data, **HTMX)
    assert response.status_code == 200
    row_status.refresh_from_db()
    assert (row_status.smiley, row_status.text) == ("green", "Linje et\nLinje to")


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
    assert "1. budgetopfølgning 2019 er låst og kan ikke ændres." in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.text == "Dialog med staten er indledt."


def initiative_post(chapter, committee, center, *, number="5.9", milestones=()) -> dict:
    data = {
        "chapter": chapter.pk,
        "number": number,
        "part": "",
        "title": "Sent tilføjet indsats",
        "kind": "drift",
        "order": 0,
        "description": "",
        "elaboration": "",
        "source_reference": "",
        "responsible_committee": committee.pk,
        "responsible_center": center.pk,
        "contributors": "",
        "milestones-TOTAL_FORMS": len(milestones),
        "milestones-INITIAL_FORMS": 0,
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 4,
        "appropriations-TOTAL_FORMS": 0,
        "appropriations-INITIAL_FORMS": 0,
        "appropriations-MIN_NUM_FORMS": 0,
        "appropriations-MAX_NUM_FORMS": 1000,
    }
    for index, (point, text) in enumerate(milestones):
        data |= {f"milestones-{index}-point": point, f"milestones-{index}-text": text}
    return data


def test_adding_an_initiative_with_a_milestone_for_a_locked_round_is_a_form_error(
    client_for, admin_user, open_round, agreement, committee_a
):
    round_lock(round=open_round, actor=admin_user)
    center = CenterFactory()
    data = initiative_post(
        agreement.chapters.get(), committee_a, center, milestones=[(1, "For sent"), (2, "Godt")]
    )
    response = client_for(admin_user).post(reverse("admin:agreements_initiative_add"), data)
    content = response.content.decode()
    assert response.status_code == 200  # the form again, with what was typed
    assert "er låst og kan ikke ændres" in content
    assert "For sent" in content and "Sent tilføjet indsats" in content
    assert not Initiative.objects.filter(title="Sent tilføjet indsats").exists()


def test_an_initiative_added_in_admin_joins_the_open_round(
    client_for, admin_user, open_round, agreement, committee_a
):
    data = initiative_post(
        agreement.chapters.get(), committee_a, CenterFactory(), milestones=[(1, "Første")]
    )
    response = client_for(admin_user).post(reverse("admin:agreements_initiative_add"), data)
    assert response.status_code == 302
    late = Initiative.objects.get(title="Sent tilføjet indsats")
    status = MilestoneStatus.objects.get(round=open_round, milestone__initiative=late)
    assert (status.smiley, status.milestone.text) == ("not_assessed", "Første")
    assert EconomyLine.objects.filter(round=open_round, initiative=late).exists()
    # The round page shows it at once.
    content = client_for(admin_user).get(open_round.get_absolute_url()).content.decode()
    assert "5.9 Sent tilføjet indsats" in content


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
