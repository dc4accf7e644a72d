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


# The demo data is loaded once per test session: the tests that use it run one after the
# other (see pytest_collection_modifyitems), each in a transaction that is rolled back, and
# the data is flushed again before the first test that does not use it.
_DEMO = {"loaded": False}


def _demo_load(blocker) -> None:
    with blocker.unblock():
        # Never load into (and flush) a developer's database: only a test database.
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, f"demo_data refuses database {name}"
        call_command("load_demo", stdout=io.StringIO())
    _DEMO["loaded"] = True


def _demo_flush(blocker) -> None:
    with blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    _DEMO["loaded"] = False


@pytest.fixture(scope="session")
def _demo_session(django_db_setup, django_db_blocker):
    yield
    if _DEMO["loaded"]:
        _demo_flush(django_db_blocker)


@pytest.fixture(scope="module")
def demo_data(_demo_session, django_db_blocker):
    """The real Ballerup data (``load_demo``), loaded once for all the modules that use it."""
    if not _DEMO["loaded"]:
        _demo_load(django_db_blocker)


@pytest.fixture(scope="module", autouse=True)
def _demo_data_only_where_asked(request, django_db_blocker):
    """A module that does not use the demo data does not see it."""
    if not _DEMO["loaded"]:
        return
    uses_demo = any(
        "demo_data" in item.fixturenames
        for item in request.session.items
        if getattr(item, "module", None) is request.module
    )
    if not uses_demo:
        _demo_flush(django_db_blocker)


@pytest.fixture
def demo_data_tx(transactional_db):
    """The demo data for a transactional (live server) test; the test's flush removes it."""
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL's row locks; the SQLite run leaves them out
    (deselected, and said so in the summary). CI runs the suite on both databases.

    pytest-django has put the database tests in transactions first; among them, those that
    use the demo data go last, together, so it is loaded once (see ``demo_data``).
    """
    from django.conf import settings

    def demo_last(item) -> int:
        transactional = "transactional_db" in item.fixturenames or "live_server" in (
            item.fixturenames
        )
        return 1 if "demo_data" in item.fixturenames and not transactional else 0

    first_transactional = next(
        (
            index
            for index, item in enumerate(items)
            if "transactional_db" in item.fixturenames
            or "live_server" in item.fixturenames
            or (
                item.get_closest_marker("django_db")
                and item.get_closest_marker("django_db").kwargs.get("transaction")
            )
        ),
        len(items),
    )
    items[:first_transactional] = sorted(items[:first_transactional], key=demo_last)

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
