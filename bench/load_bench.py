"""Load benchmark: gunicorn + PostgreSQL on loopback, the follow-up deadline in miniature.

    make bench                                  # or: .venv/bin/python bench/load_bench.py
    .venv/bin/python bench/load_bench.py --seconds 30 --finance-users 20

What it does, all on this machine:

1. creates a scratch PostgreSQL database (dropped at the end unless ``--keep-database``),
   migrates it, loads the demo data and creates the benchmark's finance users and committee
   secretaries;
2. starts gunicorn on 127.0.0.1 and a free port with production settings (DEBUG off, static
   files collected for whitenoise; HTTPS redirects and secure cookies off, as on loopback
   there is no TLS);
3. logs every simulated user in through /login/ (with the CSRF token, as a browser does), then
   for ``--seconds`` runs, at once:
   - finance users who open the round page of the demo's open round, open a row for editing
     and save it (milestone smiley, status text, economy smiley and status) with the values
     the row showed, as the page's htmx form does; a 409 (someone else changed the same
     field meanwhile) is answered as a person would: choosing "gem min ændring" for each
     conflicting field in the panel and saving again;
   - committee secretaries who download their committee's PDF report;
   - a baseline client on /healthz, a trivial Django view (one ``SELECT 1``) on the same stack
     in the same run, so the figures can be compared across machines;
4. prints requests per second, p50/p95/p99 latency and errors per endpoint, and checks that
   no update was lost: every acknowledged save is in the history exactly once, the versions
   of each row's history are consecutive, and each row holds its last saved value.

The exit code is 0 only with no errors and no lost update. Nothing is sent anywhere but
127.0.0.1; every loop stops at the deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "bench-adgangskode-2019"
MILESTONE_SMILEYS = ["green", "yellow", "red"]
ECONOMY_SMILEYS = ["green", "red"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="measured duration (60)")
    parser.add_argument("--finance-users", type=int, default=50)
    parser.add_argument("--secretaries", type=int, default=10)
    parser.add_argument("--baseline-clients", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        default=3.0,
        help="mean seconds a finance user takes to write the next row (3.0; 0 = flat out)",
    )
    parser.add_argument(
        "--reload-every",
        type=int,
        default=10,
        help="a finance user reloads the round page after this many saves (10; 0 = never: "
        "a 409 brings the row's fresh versions, as on the page)",
    )
    parser.add_argument(
        "--ramp-up",
        type=float,
        default=3.0,
        help="the users start spread over this many seconds (3)",
    )
    parser.add_argument(
        "--report-think",
        type=float,
        default=15.0,
        help="mean seconds between two report downloads of a secretary (15)",
    )
    parser.add_argument(
        "--committee",
        default="EBU",
        help="the committee whose report the secretaries download (EBU)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers (default: gunicorn.conf.py, 4 x cores + 1)",
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--seed", type=int, default=2019)
    return parser.parse_args()


# --- Setting up ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="budgetopfoelgning.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="off",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="off",
        SESSION_COOKIE_SECURE="off",
        CSRF_COOKIE_SECURE="off",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
    )
    return env


def create_database(postgres_url: str) -> str:
    import psycopg

    name = f"bo_bench_{secrets.token_hex(4)}"
    with psycopg.connect(f"{postgres_url}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return name


def drop_database(postgres_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prepare_data(finance_users: int, secretaries: int, committee_code: str = "EBU") -> dict:
    """Migrate, load the demo data, create the users; return what the clients need."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from agreements.models import Committee, Role, StaffProfile
    from milestones.models import FollowUpRound, RoundState

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", interactive=False, verbosity=0)

    round_ = (
        FollowUpRound.objects.filter(state=RoundState.OPEN).order_by("-agreement__year").first()
    )
    if round_ is None:
        raise SystemExit("The demo data has no open follow-up round.")
    committee = Committee.objects.get(code=committee_code)
    User = get_user_model()
    password = make_password(PASSWORD)  # hashed once: creating 60 users stays quick
    names = {"finance": [], "secretary": []}
    for role, count in ((Role.FINANCE, finance_users), (Role.SECRETARY, secretaries)):
        for n in range(count):
            username = f"bench-{role}-{n:02d}"
            user = User.objects.create(username=username, password=password)
            profile = StaffProfile.objects.create(user=user, role=role)
            if role == Role.SECRETARY:
                profile.committees.set([committee])
            names[role].append(username)
    from django.db import connections

    connections.close_all()
    return {
        "round_pk": round_.pk,
        "round_label": round_.label,
        "committee_code": committee.code,
        "finance": names["finance"],
        "secretary": names["secretary"],
    }


def start_server(env: dict[str, str], port: int, workers: int | None, log: Path):
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port)}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "--config", "budgetopfoelgning/gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Measuring ----------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    conflicts: int = 0
    started: datetime | None = None
    ended: datetime | None = None
    # Texts of saves whose answer never came (a timeout): applied or not, no one can tell.
    unknown: set[str] = field(default_factory=set)
    measuring: bool = False

    def record(self, endpoint: str, seconds: float, error: str | None = None) -> None:
        if not self.measuring:
            return
        self.latencies[endpoint].append(seconds)
        if error:
            self.errors[endpoint].append(error)


@dataclass
class Ack:
    """A save the server acknowledged (200): what must be in the database and its history."""

    initiative: int
    status_text: str
    smiley: str
    economy_status_text: str
    economy_smiley: str


# The row form: what each field showed when the row was opened, and the fields whose
# conflict the panel asks about.
ROW_IDS = re.compile(r'id="row-(\d+)-body"')
STARTED_FROM = re.compile(r'<input type="hidden" name="initial-(\w+)" value="([^"]*)"')
CONFLICTED = re.compile(r'<input type="hidden" name="conflicted" value="([^"]*)">')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_rows(page: str) -> list[int]:
    return [int(pk) for pk in ROW_IDS.findall(page)]


def parse_form(form: str) -> tuple[dict[str, str], list[str]]:
    shown = {name: html.unescape(value) for name, value in STARTED_FROM.findall(form)}
    conflicted = CONFLICTED.search(form)
    return shown, [name for name in conflicted.group(1).split(",") if name] if conflicted else []


async def timed(stats: Stats, endpoint: str, request, expected: tuple[int, ...] = (200,)):
    started = time.perf_counter()
    try:
        response = await request
    except Exception as exc:  # a timeout or a dropped connection is an error, not a crash
        stats.record(endpoint, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        return None
    error = None if response.status_code in expected else f"HTTP {response.status_code}"
    stats.record(endpoint, time.perf_counter() - started, error)
    return response


async def log_in(client, username: str) -> None:
    page = await client.get("/login/")
    token = CSRF_INPUT.search(page.text).group(1)
    response = await client.post(
        "/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": ""},
    )
    if response.status_code != 302:
        raise SystemExit(f"Login of {username} failed: HTTP {response.status_code}")


async def open_round_page(client, info: dict, stats: Stats) -> list[int]:
    response = await timed(stats, "round page", client.get(f"/opfoelgning/{info['round_pk']}/"))
    if response is None or response.status_code != 200:
        return []
    return parse_rows(response.text)


async def finance_user(
    client,
    info: dict,
    args,
    stats: Stats,
    acks: list[Ack],
    deadline: float,
    rng: random.Random,
    user_no: int,
    rows: list[int],
) -> None:
    round_pk = info["round_pk"]
    csrf = client.cookies.get("csrftoken")
    seq = 0
    await asyncio.sleep(rng.uniform(0, args.ramp_up))
    while time.monotonic() < deadline:
        if not rows or (args.reload_every and seq and seq % args.reload_every == 0):
            rows = await open_round_page(client, info, stats)
            if not rows:
                await asyncio.sleep(1)
                continue
            csrf = client.cookies.get("csrftoken")
        pk = rng.choice(rows)
        url = f"/opfoelgning/{round_pk}/indsats/{pk}/"
        headers = {"HX-Request": "true", "X-CSRFToken": csrf}
        # The user opens the row ("Redigér"): the form shows the values stored now.
        opened = await timed(stats, "open row", client.get(url, headers=headers))
        if opened is None or opened.status_code != 200:
            continue
        shown, _ = parse_form(opened.text)
        seq += 1
        attempt = {
            "smiley": rng.choice(MILESTONE_SMILEYS),
            "text": f"Status fra bruger {user_no}, gem {seq}: processen følger planen.",
            "economy_smiley": rng.choice(ECONOMY_SMILEYS),
            "economy_status_text": f"Økonomi fra bruger {user_no}, gem {seq}.",
        }
        resolve: dict[str, str] = {}
        for _ in range(3):  # a 409 shows the panel; the user keeps their values, saves again
            data = {
                **shown,
                **attempt,
                **{f"initial-{name}": value for name, value in shown.items()},
                **resolve,
            }
            response = await timed(
                stats,
                "save row",
                client.post(url, data=data, headers=headers),
                expected=(200, 409),
            )
            if response is None:
                stats.unknown.update((attempt["text"], attempt["economy_status_text"]))
                break
            if response.status_code == 200:
                acks.append(
                    Ack(
                        pk,
                        attempt["text"],
                        attempt["smiley"],
                        attempt["economy_status_text"],
                        attempt["economy_smiley"],
                    )
                )
                break
            if response.status_code == 409:
                if stats.measuring:
                    stats.conflicts += 1
                # The panel's form starts from what is stored now, and asks for a choice.
                shown, conflicted = parse_form(response.text)
                resolve = {"conflicted": ",".join(conflicted)} | {
                    f"resolve_{name}": "mine" for name in conflicted
                }
                continue
            break
        if args.think:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * args.think)


async def secretary(
    client, info: dict, args, stats: Stats, deadline: float, rng: random.Random
) -> None:
    url = f"/rapporter/{info['round_pk']}/{info['committee_code']}/"
    await asyncio.sleep(rng.uniform(0, args.ramp_up + args.report_think))
    while time.monotonic() < deadline:
        response = await timed(stats, "report pdf", client.get(url))
        if response is not None and not response.content.startswith(b"%PDF"):
            stats.record("report pdf", 0.0, "not a PDF")
        await asyncio.sleep(rng.uniform(0.5, 1.5) * args.report_think)


async def baseline(client, stats: Stats, deadline: float) -> None:
    while time.monotonic() < deadline:
        await timed(stats, "healthz (baseline)", client.get("/healthz"))
        await asyncio.sleep(0.1)


async def run_load(base_url: str, info: dict, args) -> tuple[Stats, list[Ack], float]:
    import httpx

    stats = Stats()
    acks: list[Ack] = []
    rng = random.Random(args.seed)
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    timeout = httpx.Timeout(30.0)

    def new_client():
        return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout)

    finance_clients = [new_client() for _ in info["finance"]]
    secretary_clients = [new_client() for _ in info["secretary"]]
    baseline_clients = [new_client() for _ in range(args.baseline_clients)]
    try:
        print(
            f"Logging {len(finance_clients) + len(secretary_clients)} users in and opening "
            "the round page ...",
            flush=True,
        )
        semaphore = asyncio.Semaphore(8)

        async def limited_login(client, username):
            async with semaphore:
                await log_in(client, username)

        await asyncio.gather(
            *(limited_login(c, u) for c, u in zip(finance_clients, info["finance"], strict=True)),
            *(
                limited_login(c, u)
                for c, u in zip(secretary_clients, info["secretary"], strict=True)
            ),
        )
        # Everyone has the round page open when the measured minute starts, as at the
        # deadline; reloads during the minute are measured.
        pages = []
        for client in finance_clients:
            async with semaphore:
                pages.append(await open_round_page(client, info, stats))
        print(f"Measuring for {args.seconds:.0f} s ...", flush=True)
        stats.measuring = True
        stats.started = datetime.now(tz=UTC)
        started = time.monotonic()
        deadline = started + args.seconds
        await asyncio.gather(
            *(
                finance_user(
                    c, info, args, stats, acks, deadline, random.Random(rng.random()), n, pages[n]
                )
                for n, c in enumerate(finance_clients)
            ),
            *(
                secretary(c, info, args, stats, deadline, random.Random(rng.random()))
                for c in secretary_clients
            ),
            *(baseline(c, stats, deadline) for c in baseline_clients),
        )
        elapsed = time.monotonic() - started
        stats.measuring = False
        stats.ended = datetime.now(tz=UTC)
    finally:
        for client in finance_clients + secretary_clients + baseline_clients:
            await client.aclose()
    return stats, acks, elapsed


# --- Reporting and checking ---------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def print_table(stats: Stats, elapsed: float) -> None:
    print()
    print(
        f"{'endpoint':<20}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    )
    for endpoint in ("save row", "open row", "round page", "report pdf", "healthz (baseline)"):
        values = sorted(stats.latencies.get(endpoint, []))
        if not values:
            print(f"{endpoint:<20}{0:>9}")
            continue
        print(
            f"{endpoint:<20}{len(values):>9}{len(values) / elapsed:>9.1f}"
            f"{percentile(values, 50) * 1000:>9.1f}{percentile(values, 95) * 1000:>9.1f}"
            f"{percentile(values, 99) * 1000:>9.1f}{values[-1] * 1000:>9.1f}"
            f"{len(stats.errors.get(endpoint, [])):>8}"
        )
    total = sum(len(v) for v in stats.latencies.values())
    print(f"{'all':<20}{total:>9}{total / elapsed:>9.1f}")
    print(
        "409 conflicts (two users changed the same field; answered by choosing one's own "
        f"value in the panel and saving again): {stats.conflicts}"
    )
    for endpoint, errors in stats.errors.items():
        for message, count in sorted(
            {m: errors.count(m) for m in set(errors)}.items(), key=lambda kv: -kv[1]
        )[:5]:
            print(f"  error on {endpoint}: {message} x{count}")


ACCESS_LINE = re.compile(
    r'^time=(\S+) .*logger=gunicorn\.access method=(\w+) path="([^"]*)" .*duration_ms=(\d+)'
)
ENDPOINTS = [
    ("save row", "POST", re.compile(r"^/opfoelgning/\d+/indsats/\d+/$")),
    ("open row", "GET", re.compile(r"^/opfoelgning/\d+/indsats/\d+/$")),
    ("round page", "GET", re.compile(r"^/opfoelgning/\d+/$")),
    ("report pdf", "GET", re.compile(r"^/rapporter/")),
    ("healthz (baseline)", "GET", re.compile(r"^/healthz$")),
]


def print_server_times(log: Path, started: datetime, ended: datetime) -> None:
    """The same endpoints as gunicorn's access log timed them: time spent in the server,
    without the wait in the listen queue or the client."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text().splitlines():
        match = ACCESS_LINE.match(line)
        if not match:
            continue
        at, method, path, ms = match.groups()
        if not started <= datetime.fromisoformat(at) <= ended:
            continue
        for endpoint, endpoint_method, pattern in ENDPOINTS:
            if method == endpoint_method and pattern.match(path):
                times[endpoint].append(int(ms) / 1000)
    print("\nIn the server (gunicorn's access log, same window):")
    print(f"{'endpoint':<20}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for endpoint, _, _ in ENDPOINTS:
        values = sorted(times.get(endpoint, []))
        if values:
            print(
                f"{endpoint:<20}{len(values):>9}{percentile(values, 50) * 1000:>9.0f}"
                f"{percentile(values, 95) * 1000:>9.0f}{percentile(values, 99) * 1000:>9.0f}"
            )


def verify_no_lost_update(acks: list[Ack], unknown: set[str], round_pk: int) -> list[str]:
    """Every acknowledged save is in the history once; each row holds its last save."""
    from django.db import connections

    from milestones.models import EconomyLine, MilestoneStatus

    connections.close_all()
    problems = []
    by_row: dict[int, list[Ack]] = defaultdict(list)
    for ack in acks:
        by_row[ack.initiative].append(ack)
    for initiative, row_acks in by_row.items():
        status = MilestoneStatus.objects.get(round_id=round_pk, milestone__initiative_id=initiative)
        line = EconomyLine.objects.get(round_id=round_pk, initiative_id=initiative)
        checks = (
            (status, "text", "smiley", "status_text", "smiley", status.history),
            (line, "status_text", "smiley", "economy_status_text", "economy_smiley", line.history),
        )
        for obj, text_field, smiley_field, ack_text, ack_smiley, history in checks:
            saved = list(history.filter(history_type="~").order_by("history_id"))
            texts = [getattr(h, text_field) for h in saved]
            acked = {getattr(a, ack_text): getattr(a, ack_smiley) for a in row_acks}
            missing = [t for t in acked if texts.count(t) != 1]
            if missing:
                problems.append(
                    f"{type(obj).__name__} {obj.pk}: acknowledged saves not in the "
                    f"history exactly once: {missing[:3]}"
                )
            unacknowledged = [t for t in texts if t not in acked and t not in unknown]
            if unacknowledged:
                problems.append(
                    f"{type(obj).__name__} {obj.pk}: history records no one was "
                    f"told about: {unacknowledged[:3]}"
                )
            versions = [h.version for h in saved]
            if versions and versions != list(range(versions[0], versions[0] + len(versions))):
                problems.append(
                    f"{type(obj).__name__} {obj.pk}: history versions are not "
                    f"consecutive: {versions}"
                )
            last = saved[-1] if saved else None
            current = (getattr(obj, text_field), getattr(obj, smiley_field), obj.version)
            if last is None or current != (
                getattr(last, text_field),
                getattr(last, smiley_field),
                last.version,
            ):
                problems.append(
                    f"{type(obj).__name__} {obj.pk}: the row does not hold its last saved value"
                )
            elif acked.get(current[0]) != current[1] and current[0] not in unknown:
                problems.append(
                    f"{type(obj).__name__} {obj.pk}: the row holds a value no save "
                    f"was acknowledged with"
                )
    return problems


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="bo-bench-"))
    name = create_database(args.postgres_url)
    database_url = f"{args.postgres_url}/{name}"
    env = server_env(database_url, work / "static")
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DJANGO_SETTINGS_MODULE",
                "DATABASE_URL",
                "SECRET_KEY",
                "DEBUG",
                "ALLOWED_HOSTS",
                "SECURE_SSL_REDIRECT",
                "SESSION_COOKIE_SECURE",
                "CSRF_COOKIE_SECURE",
                "SECURE_HSTS_SECONDS",
                "STATIC_ROOT",
                "LOG_LEVEL",
            )
        }
    )
    server = None
    try:
        print(f"Scratch database {name}: migrating and loading the demo data ...", flush=True)
        info = prepare_data(args.finance_users, args.secretaries, args.committee)
        port = free_port()
        log = work / "gunicorn.log"
        server = start_server(env, port, args.workers, log)
        base_url = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(150):
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {log}")
            time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not answer /healthz; see {log}")
        workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() * 4 + 1))
        threads = os.environ.get("GUNICORN_THREADS", "2")
        print(
            f"gunicorn on {base_url}, {workers} workers x {threads} threads, "
            f"{os.cpu_count()} cores; round "
            f"»{info['round_label']}«, reports for {info['committee_code']}"
        )
        reload = f"every {args.reload_every} saves" if args.reload_every else "at the start"
        print(
            f"Load: {args.finance_users} finance users (a save every ~{args.think:g} s, the "
            f"round page {reload}), {args.secretaries} secretaries (a report every "
            f"~{args.report_think:g} s), {args.baseline_clients} baseline clients (/healthz "
            f"every 0.1 s); arrivals over {args.ramp_up:g} s"
        )
        stats, acks, elapsed = asyncio.run(run_load(base_url, info, args))
        stop_server(server)
        print_table(stats, elapsed)
        print_server_times(log, stats.started, stats.ended)
        problems = verify_no_lost_update(acks, stats.unknown, info["round_pk"])
        rows = len({a.initiative for a in acks})
        print(f"\nAcknowledged saves: {len(acks)} on {rows} rows.")
        if problems:
            print(f"LOST UPDATES: {len(problems)} problems")
            for problem in problems[:20]:
                print(f"  {problem}")
        else:
            print(
                "No lost update: every acknowledged save is in the history exactly once, "
                "versions are consecutive, and every row holds its last save."
            )
        save_p95 = percentile(sorted(stats.latencies.get("save row", [])), 95) * 1000
        goal = "met" if save_p95 < 100 else "NOT met"
        print(f"Goal p95 of the status save under 100 ms: {goal} ({save_p95:.1f} ms).")
        errors = sum(len(e) for e in stats.errors.values())
        return 0 if not errors and not problems and acks else 1
    finally:
        if server is not None:
            stop_server(server)
        from django.db import connections

        connections.close_all()
        if args.keep_database:
            print(f"Kept the database {database_url}")
        else:
            drop_database(args.postgres_url, name)


if __name__ == "__main__":
    sys.exit(main())
