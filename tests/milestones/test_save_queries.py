"""Saving a row runs a fixed, small number of queries."""

from __future__ import annotations

import pytest

from tests.milestones.test_views import HTMX, row_data, save_url

pytestmark = pytest.mark.django_db


def test_saving_a_smiley_and_a_status_text_query_count(
    client_for, finance_user, open_round, row_status, row_economy, django_assert_num_queries
):
    client = client_for(finance_user)
    data = row_data(row_status, row_economy, smiley="green", text="Opfyldt")
    # session, user, role and committees, round, the initiative; in one transaction (a
    # savepoint here, BEGIN/COMMIT outside a test): the round read under a shared lock, the
    # status with its milestone and the economy line (locked), the status's update and history
    # record; then the counter of missing rows; then the session save (savepoint, update,
    # release). 16 here; 12 in production, where the transactions are not savepoints.
    with django_assert_num_queries(16):
        response = client.post(save_url(open_round, row_status), data, **HTMX)
    assert response.status_code == 200


def test_saving_every_field_of_a_row_query_count(
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
    # As above, with an update and a history record for each of the milestone, the status and
    # the economy line.
    with django_assert_num_queries(20):
        response = client.post(save_url(open_round, row_status), data, **HTMX)
    assert response.status_code == 200
