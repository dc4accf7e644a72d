from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from agreements.models import Role
from tests.factories import CommitteeFactory, StaffProfileFactory, UserFactory


@pytest.fixture
def committee_a(db):
    return CommitteeFactory(code="EBU", name="Erhvervs- og Beskæftigelsesudvalget", order=2)


@pytest.fixture
def committee_b(db):
    return CommitteeFactory(code="BSU", name="Børne- og Skoleudvalget", order=3)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-test", is_staff=True, is_superuser=True)


@pytest.fixture
def finance_user(db):
    return StaffProfileFactory(user__username="oekonomi-test", role=Role.FINANCE).user


@pytest.fixture
def secretary_a(db, committee_a):
    return StaffProfileFactory(
        user__username="sekretaer-a", role=Role.SECRETARY, committees=[committee_a]
    ).user


@pytest.fixture
def secretary_b(db, committee_b):
    return StaffProfileFactory(
        user__username="sekretaer-b", role=Role.SECRETARY, committees=[committee_b]
    ).user


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="uden-rolle")


@pytest.fixture
def client_for(client):
    """Log the test client in as ``user`` (force_login: django-axes needs a real request)."""

    def login(user):
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The real Ballerup data, loaded once per test module and flushed afterwards."""
    with django_db_blocker.unblock():
        # Never load into (and flush) a developer's database: only a test database.
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, f"demo_data refuses database {name}"
        call_command("load_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_data_tx(transactional_db):
    """The demo data for a transactional (live server) test; the test's flush removes it."""
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL's row locks; the SQLite run leaves them out
    (deselected, and said so in the summary). CI runs the suite on both databases."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
