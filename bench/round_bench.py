"""Round page benchmark: how heavy the page of a round is, and what one row save costs.

    .venv/bin/python bench/round_bench.py               # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/round_bench.py
    .venv/bin/python bench/round_bench.py --repeat 25

It creates a throwaway test database (in memory for SQLite; ``test_<name>`` on the
DATABASE_URL's server, dropped at the end), migrates it and loads the demo data, and builds a
second agreement with 300 initiatives and an open round. Then, in this process, through
Django's test client as a finance user (sessions, middleware, templates: everything a request
runs except the HTTP server), it prints for the round page of the demo's 2019 round (92
initiatives) and of the 300-initiative round:

- HTML bytes and SQL queries of the page (outside any test transaction, as in production);
- milliseconds: median, minimum and maximum of ``--repeat`` renders;

and for one row save (a smiley and a status text, as the round page posts it with htmx): the
SQL queries and the milliseconds (median, min, max). The agreements list page is measured in
the same run, interleaved, as the baseline: the ratio says how much heavier a round page is
than the lightest page of the application on this machine, now.

Goals (issue 10): round page of 92 rows at most 150 KB and 40 ms, the same number of queries
at 300 rows, and a row save in at most 12 queries. It is a measurement, not a test: the exit
code is 0 unless something fails.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetopfoelgning.settings")
# As in production: DEBUG off (no query log, no template debugging), over plain HTTP here.
os.environ.update(
    {
        "DEBUG": "off",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "k3y-" * 16),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "off",
        "SESSION_COOKIE_SECURE": "off",
        "CSRF_COOKIE_SECURE": "off",
        "LOG_LEVEL": "WARNING",
    }
)

GOAL_BYTES = 150 * 1024
GOAL_MS = 40.0
GOAL_SAVE_QUERIES = 12
HTMX = {"HTTP_HX_REQUEST": "true"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="renders per figure (15)")
    parser.add_argument("--size", type=int, default=300, help="initiatives of the large round")
    parser.add_argument("--verbose", action="store_true", help="print the save's queries")
    parser.add_argument("--html", help="write the 92-row page's HTML to this file")
    return parser.parse_args()


def timed(function) -> float:
    gc.collect()
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def spread(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples):6.1f} ms "
        f"(min {min(samples):.1f}, max {max(samples):.1f})"
    )


def statements(queries) -> int:
    """The SQL statements captured, without transaction control: Django's SQLite backend logs
    its BEGIN and COMMIT, PostgreSQL's driver sends them without logging."""
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")
    )


def build_large_round(size: int):
    from django.contrib.auth import get_user_model

    from agreements.models import BudgetAgreement, Center, Chapter, Committee, Initiative
    from milestones.models import ChangeSource, Milestone
    from milestones.services import round_open

    admin = get_user_model().objects.get(username="admin")
    agreement = BudgetAgreement.objects.create(
        year=2090,
        title="Aftale om budget 2090 (benchmark)",
        milestone_green="Milepæl er opfyldt",
        milestone_yellow="Milepæl er ikke fuldt opfyldt",
        milestone_red="Milepæl er ikke opfyldt",
        economy_green="Budget er overholdt",
        economy_red="Budget ikke overholdt",
    )
    committees = list(Committee.objects.all())
    centers = list(Center.objects.all()[:8])
    chapters = [
        Chapter.objects.create(agreement=agreement, number=n + 1, title=f"Kapitel {n + 1}")
        for n in range(6)
    ]
    initiatives = []
    for n in range(size):
        chapter = chapters[n % len(chapters)]
        initiatives.append(
            Initiative(
                chapter=chapter,
                number=f"{chapter.number}.{n + 1}",
                sort_key=f"{chapter.number:05d}.{n + 1:05d}",
                title=f"Indsats {n + 1} med en titel af en almindelig længde",
                kind="drift",
                description="Beskrivelse af indsatsen.",
                responsible_committee=committees[n % len(committees)],
                responsible_center=centers[n % len(centers)],
            )
        )
    Initiative.objects.bulk_create(initiatives)
    Milestone.objects.bulk_create(
        Milestone(
            initiative=initiative,
            point=1,
            text="Milepælen for første opfølgning: en sætning eller to om hvad der skal være "
            "nået, som i kommunens egne rapporter.",
        )
        for initiative in Initiative.objects.filter(chapter__agreement=agreement)
    )
    return round_open(
        agreement=agreement, point=1, deadline=None, actor=admin, source=ChangeSource.COMMAND
    )


def main() -> int:
    args = parse_args()

    import django

    django.setup()

    from django.conf import settings

    # The static files are not collected for this run: plain storage instead of the manifest.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from milestones.models import FollowUpRound, MilestoneStatus

    print("Opretter en midlertidig database og indlæser demodata …", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("load_demo", stdout=io.StringIO())
        large = build_large_round(args.size)
        demo = FollowUpRound.objects.get(agreement__year=2019, point=1)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username="oekonomi"))
        baseline_url = reverse("agreements:list")

        rows = []
        for round_ in (demo, large):
            url = round_.get_absolute_url()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            # Read now: every request empties the connection's query log.
            page_queries = statements(queries)
            page_ms, baseline_ms = [], []
            for _ in range(args.repeat):
                page_ms.append(timed(lambda url=url: client.get(url)))
                baseline_ms.append(timed(lambda: client.get(baseline_url)))
            count = MilestoneStatus.objects.filter(round=round_).count()
            if args.html and round_ is demo:
                Path(args.html).write_bytes(response.content)
            rows.append((count, len(response.content), page_queries, page_ms, baseline_ms))

        print()
        print("Opfølgningssiden (in-process, Djangos testklient som økonomimedarbejder):")
        for count, size, queries, page_ms, baseline_ms in rows:
            ratio = statistics.median(page_ms) / statistics.median(baseline_ms)
            print(
                f"  {count:4d} indsatser: {size / 1024:7.1f} KB, {queries:3d} forespørgsler, "
                f"{spread(page_ms)}; baseline (aftalelisten) {spread(baseline_ms)}, "
                f"forhold {ratio:.1f}"
            )

        # One row save, as the round page posts it: a smiley and a status text.
        status = (
            MilestoneStatus.objects.filter(round=demo)
            .select_related("milestone__initiative")
            .order_by("pk")
            .first()
        )
        initiative = status.milestone.initiative
        url = reverse("milestones:row", args=[demo.pk, initiative.pk])
        economy = demo.economy_lines.get(initiative=initiative)
        shown = {
            "milestone_text": status.milestone.text,
            "smiley": status.smiley,
            "text": status.text,
            "economy_text": economy.text,
            "economy_smiley": economy.smiley,
            "economy_status_text": economy.status_text,
        }
        values = [("green", "Milepælen er nået."), ("yellow", "Processen er forsinket.")]

        def save(n: int) -> int:
            smiley, text = values[n % 2]
            before = values[(n + 1) % 2] if n else (shown["smiley"], shown["text"])
            data = {**shown, "smiley": smiley, "text": text}
            data |= {f"initial-{k}": v for k, v in shown.items()}
            data |= {"initial-smiley": before[0], "initial-text": before[1]}
            response = client.post(url, data, **HTMX)
            assert response.status_code == 200, response.content.decode()[:500]
            return response.status_code

        with CaptureQueriesContext(connection) as queries:
            save(0)
        save_queries = statements(queries)
        transactions = len(queries) - save_queries
        if args.verbose:
            for query in queries.captured_queries:
                print("   ", query["sql"][:150])
        save_ms = [timed(lambda n=n: save(n)) for n in range(1, args.repeat + 1)]
        print()
        print(
            f"Gem en række (smiley og status, htmx): {save_queries} forespørgsler "
            f"(+ {transactions} BEGIN/COMMIT, som kun SQLite-driveren logger), {spread(save_ms)}"
        )

        small, large_row = rows
        print()
        print("Mål:")
        print(
            f"  {small[0]} indsatser ≤ {GOAL_BYTES // 1024} KB: {small[1] / 1024:.1f} KB "
            f"({'opfyldt' if small[1] <= GOAL_BYTES else 'IKKE opfyldt'})"
        )
        median_ms = statistics.median(small[3])
        print(
            f"  {small[0]} indsatser ≤ {GOAL_MS:.0f} ms: median {median_ms:.1f} ms "
            f"({'opfyldt' if median_ms <= GOAL_MS else 'IKKE opfyldt'} i denne kørsel)"
        )
        print(
            f"  samme antal forespørgsler ved {large_row[0]}: {small[2]} og {large_row[2]} "
            f"({'opfyldt' if small[2] == large_row[2] else 'IKKE opfyldt'})"
        )
        print(
            f"  gem en række ≤ {GOAL_SAVE_QUERIES} forespørgsler: {save_queries} "
            f"({'opfyldt' if save_queries <= GOAL_SAVE_QUERIES else 'IKKE opfyldt'})"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
