"""Fault drill: PostgreSQL goes down under load, then comes back. See docs/faults.md.

    .venv/bin/python bench/fault_drill.py                 # about 40 s
    .venv/bin/python bench/fault_drill.py --outage 10     # a longer outage

The drill runs its own PostgreSQL server (a throw-away cluster in a temporary folder, on a free
port on 127.0.0.1; run as root, it uses the ``postgres`` account), so it never disturbs the
machine's own database server. It loads the demo data, starts gunicorn with production
settings and keeps a light load of logged-in page views and /healthz probes running; after
``--before`` seconds it stops PostgreSQL (``pg_ctl stop -m fast``: every connection is cut),
waits ``--outage`` seconds, starts it again, and keeps the load running ``--after`` seconds.

It prints what the users got, second by second, and checks that:

- no request hung: every request was answered within ``--max-latency`` seconds;
- every failure during the outage was a clean server answer (503 "prøv igen om lidt" from the
  pages, 503 from /healthz), never a dropped connection;
- the service recovered by itself: in the last ``--settle`` seconds every request succeeded,
  without restarting gunicorn.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_bench  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=float, default=8, help="seconds of load before (8)")
    parser.add_argument("--outage", type=float, default=5, help="seconds the database is down")
    parser.add_argument("--after", type=float, default=15, help="seconds of load after (15)")
    parser.add_argument(
        "--settle",
        type=float,
        default=5,
        help="the last seconds in which every request must succeed (5)",
    )
    parser.add_argument("--max-latency", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    return parser.parse_args()


def pg_bindir() -> Path:
    pg_config = shutil.which("pg_config")
    if pg_config:
        return Path(subprocess.check_output([pg_config, "--bindir"], text=True).strip())
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise SystemExit("PostgreSQL's server programs (initdb, pg_ctl) are not installed.")
    return candidates[-1].parent


class Cluster:
    """A throw-away PostgreSQL cluster with trust authentication on 127.0.0.1."""

    def __init__(self) -> None:
        self.bindir = pg_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="bo-drill-pg-"))
        self.data = self.dir / "data"
        self.port = load_bench.free_port()
        self.run_as = None
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.run_as = pwd.getpwnam("postgres")
            os.chown(self.dir, self.run_as.pw_uid, self.run_as.pw_gid)

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as.pw_name, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "postgres.log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"


@dataclass
class Outcome:
    at: float
    endpoint: str
    result: str  # "200", "500", "503", or the exception's name
    seconds: float


async def client_loop(
    client, endpoint: str, path: str, started: float, deadline: float, outcomes: list[Outcome]
) -> None:
    while time.monotonic() < deadline:
        sent = time.monotonic()
        try:
            response = await client.get(path)
            result = str(response.status_code)
        except Exception as exc:  # a dropped connection or a timeout: what must not happen
            result = type(exc).__name__
        outcomes.append(Outcome(sent - started, endpoint, result, time.monotonic() - sent))
        await asyncio.sleep(0.05)


async def drill(base_url: str, username: str, cluster: Cluster, args) -> tuple[list, dict]:
    import httpx

    timeout = httpx.Timeout(args.max_latency + 5)
    clients = [httpx.AsyncClient(base_url=base_url, timeout=timeout) for _ in range(args.clients)]
    events = {}
    outcomes: list[Outcome] = []
    try:
        for client in clients:
            await load_bench.log_in(client, username)
        started = time.monotonic()
        deadline = started + args.before + args.outage + args.after
        loops = [
            client_loop(
                client,
                *(("healthz", "/healthz") if n % 2 else ("page", "/aftaler/2019/")),
                started,
                deadline,
                outcomes,
            )
            for n, client in enumerate(clients)
        ]

        async def fault() -> None:
            await asyncio.sleep(args.before)
            events["stop"] = time.monotonic() - started
            await asyncio.to_thread(cluster.stop)
            events["stopped"] = time.monotonic() - started
            await asyncio.sleep(args.outage)
            await asyncio.to_thread(cluster.start)
            events["started"] = time.monotonic() - started

        await asyncio.gather(fault(), *loops)
        events["end"] = time.monotonic() - started
    finally:
        for client in clients:
            await client.aclose()
    return outcomes, events


def report(outcomes: list[Outcome], events: dict, args) -> list[str]:
    print(
        f"\nDatabase stopped at {events['stop']:.1f} s (down at {events['stopped']:.1f} s), "
        f"started again at {events['started']:.1f} s.\n"
    )
    print(f"{'second':>6}  {'page /aftaler/2019/':<28}{'/healthz':<28}")
    by_second: dict[int, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for o in outcomes:
        by_second[int(o.at)][o.endpoint][o.result] += 1
    for second in sorted(by_second):
        cells = [
            ", ".join(f"{r}×{n}" for r, n in sorted(by_second[second][e].items()))
            for e in ("page", "healthz")
        ]
        print(f"{second:>6}  {cells[0]:<28}{cells[1]:<28}")

    problems = []
    slowest = max(outcomes, key=lambda o: o.seconds)
    print(
        f"\nSlowest answer: {slowest.seconds * 1000:.0f} ms ({slowest.endpoint} at "
        f"{slowest.at:.1f} s)."
    )
    if slowest.seconds > args.max_latency:
        problems.append(f"a request hung for {slowest.seconds:.1f} s")
    dropped = [o for o in outcomes if not o.result.isdigit()]
    if dropped:
        problems.append(
            f"{len(dropped)} requests got no answer: "
            f"{Counter(o.result for o in dropped).most_common(3)}"
        )
    # A page whose session cannot be saved because the database just went away gets
    # Django's 400 "session interrupted" answer instead of the 503 page: also a clean answer.
    unexpected = [
        o
        for o in outcomes
        if o.result.isdigit()
        and o.result not in ({"200", "400", "503"} if o.endpoint == "page" else {"200", "503"})
    ]
    if unexpected:
        problems.append(f"unexpected answers: {Counter(o.result for o in unexpected)}")
    failed = [o for o in outcomes if o.result != "200"]
    if not failed:
        problems.append("no request failed: the outage did not take effect")
    else:
        last_failure = max(o.at + o.seconds for o in failed)
        print(
            f"Failed requests: {len(failed)}, the last ended at {last_failure:.1f} s, "
            f"{max(0.0, last_failure - events['started']):.1f} s after the database was back."
        )
    settled = [o for o in outcomes if o.at >= events["end"] - args.settle]
    if not settled or any(o.result != "200" for o in settled):
        problems.append(f"not recovered: failures in the last {args.settle:g} s")
    return problems


def main() -> int:
    args = parse_args()
    cluster = Cluster()
    server = None
    work = Path(tempfile.mkdtemp(prefix="bo-drill-"))
    try:
        print(f"Starting a throw-away PostgreSQL on 127.0.0.1:{cluster.port} ...", flush=True)
        cluster.init()
        name = load_bench.create_database(cluster.url)
        env = load_bench.server_env(f"{cluster.url}/{name}", work / "static")
        os.environ.update(
            {
                k: v
                for k, v in env.items()
                if k not in os.environ
                or k
                in (
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
        print("Loading the demo data ...", flush=True)
        info = load_bench.prepare_data(finance_users=1, secretaries=0)
        port = load_bench.free_port()
        log = work / "gunicorn.log"
        server = load_bench.start_server(env, port, None, log)
        base_url = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(150):
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        print(
            f"gunicorn on {base_url}; load: {args.clients} clients, "
            f"{args.before:g} s + {args.outage:g} s outage + {args.after:g} s",
            flush=True,
        )
        outcomes, events = asyncio.run(drill(base_url, info["finance"][0], cluster, args))
        alive = server.poll() is None
        problems = report(outcomes, events, args)
        if not alive:
            problems.append("gunicorn died")
        print(f"gunicorn log: {log}")
        if problems:
            print("DRILL FAILED: " + "; ".join(problems))
            return 1
        print(
            "Drill passed: requests failed cleanly during the outage (503 from the pages and "
            "/healthz), none hung, and the service recovered by itself."
        )
        return 0
    finally:
        if server is not None:
            load_bench.stop_server(server)
        from django.db import connections

        connections.close_all()
        cluster.remove()


if __name__ == "__main__":
    sys.exit(main())
