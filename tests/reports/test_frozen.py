"""A locked round's report keeps the content it had when the round was locked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import Committee, Initiative
from milestones.models import FollowUpRound, FrozenReport, Milestone, RoundState
from milestones.reports.data import ReportContent, report_content
from milestones.reports.render import build_report
from milestones.services import round_lock, round_unlock
from tests.reports.conftest import pdf_pages

pytestmark = pytest.mark.django_db


def flat_text(pdf: bytes) -> str:
    return " ".join(" ".join(pdf_pages(pdf)).split())


def test_demo_loader_freezes_the_locked_rounds(demo_data):
    frozen = FrozenReport.objects.select_related("round__agreement")
    assert sorted((f.round.agreement.year, f.round.point) for f in frozen) == [
        (2016, 1),
        (2016, 2),
        (2016, 3),
        (2017, 1),
        (2017, 2),
        (2017, 3),
        (2017, 4),
    ]
    assert not FrozenReport.objects.filter(round__state=RoundState.OPEN).exists()


def test_served_report_of_a_locked_demo_round_ignores_later_edits(
    demo_data, client_for, finance_user
):
    round_ = FollowUpRound.objects.get(agreement__year=2016, point=3)
    initiative = Initiative.objects.get(chapter__agreement__year=2016, number="4.8.12")
    old_title = initiative.title
    committee = initiative.responsible_committee
    # Edits after locking: the initiative itself, and the milestone of the next point (31.12).
    initiative.title = "Helt ny titel skrevet efter låsningen"
    initiative.save()
    year_end = Milestone.objects.get(initiative=initiative, point=4)
    old_milestone = year_end.text
    year_end.text = "Ny milepæl skrevet efter låsningen"
    year_end.save()

    response = client_for(finance_user).get(
        reverse("reports:committee", args=[round_.pk, committee.code])
    )
    text = flat_text(response.content)
    assert f"4.8.12. {old_title}" in text
    assert " ".join(old_milestone.split()) in text
    assert "Helt ny titel skrevet efter låsningen" not in text
    assert "Ny milepæl skrevet efter låsningen" not in text
    assert "KLADDE" not in text


def test_round_lock_freezes_the_report_and_unlock_thaws_it(small_round, finance_user, admin_user):
    committee = Committee.objects.get(code="EBU")
    locked = round_lock(round=small_round, actor=finance_user)
    assert FrozenReport.objects.filter(round=locked).exists()

    Initiative.objects.filter(number="5.1", chapter__agreement=small_round.agreement).update(
        title="Kildedal med nyt navn"
    )
    later = Milestone.objects.get(initiative__title="Kildedal med nyt navn", point=2)
    later.text = "Ny plan for anden opfølgning."
    later.save()

    frozen = flat_text(build_report(locked, committee).pdf)
    assert "5.1. Udvikling af Kildedal" in frozen
    assert "Lokalplanforslag er behandlet." in frozen
    assert "Kildedal med nyt navn" not in frozen
    assert "Ny plan for anden opfølgning." not in frozen
    assert "KLADDE" not in frozen

    unlocked = round_unlock(round=locked, actor=admin_user, reason="Rettelse af titel")
    assert not FrozenReport.objects.filter(round=unlocked).exists()
    live = flat_text(build_report(unlocked, committee).pdf)
    assert "5.1. Kildedal med nyt navn" in live
    assert "Ny plan for anden opfølgning." in live
    assert "KLADDE" in live


def test_round_locked_without_a_snapshot_is_frozen_at_its_first_report(small_round):
    # As when an administrator sets the state in Django admin instead of locking.
    FollowUpRound.objects.filter(pk=small_round.pk).update(state=RoundState.LOCKED)
    round_ = FollowUpRound.objects.select_related("agreement").get(pk=small_round.pk)
    build_report(round_)
    frozen = FrozenReport.objects.get(round=round_)
    Initiative.objects.filter(number="5.1", chapter__agreement=round_.agreement).update(
        title="Kildedal med nyt navn"
    )
    assert "5.1. Udvikling af Kildedal" in flat_text(build_report(round_).pdf)
    assert FrozenReport.objects.get(round=round_).created_at == frozen.created_at


def test_snapshot_reads_back_as_the_same_content(small_round):
    content = report_content(small_round)
    assert ReportContent.from_json(content.to_json()) == content
