"""Backup and restore as docs/operations.md describes them, on scratch databases.

The PostgreSQL test makes its own databases with the PostgreSQL client programs, whatever
database the suite itself runs on, so it runs in both CI runs. Everything runs in
subprocesses with the production settings module, as an operator would run it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.conftest import run_python

# The PostgreSQL server for scratch databases; CI and the developers' machines have one here.
POSTGRES_URL = os.environ.get("OPS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")

# After the demo data: assessments and economy lines by a user, so the history has records
# with a user, a change of a milestone, a locked round and its unlocking with a reason.
SEED = """
import django; django.setup()
from django.contrib.auth import get_user_model
from milestones.models import ChangeSource, FollowUpRound, MilestoneStatus, RoundState
from milestones import services
from milestones.services import FieldEdit

User = get_user_model()
finance = User.objects.get(username="oekonomi")
admin = User.objects.get(username="admin")
round_ = FollowUpRound.objects.get(agreement__year=2019, point=1, state=RoundState.OPEN)
statuses = MilestoneStatus.objects.filter(round=round_).select_related("milestone__initiative")
for n, status in enumerate(statuses.order_by("pk")[:5]):
    edits = {"smiley": FieldEdit(new=["green", "yellow", "red"][n % 3], original=status.smiley),
             "text": FieldEdit(new=f"Status nr. {n} æøå <b>", original=status.text)}
    if n == 0:
        edits |= {"economy_text": FieldEdit(new="Besparelse i 2019: 0,5 mio. kr.", original=""),
                  "economy_smiley": FieldEdit(new="red", original="not_assessed"),
                  "economy_status_text": FieldEdit(new="Besparelsen opnås ikke.", original="")}
    services.row_save(round=round_, initiative=status.milestone.initiative, edits=edits,
                      actor=finance, source=ChangeSource.BROWSER)
services.round_lock(round=round_, actor=finance)
services.round_unlock(round=round_, actor=admin, reason="Rettelse af en fejl")
"""

# What must be found again: the number of rows of every table of ours (history and M2M
# tables included) and a few values of each kind.
INVENTORY = """
import json, django; django.setup()
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

tables = set(connection.introspection.table_names())
models = [get_user_model(), apps.get_model("auth", "Group"), apps.get_model("admin", "LogEntry")]
for label in ("agreements", "milestones", "finance"):
    models.extend(apps.get_app_config(label).get_models())
counts = {}
for model in models:
    if model._meta.db_table not in tables:
        continue
    counts[model._meta.label] = model._base_manager.count()
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        counts[through._meta.label] = through._base_manager.count()

def rows(model, *fields, order=("pk",), limit=25):
    qs = apps.get_model(model)._base_manager.order_by(*order).values_list(*fields)
    return [[str(v) for v in row] for row in qs[:limit]]

User = get_user_model()
samples = {
    "agreements": rows("agreements.BudgetAgreement", "year", "title", "milestone_green"),
    "initiatives": rows("agreements.Initiative", "pk", "number", "title",
                        "responsible_committee__code", limit=200),
    "statuses": rows("milestones.MilestoneStatus", "pk", "smiley", "text", "version",
                     "updated_by__username", order=("-version", "pk")),
    "status_history": rows("milestones.HistoricalMilestoneStatus", "history_id", "id",
                           "smiley", "text", "history_type", "history_user__username",
                           order=("history_id",), limit=1000),
    "round_history": rows("milestones.HistoricalFollowUpRound", "history_id", "id", "state",
                          "history_change_reason", "history_user__username",
                          order=("history_id",), limit=1000),
    "appropriations": rows("finance.Appropriation", "agreement_id", "initiative_id", "kind",
                           "year", "amount", limit=50),
    "profiles": sorted([p.user.username, p.role, sorted(c.code for c in p.committees.all())]
                       for p in apps.get_model("agreements.StaffProfile").objects.all()),
    "users": rows("auth.User", "username", "is_superuser", "password"),
    "demo_password_works": User.objects.get(username="oekonomi").check_password("demo"),
}
print(json.dumps({"counts": counts, "samples": samples}))
"""


def env_for(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "budgetopfoelgning.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "",
        "DEBUG": "",
        "ALLOWED_HOSTS": "",
    }


def manage(args: list[str], database_url: str, tmp_path: Path, timeout: int = 300) -> str:
    result = run_python(args, env_for(database_url, tmp_path), timeout=timeout)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def inventory(database_url: str, tmp_path: Path) -> dict:
    out = manage(["-c", INVENTORY], database_url, tmp_path)
    return json.loads(out.strip().splitlines()[-1])


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (PostgreSQL client programs, Debian package postgresql-client) is missing"
    return path


def run_tool(args: list[str]) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def scratch_postgres() -> Iterator:
    """Makes scratch databases on the PostgreSQL server and drops them afterwards."""
    created: list[str] = []

    def create() -> str:
        name = f"bo_scratch_{secrets.token_hex(4)}"
        run_tool([pg_tool("psql"), f"{POSTGRES_URL}/postgres", "-qc", f"CREATE DATABASE {name}"])
        created.append(name)
        return f"{POSTGRES_URL}/{name}"

    yield create
    for name in created:
        subprocess.run(
            [
                pg_tool("psql"),
                f"{POSTGRES_URL}/postgres",
                "-qc",
                f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def demo_database(scratch_postgres, tmp_path_factory) -> tuple[str, dict]:
    """A PostgreSQL database with the demo data, some assessments and their history; made
    once for the module (the tests only read it, and restore into databases of their own)."""
    tmp_path = tmp_path_factory.mktemp("demo-database")
    url = scratch_postgres()
    manage(["manage.py", "migrate", "--noinput", "-v0"], url, tmp_path)
    manage(["manage.py", "load_demo"], url, tmp_path)
    manage(["-c", SEED], url, tmp_path)
    return url, inventory(url, tmp_path)


def assert_everything_found_again(before: dict, after: dict) -> None:
    assert after["counts"] == before["counts"]
    assert after["samples"] == before["samples"]
    # The inventory is not empty: the demo data and the seeded history are in it.
    counts = before["counts"]
    assert counts["agreements.BudgetAgreement"] >= 3
    assert counts["agreements.Initiative"] >= 92
    assert counts["milestones.HistoricalMilestoneStatus"] >= 5
    assert counts["agreements.StaffProfile_committees"] >= 1
    assert any(
        row[4] == "~" and row[5] == "oekonomi" for row in before["samples"]["status_history"]
    )
    assert any(row[3] == "Rettelse af en fejl" for row in before["samples"]["round_history"])
    assert after["samples"]["demo_password_works"] is True


def test_postgres_dump_restores_into_an_empty_database(demo_database, scratch_postgres, tmp_path):
    source, before = demo_database
    dump = tmp_path / "budgetopfoelgning.dump"
    target = scratch_postgres()

    run_tool([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", source])
    run_tool(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={target}",
            str(dump),
        ]
    )

    assert_everything_found_again(before, inventory(target, tmp_path))
    # The restored database is usable: nothing left to migrate, and writes get new ids.
    plan = manage(["manage.py", "migrate", "--plan"], target, tmp_path)
    assert "No planned migration operations." in plan
    manage(
        [
            "-c",
            "import django; django.setup();"
            "from agreements.models import Center; Center.objects.create(name='Ny')",
        ],
        target,
        tmp_path,
    )


def test_django_export_restores_into_an_empty_sqlite_database(demo_database, tmp_path):
    source, before = demo_database
    export = tmp_path / "budgetopfoelgning.json"
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"

    manage(["manage.py", "export_data", "--output", str(export)], source, tmp_path)
    manage(["manage.py", "migrate", "--noinput", "-v0"], target, tmp_path)
    manage(["manage.py", "loaddata", str(export)], target, tmp_path)

    assert_everything_found_again(before, inventory(target, tmp_path))
    assert not list(tmp_path.glob(".*.part"))


def test_django_export_restores_into_an_empty_postgres_database(
    demo_database, scratch_postgres, tmp_path
):
    # The way to move between servers of different PostgreSQL versions; sequences must
    # continue after the highest restored id.
    source, before = demo_database
    export = tmp_path / "budgetopfoelgning.json"
    target = scratch_postgres()

    manage(["manage.py", "export_data", "--output", str(export)], source, tmp_path)
    manage(["manage.py", "migrate", "--noinput", "-v0"], target, tmp_path)
    manage(["manage.py", "loaddata", str(export)], target, tmp_path)

    assert_everything_found_again(before, inventory(target, tmp_path))
    manage(
        [
            "-c",
            "import django; django.setup();"
            "from agreements.models import Center; Center.objects.create(name='Ny')",
        ],
        target,
        tmp_path,
    )


def test_a_failed_export_leaves_no_file(tmp_path):
    # A database without tables: the export fails, and no half file can pass for a backup.
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    export = tmp_path / "backup.json"

    result = run_python(
        ["manage.py", "export_data", "--output", str(export)], env_for(empty, tmp_path)
    )

    assert result.returncode != 0
    assert not export.exists()
    assert not list(tmp_path.glob(".*.part"))
