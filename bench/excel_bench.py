"""Excel benchmark: importing a status workbook and an appropriation workbook.

    .venv/bin/python bench/excel_bench.py              # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/excel_bench.py
    .venv/bin/python bench/excel_bench.py --statuses 5000 --appropriations 2000

It creates a throwaway test database (in memory for SQLite; ``test_<name>`` on the server of
DATABASE_URL, dropped at the end) and in it an agreement with a round of ``--statuses``
initiatives and an agreement of ``--appropriations`` initiatives. For each it downloads the
workbook, fills in every row as a center would (a smiley, a status text and the economy line;
an amount for every year), uploads it (read, validate and plan: the preview) and confirms it
(the bulk write with one history record per changed row), and prints per step:

- seconds (without tracemalloc);
- SQL queries, at the full size and at a tenth of it: the import's queries must not grow per
  row (bulk operations in batches; SQLite allows 999 parameters per query, so a batch there is
  about a hundred rows, on PostgreSQL the whole set);
- peak memory of the step (tracemalloc, in a separate run of the same size).

It is a measurement, not a test: the exit code is 0 unless something fails.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetopfoelgning.settings")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statuses", type=int, default=5000, help="rows of the status workbook")
    parser.add_argument(
        "--appropriations", type=int, default=2000, help="rows of the appropriation workbook"
    )
    return parser.parse_args()


class Step:
    """One measured step: seconds, SQL queries and (when traced) peak memory."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace
        self.results: dict[str, dict] = {}

    def __call__(self, name: str, function: Callable):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        gc.collect()
        if self.trace:
            tracemalloc.start()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = function()
        seconds = time.perf_counter() - start
        peak = 0
        if self.trace:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        statements = [
            query["sql"].lstrip().split(" ", 1)[0].upper() for query in queries.captured_queries
        ]
        self.results[name] = {
            "seconds": seconds,
            "queries": len(statements),
            "writes": sum(1 for verb in statements if verb in ("INSERT", "UPDATE", "DELETE")),
            "peak": peak,
        }
        return result


def main() -> int:
    args = parse_args()

    import django

    django.setup()

    from django.db import connection

    print("Opretter en midlertidig database …", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        results = []
        year = 2100
        for label, size, scenario in (
            ("statusark", args.statuses, status_scenario),
            ("bevillinger", args.appropriations, appropriation_scenario),
        ):
            runs = {}
            for run, rows, trace in (
                ("tid", size, False),
                ("tiendedel", max(size // 10, 1), False),
                ("hukommelse", size, True),
            ):
                print(f"  {label}: {rows} rækker ({run}) …", flush=True)
                step = Step(trace)
                scenario(year, rows, step)
                year += 1
                runs[run] = step.results
            results.append((label, size, runs))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"\nDatabase: {connection.vendor}\n")
    header = (
        f"{'trin':<40} {'rækker':>7} {'sek.':>6} {'SQL':>5} {'læs':>4} {'skriv':>6} "
        f"{'SQL ved 1/10':>13} {'læs':>4} {'skriv':>6} {'top MiB':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, size, runs in results:
        for name, full in runs["tid"].items():
            tenth = runs["tiendedel"][name]
            print(
                f"{label + ': ' + name:<40} {size:>7} {full['seconds']:>6.2f} "
                f"{full['queries']:>5} {full['queries'] - full['writes']:>4} {full['writes']:>6} "
                f"{tenth['queries']:>13} {tenth['queries'] - tenth['writes']:>4} "
                f"{tenth['writes']:>6} {runs['hukommelse'][name]['peak'] / 2**20:>8.1f}"
            )
    print(
        "\nsek.: uden tracemalloc. SQL: forespørgsler i trinnet ved fuld størrelse og ved en "
        "tiendedel; læs: læsninger, låse og savepoints, et fast antal uanset antal rækker; skriv: "
        "INSERT/UPDATE/DELETE, én pr. portion i massehandlingerne (højst 1.000 rækker; SQLite "
        "tillader 999 parametre pr. forespørgsel, så dér er en portion 75-200 rækker). Ingen "
        "forespørgsel pr. række. top MiB: højeste hukommelsesforbrug i trinnet (tracemalloc, "
        "separat kørsel af samme størrelse)."
    )
    return 0


def _agreement(year: int, size: int):
    from agreements.models import (
        BudgetAgreement,
        Chapter,
        Committee,
        Initiative,
        initiative_sort_key,
    )

    committees = list(Committee.objects.order_by("pk"))
    agreement = BudgetAgreement.objects.create(
        year=year,
        title=f"Aftale om budget {year}",
        milestone_green="Milepæl er opfyldt",
        milestone_yellow="Milepæl er ikke fuldt opfyldt",
        milestone_red="Milepæl er ikke opfyldt",
        economy_green="Budget er overholdt",
        economy_red="Budget ikke overholdt",
    )
    per_chapter = 100
    chapters = Chapter.objects.bulk_create(
        Chapter(agreement=agreement, number=n + 1, title=f"Kapitel {n + 1}")
        for n in range((size + per_chapter - 1) // per_chapter)
    )
    initiatives = []
    for index in range(size):
        number = f"{index // per_chapter + 1}.{index % per_chapter + 1}"
        initiatives.append(
            Initiative(
                chapter=chapters[index // per_chapter],
                number=number,
                sort_key=initiative_sort_key(number),
                title=f"Indsats {number}",
                kind="drift",
                responsible_committee=committees[index % len(committees)],
                order=index,
            )
        )
    Initiative.objects.bulk_create(initiatives)
    return agreement


def _actors():
    from django.contrib.auth import get_user_model

    from agreements.models import Committee, Role, StaffProfile

    if not Committee.objects.exists():
        for order, (code, name) in enumerate(
            [
                ("ØKU", "Økonomiudvalget"),
                ("EBU", "Erhvervs- og Beskæftigelsesudvalget"),
                ("BSU", "Børne- og Skoleudvalget"),
                ("SSU", "Social- og Sundhedsudvalget"),
            ]
        ):
            Committee.objects.create(code=code, name=name, order=order)
    User = get_user_model()
    finance, created = User.objects.get_or_create(username="bench-oekonomi")
    if created:
        StaffProfile.objects.create(user=finance, role=Role.FINANCE)
    admin, _ = User.objects.get_or_create(username="bench-admin", is_superuser=True)
    # Fresh objects, so every run pays for reading the user's role, as a request would.
    return User.objects.get(pk=finance.pk), admin


def status_scenario(year: int, size: int, step: Step) -> None:
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from agreements.models import Initiative
    from finance import excel, exports
    from finance.models import ImportKind
    from finance.services import import_batch_confirm, import_batch_create
    from milestones.models import Milestone
    from milestones.services import round_open

    finance, admin = _actors()
    agreement = _agreement(year, size)
    # The milestones of the point first, in portions: round_open then only adds the statuses
    # and economy lines (and SQLite's expression depth limit is not reached by the lock guard
    # of a very large bulk insert of milestones).
    initiatives = list(Initiative.objects.filter(chapter__agreement=agreement).order_by("pk"))
    for start in range(0, len(initiatives), 500):
        Milestone.objects.bulk_create(
            Milestone(initiative=item, point=1, text=f"Milepæl for {item.number}.")
            for item in initiatives[start : start + 500]
        )
    round_ = round_open(agreement=agreement, point=1, deadline=None, actor=admin)
    content = step("hent statusark", lambda: exports.status_workbook(round=round_, user=finance))

    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[excel.STATUS_SHEET]
    for index, row in enumerate(sheet.iter_rows(min_row=4), start=1):
        row[6].value = ("Grøn", "Gul", "Rød")[index % 3]
        row[7].value = f"Status for række {index}: processen følger planen."
        row[8].value = "Besparelse i året: 0,5 mio. kr."
        row[9].value = ("Grøn", "Rød")[index % 2]
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("status.xlsx", buffer.getvalue())

    batch = step(
        "upload og forhåndsvisning",
        lambda: import_batch_create(
            kind=ImportKind.STATUSES, upload=upload, actor=finance, round=round_
        ),
    )
    # One planned change per row (its changed fields); two records written per row.
    assert len(batch.plan["changes"]) == size, batch.plan["problems"][:3]
    written = step("bekræft", lambda: import_batch_confirm(batch=batch, actor=finance))
    assert written == 2 * size


def appropriation_scenario(year: int, size: int, step: Step) -> None:
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from finance import exports
    from finance.models import Appropriation, ImportKind
    from finance.services import import_batch_confirm, import_batch_create

    finance, _admin = _actors()
    agreement = _agreement(year, size)
    content = step(
        "hent skabelon",
        lambda: exports.appropriation_template(agreement=agreement, user=finance),
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    for row in book["DRIFT"].iter_rows(min_row=4):
        if row[0].value:  # an initiative, not a chapter heading
            for offset, cell in enumerate(row[3:7]):
                cell.value = 100 * (offset + 1)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("bevillinger.xlsx", buffer.getvalue())

    batch = step(
        "upload og forhåndsvisning",
        lambda: import_batch_create(
            kind=ImportKind.APPROPRIATIONS, upload=upload, actor=finance, agreement=agreement
        ),
    )
    assert len(batch.plan["changes"]) == 4 * size, batch.plan["problems"][:3]
    step("bekræft", lambda: import_batch_confirm(batch=batch, actor=finance))
    assert Appropriation.objects.filter(agreement=agreement).count() == 4 * size


if __name__ == "__main__":
    sys.exit(main())
