"""No lost submissions: many patients at once, then count.

    .venv/bin/python bench/loadtest.py [--clients 32] [--seconds 60]
        [--database sqlite|postgresql] [--kill-worker] [--two-apps]
    .venv/bin/python bench/loadtest.py --url http://127.0.0.1:8000 [--url ...] [--server-log FILE]

Each client walks the whole questionnaire (welcome, six steps, review, submit) over
HTTP as a browser would and keeps the reference of every confirmation it receives.
Afterwards every confirmed reference must be in the database exactly once, submitted
and complete; there must be no 5xx and no "database is locked". --kill-worker sends
SIGKILL to one gunicorn worker midway (requests in flight then may fail, nothing
confirmed may be missing). --two-apps runs two app processes on two ports sharing one
PostgreSQL and one Redis, alternating requests between them, and checks that a rate
limit counts across both.

--url drives servers that are already running (one or more, requests alternating)
instead of starting its own, and counts in their database: run it with the servers'
environment (DATABASE_URL, INTAKE_DATA_KEYS, ... or, for `intake-serve`, the same
instance/ folder), and with their patient rate limit raised, since every client here
comes from one address. Only what was submitted during the run is counted. Before it
starts, each server begins one questionnaire, and the run is refused, with the reason,
unless this process opens its cookie and finds its draft: counting in another database
would report every confirmation as missing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import VENV_BIN, environment, free_port  # noqa: E402
from worker_memory import children  # noqa: E402

from tests.answers import COMPLETE_FORM  # noqa: E402

PORTS = (free_port(), free_port())  # free ones: another run may be going
COOKIE = re.compile(r"(intake_session|__Host-intake)=([^;]*)")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
REFERENCE = re.compile(r'class="reference">([A-Z0-9-]+)<')
STEPS = tuple(COMPLETE_FORM)[1:]  # every step after the welcome page, in order
IN_CHUNK = 1000


class Browser:
    """One patient: a cookie, keep-alive connections to each app, status counts."""

    def __init__(self, targets: list[tuple[str, int]], statuses: Counter):
        self.targets, self.statuses, self.cookie = targets, statuses, None
        self.connections = {}

    def request(self, method: str, path: str, form: list | None = None) -> tuple[int, str, str]:
        target = random.choice(self.targets)
        connection = self.connections.get(target) or http.client.HTTPConnection(*target, timeout=30)
        self.connections[target] = connection
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.cookie:
            headers["Cookie"] = "=".join(self.cookie)
        try:
            connection.request(method, path, body=urlencode(form) if form else None, headers=headers)
            response = connection.getresponse()
            body = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.connections.pop(target).close()
            self.statuses["connection error"] += 1
            raise
        found = COOKIE.search(response.getheader("Set-Cookie") or "")
        if found:
            self.cookie = found.groups()
        self.statuses[response.status] += 1
        return response.status, response.getheader("Location") or "", body

    def post(self, path: str, fields: dict, token_page: str) -> tuple[int, str, str]:
        token = TOKEN.search(token_page).group(1)
        form = [
            (k, v) for k, values in fields.items() for v in (values if isinstance(values, list) else [values])
        ]
        return self.request("POST", path, [*form, ("csrf_token", token), ("action", "next")])


def one_questionnaire(browser: Browser, number: int) -> str | None:
    """Walk the whole form; the confirmed reference, or None if anything went wrong."""
    browser.cookie = None
    status, _, page = browser.request("GET", "/")
    status, _, _ = browser.post("/", COMPLETE_FORM["welcome"], page)
    for step in STEPS:
        _, _, page = browser.request("GET", f"/step/{step}")
        fields = dict(COMPLETE_FORM[step])
        if step == "about":
            fields["about.last_name"] = f"Load-{number}"
        status, _, _ = browser.post(f"/step/{step}", fields, page)
        if status != 302:
            return None
    _, _, page = browser.request("GET", "/review")
    status, location, _ = browser.post("/submit", {"confirm": "y"}, page)
    if status != 302 or not location.endswith("/done"):
        return None
    status, _, page = browser.request("GET", "/done")
    found = REFERENCE.search(page)
    return found.group(1) if status == 200 and found else None


def run_clients(
    targets: list[tuple[str, int]], clients: int, seconds: int, on_half_time=None
) -> tuple[list[str], Counter, int]:
    confirmed: list[str] = []
    statuses: Counter = Counter()
    failures = [0]
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def client(index: int):
        browser = Browser(targets, statuses)
        number = index * 1_000_000
        while time.monotonic() < deadline:
            number += 1
            try:
                reference = one_questionnaire(browser, number)
            except (OSError, http.client.HTTPException, AttributeError):
                reference = None
            with lock:
                if reference:
                    confirmed.append(reference)
                else:
                    failures[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    if on_half_time:
        time.sleep(seconds / 2)
        on_half_time()
    for thread in threads:
        thread.join()
    return confirmed, statuses, failures[0]


def count_in_database(app, references: list[str], since: datetime) -> dict:
    """What the database holds of this run (submitted or started at `since` or later):
    every confirmed reference once, submitted and complete."""
    from sqlalchemy import func, select

    from intake.extensions import db
    from intake.models import Submission
    from intake.questionnaire.twitching import QUESTIONNAIRE

    with app.app_context():
        rows = db.session.execute(
            select(Submission.reference, Submission.status, Submission.answers).where(
                Submission.reference.is_not(None), Submission.submitted_at >= since
            )
        ).all()
        # Found by reference, not by time: a server whose clock runs behind this one's
        # would otherwise make its confirmations look missing.
        wanted = sorted(set(references))
        confirmed_rows = [
            found
            for start in range(0, len(wanted), IN_CHUNK)  # SQLite caps bound values
            for found in db.session.scalars(
                select(Submission.reference).where(Submission.reference.in_(wanted[start : start + IN_CHUNK]))
            )
        ]
        drafts = db.session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.reference.is_(None), Submission.created_at >= since)
        )
    by_reference = Counter(confirmed_rows)
    complete = {
        row.reference
        for row in rows
        if row.status == "new" and QUESTIONNAIRE.first_incomplete_step(row.answers) is None
    }
    return {
        "submitted rows": len(rows),
        "confirmed": len(references),
        "confirmed but missing": sum(1 for r in set(references) if r not in by_reference),
        "confirmed more than once": sum(1 for r in set(references) if by_reference[r] > 1),
        "half-written (submitted but incomplete)": len(rows) - len(complete),
        "unfinished drafts": drafts,
    }


def shared_rate_limit(ports) -> str:
    """Wrong passwords alternate between the two apps; the per-account limit must count both."""
    statuses = []
    for attempt in range(8):
        browser = Browser([("127.0.0.1", ports[attempt % 2])], Counter())
        _, _, page = browser.request("GET", "/clinic/login")
        token = TOKEN.search(page).group(1)
        status, _, _ = browser.request(
            "POST",
            "/clinic/login",
            [("csrf_token", token), ("username", "nobody.here"), ("password", f"wrong guess {attempt}")],
        )
        statuses.append(status)
    return " ".join(map(str, statuses))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--two-apps", action="store_true")
    parser.add_argument(
        "--url",
        action="append",
        type=target,
        metavar="URL",
        help="a running server to drive instead of starting one (repeat for several)",
    )
    parser.add_argument(
        "--server-log", type=Path, help="with --url: the servers' log, searched for 'database is locked'"
    )
    args = parser.parse_args()
    if args.url and (args.kill_worker or args.two_apps):
        parser.error("--kill-worker and --two-apps start their own servers; they do not combine with --url")
    if args.two_apps:
        args.database = "postgresql"
    run = against_running_servers(args) if args.url else against_own_servers(args)
    print(report(args, **run))


def target(url: str) -> tuple[str, int]:
    """("host", port) of an http:// URL."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise argparse.ArgumentTypeError(f"expected http://host:port, got {url!r}")
    return parts.hostname, parts.port or 80


def where_the_servers_write(app, targets: list[tuple[str, int]]) -> str | None:
    """Why this process would count somewhere other than where the servers write; None
    if it counts in their database. Counting in another one would report every
    confirmation as missing, so each server first starts one questionnaire: the draft its
    cookie names must open with this process's SECRET_KEY, be in this database, and open
    with this process's data keys. It is started before the run, so the count of
    unfinished drafts leaves it out."""
    from itsdangerous import BadSignature
    from sqlalchemy.exc import SQLAlchemyError

    from intake.models import utcnow
    from intake.patient.submissions import find_draft
    from intake.security.crypto import DecryptionError

    database = db_shown(app)
    for host, port in targets:
        browser = Browser([(host, port)], Counter())
        try:
            _, _, page = browser.request("GET", "/")
            if not TOKEN.search(page):
                return f"{host}:{port} shows no questionnaire at /: is it this app?"
            status, _, _ = browser.post("/", COMPLETE_FORM["welcome"], page)
        except (OSError, http.client.HTTPException) as error:
            return f"{host}:{port} did not answer ({type(error).__name__})"
        if status == 429:
            return f"{host}:{port} refused the first post (429): start it with PATIENT_POST_RATE_LIMIT raised"
        if status != 302 or browser.cookie is None:
            return f"{host}:{port} did not start a questionnaire (HTTP {status})"
        try:
            public_id = (
                app.session_interface.get_signing_serializer(app).loads(browser.cookie[1]).get("draft")
            )
        except BadSignature:
            return (
                f"{host}:{port} signs its cookies with another SECRET_KEY than this process: "
                "run this with the servers' environment (for intake-serve, the same instance/ folder)"
            )
        with app.app_context():
            try:
                found = find_draft(public_id, utcnow())
            except SQLAlchemyError:
                return (
                    f"{database} has no questionnaire tables: it is not the servers' database (DATABASE_URL)"
                )
            except DecryptionError:  # the count reads the answers too
                return f"{host}:{port} seals answers with other INTAKE_DATA_KEYS than this process"
        if found is None:
            return f"the questionnaire {host}:{port} just started is not in {database}: set DATABASE_URL to the servers'"
    return None


def db_shown(app) -> str:
    """The database this process counts in, its password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


def against_running_servers(args) -> dict:
    from intake import create_app

    app = create_app()  # configured as the servers are, from this environment
    problem = where_the_servers_write(app, args.url)
    if problem:
        raise SystemExit(f"Not started: {problem}.")
    since = datetime.now(timezone.utc)
    started = time.monotonic()
    confirmed, statuses, failures = run_clients(args.url, args.clients, args.seconds)
    elapsed = time.monotonic() - started
    log = args.server_log.read_text(errors="replace") if args.server_log else None
    where = (
        f"{len(args.url)} running server(s): "
        + ", ".join(f"{host}:{port}" for host, port in args.url)
        + f" · counted in {db_shown(app)}"
    )
    return dict(
        where=where,
        elapsed=elapsed,
        confirmed=confirmed,
        statuses=statuses,
        failures=failures,
        server_log=log,
        counts=count_in_database(app, confirmed, since),
    )


def against_own_servers(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="intake-load-"))
    env = environment(args.database, workdir)
    env["RATELIMIT_ENABLED"] = "true" if args.two_apps else "false"
    env["PATIENT_POST_RATE_LIMIT"] = "100000/minute"  # many patients share 127.0.0.1 here
    if args.two_apps:
        subprocess.run(["redis-cli", "-n", "7", "FLUSHDB"], check=True, capture_output=True)
        env["REDIS_URL"] = "redis://127.0.0.1:6379/7"
    subprocess.run(
        [VENV_BIN / "flask", "--app", "intake", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    ports = PORTS if args.two_apps else PORTS[:1]
    logs = [open(workdir / f"server-{port}.log", "w+") for port in ports]
    servers = []
    for port, log in zip(ports, logs, strict=True):
        command = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-w", "2", "-b", f"127.0.0.1:{port}"]
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
        servers.append(server)
    for port in ports:
        _wait(port)

    def kill_one_worker():
        victim = children(servers[0].pid)[0]
        os.kill(victim, signal.SIGKILL)
        print(f"SIGKILL sent to worker {victim}", flush=True)

    since = datetime.now(timezone.utc)
    started = time.monotonic()
    confirmed, statuses, failures = run_clients(
        [("127.0.0.1", port) for port in ports],
        args.clients,
        args.seconds,
        kill_one_worker if args.kill_worker else None,
    )
    elapsed = time.monotonic() - started
    limit = shared_rate_limit(ports) if args.two_apps else None
    for server in servers:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    os.environ.update(env)
    from intake import create_app

    where = (
        f"{args.database} · {len(ports)} app process(es) × 2 gunicorn workers"
        f"{' · one worker SIGKILLed midway' if args.kill_worker else ''}"
    )
    return dict(
        where=where,
        elapsed=elapsed,
        confirmed=confirmed,
        statuses=statuses,
        failures=failures,
        server_log="".join(Path(log.name).read_text() for log in logs),
        counts=count_in_database(create_app("production"), confirmed, since),
        shared_limit=limit,
    )


def report(
    args,
    *,
    where: str,
    elapsed: float,
    confirmed: list[str],
    statuses: Counter,
    failures: int,
    server_log: str | None,
    counts: dict,
    shared_limit: str | None = None,
) -> str:
    lines = [
        f"\n{os.cpu_count()} cores · {where} · {args.clients} clients · {elapsed:.0f} s",
        f"questionnaires confirmed: {len(confirmed)} ({len(confirmed) / elapsed:.1f}/s); attempts that failed: {failures}",
        f"HTTP statuses: {dict(sorted(statuses.items(), key=str))}",
        f"5xx responses: {sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500)}",
        '"database is locked" in server logs: '
        + (
            str(server_log.count("database is locked"))
            if server_log is not None
            else "not searched (no --server-log)"
        ),
        *(f"{name}: {value}" for name, value in counts.items()),
    ]
    if statuses.get(429):
        lines.append(
            "429 answers: the servers' patient rate limit refused posts (raise PATIENT_POST_RATE_LIMIT)"
        )
    if shared_limit:
        lines.append(f"wrong passwords alternating between the two apps, statuses: {shared_limit}")
    return "\n".join(lines)


def _wait(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"app on port {port} did not start")


if __name__ == "__main__":
    main()
