"""Saving a row runs a fixed, small number of queries."""

from __future__ import annotations

import pytest

from tests.milestones.test_views import HTMX, row_data, save_url

pytestmark = pytest.mark.django_db


def test_saving_a_row_query_count(
    client_for, finance_user, open_round, row_status, row_economy, django_assert_num_queries
):
    client = client_for(finance_user)
    data = row_data(
        row_status,
        row_economy,
        milestone_text="Ny milepæl",
        smiley="green",
        text="Opfyldt",
        economy_smiley="green",
        economy_text="Økonomi",
    )
    # session, user, profile, round, the user's committees, the row (status, economy line);
    # then one transaction (savepoint ... release) with a savepoint per service around:
    # milestone (locked), its update and history row; status (locked), update, history;
    # economy line (locked), update, history; then the session save (savepoint, update,
    # release).
    with django_assert_num_queries(27):
        response = client.post(save_url(open_round, row_status), data, **HTMX)
    assert response.status_code == 200
