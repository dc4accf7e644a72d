from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from milestones.models import FollowUpRound, point_label
from tests.factories import (
    BudgetAgreementFactory,
    FollowUpRoundFactory,
    MilestoneFactory,
    MilestoneStatusFactory,
)

pytestmark = pytest.mark.django_db


def test_point_labels_follow_the_reports():
    assert point_label(2, 2018) == "2. budgetopfølgning 2018"
    assert point_label(4, 2017) == "31.12.2017"


def test_one_round_per_agreement_and_point():
    round_ = FollowUpRoundFactory(point=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpRound.objects.create(agreement=round_.agreement, point=2)


def test_database_refuses_point_five():
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpRoundFactory(agreement=BudgetAgreementFactory(), point=5)


def test_one_status_per_milestone_and_round():
    status = MilestoneStatusFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneStatusFactory(milestone=status.milestone, round=status.round)


def test_database_refuses_unknown_smiley():
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneStatusFactory(smiley="blue")


def test_one_milestone_per_initiative_and_point():
    milestone = MilestoneFactory(point=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneFactory(initiative=milestone.initiative, point=3)


def test_status_change_is_recorded_in_history():
    status = MilestoneStatusFactory(smiley="not_assessed")
    status.smiley = "yellow"
    status.text = "Processen er forsinket."
    status.save()
    history = list(status.history.order_by("history_date").values_list("smiley", "text"))
    assert history == [("not_assessed", ""), ("yellow", "Processen er forsinket.")]
