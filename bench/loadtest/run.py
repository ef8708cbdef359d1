"""`python -m bench.loadtest.run [--duration 300]`: the deadline-day load test.

1. the bench PostgreSQL database (made and filled like `bench.run`);
2. 300 district recorders (one per district, with an API token and the producers of
   their district that have no record in the open OTOP period) and 30 province
   admins (with a confirmed TOTP device), written to a JSON file for locust;
3. gunicorn with 2 workers on 127.0.0.1 on a free port, set up as in production
   (gunicorn.conf.py: gthread workers of one thread, keep-alive), DEBUG off, with
   Redis (`REDIS_URL`, else database 14 of the Redis on 127.0.0.1:6379);
4. locust headless, 330 users started at 30 a second, then all of them for --duration
   seconds (the figures count from the last user's start), loopback only;
5. throughput, p50/p95/p99, errors, and the number of records added against the
   number of successful creating saves. The records and history the test made are
   deleted afterwards (the bench data stays as generated).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import common

RECORDERS, ADMINS = 300, 30
SPAWN_RATE = 30  # users started a second: 11 s for 330, not counted in the figures


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_accounts(path: Path, recorders_wanted: int, admins_wanted: int) -> dict[str, Any]:
    from django.db.models import Count

    from bench.api import _open_period
    from khomun.orgunits.models import OrgUnit
    from khomun.records.models import Record, Subject

    period = _open_period("otop_sales")
    assert period is not None, "no open OTOP period in the bench data"
    done = Record.objects.filter(period=period).values("subject_id")
    districts = list(
        OrgUnit.objects.filter(level="district", has_cdd_office=True)
        .order_by("code")
        .values_list("code", flat=True)[:recorders_wanted]
    )
    free: dict[str, list[list[Any]]] = {d: [] for d in districts}
    rows = (
        Subject.objects.filter(kind="otop_producer", merged_into__isnull=True)
        .filter(dissolved_on__isnull=True)
        .exclude(pk__in=done)
        .values_list("pk", "orgunit__code")
    )
    for pk, village in rows.iterator():
        if village[:4] in free:
            free[village[:4]].append([pk, village])
    recorders = []
    for code in districts:
        user = common.bench_user(f"load_recorder_{code}", "district_recorder", code)
        recorders.append(
            {
                "username": user.username,
                "token": common.bench_token(user),
                "session": _session(user),
                "subjects": free[code],
            }
        )
    provinces = list(
        OrgUnit.objects.filter(level="province", has_cdd_office=True)
        .annotate(n=Count("children"))
        .order_by("-n", "code")
        .values_list("code", flat=True)[:admins_wanted]
    )
    admins = []
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for code in provinces:
        user = common.bench_user(f"load_province_admin_{code}", "province_admin", code)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        device.last_t = -1  # a new run may log in within the last run's 30 s step
        device.save(update_fields=["last_t"])
        admins.append(
            {
                "username": user.username,
                "province": code,
                "totp_key": device.key,
                "session": _session(user, device),
            }
        )
    accounts = {
        "password": common.BENCH_PASSWORD,
        "fiscal_year": period.dataset.fiscal_year,
        "period": period.number,
        "recorders": recorders,
        "admins": admins,
    }
    path.write_text(json.dumps(accounts))
    return accounts


def _session(user: Any, device: Any = None) -> str:
    """A signed-in session, as the log-in page (and the two-factor page, for a device)
    would leave it: the officials logged in when their day began, not all at once in
    the measured minutes (a log-in costs an Argon2 hash, deliberately slow)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the password one
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return str(session.session_key)


def _load_users() -> Any:
    from khomun.accounts.models import User

    return User.objects.filter(username__startswith="load_")


def _clean_up() -> int:
    """Delete the records (and their history) the load test's users made."""
    from khomun.records.models import Change, Record

    users = _load_users()
    made = Record.objects.filter(created_by__in=users)
    ids = list(made.values_list("pk", flat=True))
    Change.objects.filter(entity="record", entity_id__in=ids).delete()
    made.delete()
    return len(ids)


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"loadtest: the app did not answer at {url}")


def _stats(prefix: str) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="deadline-day load test")
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("LOADTEST_DURATION", "300"))
    )
    parser.add_argument(
        "--recorders", type=int, default=RECORDERS, help="district recorders (300 in the issue)"
    )
    parser.add_argument("--admins", type=int, default=ADMINS, help="province admins (30)")
    # Workers, threads and keep-alive as in production (gunicorn.conf.py), unless asked.
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], help="gunicorn's workers")
    args = parser.parse_args(argv)
    if not (1 <= args.recorders <= 800 and 1 <= args.admins <= 76):
        parser.error("--recorders must be 1-800 and --admins 1-76")
    common.ensure_data(sqlite=False)
    from khomun.records.models import Record

    removed = _clean_up()  # a crashed earlier run
    if removed:
        print(f"loadtest: removed {removed:,} records of an earlier run")
    folder = Path(tempfile.mkdtemp(prefix="khomun-loadtest-"))
    accounts = make_accounts(folder / "accounts.json", args.recorders, args.admins)
    free = sum(len(r["subjects"]) for r in accounts["recorders"])
    print(
        f"loadtest: {len(accounts['recorders'])} recorders ({free:,} producers to record in "
        f"otop_sales {accounts['fiscal_year']} period {accounts['period']}), "
        f"{len(accounts['admins'])} province admins",
        flush=True,
    )
    from django.db import connection

    connection.close()  # the app's workers get the connections
    before = Record.objects.count()
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        ALLOWED_HOSTS="127.0.0.1",
        LOADTEST_ACCOUNTS=str(folder / "accounts.json"),
        LOADTEST_CREATED=str(folder / "created.json"),
    )
    bin_dir = Path(sys.executable).parent
    command = [
        str(bin_dir / "gunicorn"),
        "-c",
        str(common.ROOT / "gunicorn.conf.py"),
        "khomun.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    if args.threads:
        command += ["--threads", str(args.threads)]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    server = subprocess.Popen(command, cwd=common.ROOT, env=env)
    users = args.recorders + args.admins
    ramp = math.ceil(users / SPAWN_RATE)
    try:
        _wait_for(f"{host}/healthz")
        prefix = str(folder / "locust")
        subprocess.run(
            [
                str(bin_dir / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--only-summary",
                "-u",
                str(users),
                "-r",
                str(SPAWN_RATE),
                # Every user for the whole --duration: the figures count from the moment
                # the last user started (--reset-stats), the run lasts that much longer.
                "-t",
                f"{args.duration + ramp}s",
                "--reset-stats",
                "--host",
                host,
                "--csv",
                prefix,
                "--stop-timeout",
                "60",  # requests in flight finish: the record count must match
                "--exit-code-on-error",
                "0",
            ],
            cwd=common.ROOT,
            env=env,
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = Record.objects.count()
    rows = {row["Name"]: row for row in _stats(prefix)}
    total = rows["Aggregated"]
    creates = rows.get("save (create)", {})
    updates = rows.get("save (update)", {})

    def ok(row: dict[str, str]) -> int:
        return int(row.get("Request Count", 0) or 0) - int(row.get("Failure Count", 0) or 0)

    saves = ok(creates) + ok(updates)
    errors = int(total["Failure Count"])
    rps = float(total["Requests/s"])
    p50, p95, p99 = (float(total[k]) for k in ("50%", "95%", "99%"))
    save_rate = saves / args.duration
    print(
        f"\nloadtest: {args.duration} s, {args.recorders} recorders + {args.admins} province admins"
    )
    for name, row in rows.items():
        print(
            f"  {name:20} {row['Request Count']:>7} requests, {row['Failure Count']:>5} failed, "
            f"p50 {row['50%']} ms, p95 {row['95%']} ms, p99 {row['99%']} ms, "
            f"{float(row['Requests/s']):.1f}/s"
        )
    added = after - before
    created = len(json.loads((folder / "created.json").read_text()))
    checks = [
        ("zero errors", errors == 0, f"{errors} errors"),
        ("p95 < 500 ms", p95 < 500, f"p95 {p95:.0f} ms (p50 {p50:.0f}, p99 {p99:.0f})"),
        ("saves >= 150/s", save_rate >= 150, f"{save_rate:.1f} saves/s, {rps:.1f} requests/s"),
        (
            "records added == successful creates",
            added == created,
            f"{added:,} records added, {created:,} creates answered 201",
        ),
    ]
    for label, passed, figure in checks:
        print(f"[{'PASS' if passed else 'FAIL'}] {label}: {figure}")
    print(f"loadtest: removed the {_clean_up():,} records it made; stats in {folder}")
    return 0


if __name__ == "__main__":
    common.configure(sqlite=False)
    # As in production: Redis keeps the cache and the sessions (a database of its own).
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    sys.exit(main())
