"""The report reads a constant number of queries, however many initiatives the agreement has."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milestones.models import FollowUpRound
from milestones.reports.data import report_content
from milestones.reports.freeze import round_report_content
from milestones.services import round_lock, round_open
from tests.factories import (
    BudgetAgreementFactory,
    CenterFactory,
    ChapterFactory,
    CommitteeFactory,
    InitiativeFactory,
    MilestoneFactory,
    system_admin,
)

pytestmark = pytest.mark.django_db


def make_round(size: int, year: int) -> FollowUpRound:
    """The second round of an agreement with ``size`` initiatives, each with four milestones."""
    agreement = BudgetAgreementFactory(year=year)
    committees = [CommitteeFactory(code=f"R{year}{i}") for i in range(3)]
    centers = [CenterFactory(name=f"Center {year} {i}") for i in range(2)]
    chapters = [ChapterFactory(agreement=agreement, number=i + 1) for i in range(3)]
    for n in range(size):
        initiative = InitiativeFactory(
            chapter=chapters[n % 3],
            number=f"{n % 3 + 1}.{n + 1}",
            responsible_committee=committees[n % 3],
            responsible_center=centers[n % 2],
        )
        for point in range(1, 5):
            MilestoneFactory(initiative=initiative, point=point)
    round_open(agreement=agreement, point=1, deadline=None, actor=system_admin())
    round_open(agreement=agreement, point=2, deadline=None, actor=system_admin())
    return FollowUpRound.objects.select_related("agreement").get(agreement=agreement, point=2)


def test_report_content_query_count_does_not_grow_with_the_initiatives(
    django_assert_num_queries,
):
    small = make_round(5, 2060)
    large = make_round(60, 2061)
    # The round's rows from the one reader: initiatives, their chapters, committees and
    # centers, this round's statuses (with milestone) and economy lines, the statuses of the
    # earlier rounds, the milestones of every point.
    with django_assert_num_queries(8):
        small_content = report_content(small)
    with django_assert_num_queries(8):
        large_content = report_content(large)
    assert len(small_content.initiatives) == 5
    assert len(large_content.initiatives) == 60


def test_locked_round_report_is_one_query(django_assert_num_queries, finance_user):
    round_ = make_round(10, 2062)
    round_lock(round=round_, actor=finance_user)
    round_.refresh_from_db()
    # The snapshot.
    with django_assert_num_queries(1):
        content = round_report_content(round_)
    assert len(content.initiatives) == 10


def test_report_download_query_count_is_the_same_for_5_and_60_initiatives(
    client_for, finance_user, django_assert_num_queries
):
    client = client_for(finance_user)
    small = make_round(5, 2063)
    large = make_round(60, 2064)
    # session, user, role and committees (one query), round with agreement, the eight report
    # queries (above); then the session is saved (savepoint, update, release).
    with django_assert_num_queries(15):
        client.get(reverse("reports:municipality", args=[small.pk]))
    with CaptureQueriesContext(connection) as large_queries:
        response = client.get(reverse("reports:municipality", args=[large.pk]))
    assert response.status_code == 200
    assert len(large_queries.captured_queries) == 15
