"""The round page, the row save and the overview do not run more queries for more initiatives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milestones.services import round_open
from tests.factories import (
    BudgetAgreementFactory,
    CenterFactory,
    ChapterFactory,
    CommitteeFactory,
    InitiativeFactory,
    system_admin,
)

pytestmark = pytest.mark.django_db


def make_round(size: int, year: int):
    agreement = BudgetAgreementFactory(year=year)
    committees = [CommitteeFactory(code=f"Q{year}{i}") for i in range(3)]
    centers = [CenterFactory(name=f"Center {year} {i}") for i in range(4)]
    chapters = [ChapterFactory(agreement=agreement, number=i + 1) for i in range(3)]
    for n in range(size):
        InitiativeFactory(
            chapter=chapters[n % 3],
            number=f"{n % 3 + 1}.{n + 1}",
            responsible_committee=committees[n % 3],
            responsible_center=centers[n % 4],
        )
    return round_open(agreement=agreement, point=2, deadline=None, actor=system_admin())


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_round_page_query_count_is_the_same_for_10_and_300_initiatives(
    client_for, finance_user, django_assert_num_queries
):
    client = client_for(finance_user)
    small = make_round(10, 2040)
    large = make_round(300, 2050)
    # session, user, role and committees (one query), round (with agreement), the round's
    # initiatives, their chapters, committees and centers (each read once), their statuses
    # (with milestone), economy lines, earlier milestone and economy smileys, committees for
    # the report and Excel links, committees and centers for the filter selects; the session
    # save (savepoint, update, release). The round's progress and the centers of the Excel
    # links come from the rows; with a filter set they take a query each.
    with django_assert_num_queries(18):
        client.get(small.get_absolute_url())
    assert count_queries(client, large.get_absolute_url()) == count_queries(
        client, small.get_absolute_url()
    )
    filtered = "?missing=true"
    assert count_queries(client, large.get_absolute_url() + filtered) == count_queries(
        client, small.get_absolute_url() + filtered
    )


def test_overview_query_count_is_the_same_for_10_and_300_initiatives(client_for, finance_user):
    client = client_for(finance_user)
    small = make_round(10, 2040)
    large = make_round(300, 2050)
    assert count_queries(client, reverse("milestones:overview", args=[large.pk])) == (
        count_queries(client, reverse("milestones:overview", args=[small.pk]))
    )
