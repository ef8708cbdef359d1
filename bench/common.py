"""What every benchmark shares: the database it runs on, timing, and the printed result.

The benchmarks run on a database of their own, filled once by `khomun generate` and
reused (a `GeneratedRun` row with the expected scale says it is there):

- PostgreSQL (default): `BENCH_DATABASE_URL`, else
  postgres://postgres@127.0.0.1:5432/khomun_bench, national scale, the current and
  the previous fiscal year (about 2.6 million records, 0.95 million OTOP sales rows
  in the previous year);
- SQLite (`--sqlite`): var/bench.sqlite3, one province (Lampang) only: generating the
  whole country without COPY takes too long to be worth it.

Every figure is printed next to a floor measured in the same run on the same data
(the raw SQL, a bare INSERT, COPY), so the ratio means something on a busy machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/khomun_bench"
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"
SEED = 1
YEARS = 2
BENCH_PASSWORD = "bench-Password-2569!"  # the bench accounts' password (loopback only)


def configure(sqlite: bool) -> str:
    """Environment for Django before it is imported; returns the database URL."""
    url = f"sqlite:///{SQLITE_PATH}" if sqlite else os.environ.get("BENCH_DATABASE_URL", PG_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SECURE_COOKIES"] = "false"
    os.environ["SECURE_HSTS_SECONDS"] = "0"
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks run inline, in the timed process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khomun.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return url


def is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def _create_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            print(f"bench: creating database {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_data(sqlite: bool) -> None:
    """Create, migrate and fill the bench database unless an earlier run did."""
    url = configure(sqlite)
    if sqlite:
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    else:
        _create_pg_database(url)
    khomun = [sys.executable, "-m", "django"]
    env = dict(os.environ)
    subprocess.run([*khomun, "migrate", "--noinput", "-v", "0"], check=True, env=env, cwd=ROOT)
    import django

    django.setup()
    from khomun.orgunits.models import OrgUnit
    from khomun.synthetic.models import GeneratedRun

    if not OrgUnit.objects.filter(level="province").exists():
        print("bench: loading the org tree", flush=True)
        subprocess.run([*khomun, "load_orgunits"], check=True, env=env, cwd=ROOT)
    scale = "province" if sqlite else "national"
    run = GeneratedRun.objects.filter(seed=SEED, scale=scale).order_by("-id").first()
    if run is not None and run.last_year - run.first_year + 1 >= YEARS:
        if not sqlite:
            vacuum_if_needed()
        return
    command = [*khomun, "generate", "--scale", scale, "--years", str(YEARS), "--seed", str(SEED)]
    command += ["--reset"] if GeneratedRun.objects.exists() else []
    print(f"bench: generating the data set ({' '.join(command[3:])}), once", flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    print(f"bench: generated in {time.perf_counter() - started:,.0f} s", flush=True)


def vacuum_if_needed() -> None:
    """VACUUM ANALYZE the tables that earlier runs left full of dead rows (rolled-back
    imports, the load test's deleted records): measured otherwise, every index scan
    wades through them. Autovacuum does this on a normal server; it may be off (it was
    off on the machines these figures came from)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN "
            "('records_subject', 'records_record', 'records_change') "
            "AND n_dead_tup > 10000 + n_live_tup / 10"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            print(f"bench: VACUUM ANALYZE {table} (dead rows of earlier runs)", flush=True)
            cursor.execute(f"VACUUM ANALYZE {table}")
        # Data generated before `generate` analysed every table has none for periods
        # and villages (about a second).
        cursor.execute(
            "SELECT 1 FROM pg_stat_user_tables WHERE relname = 'schedule_period' "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL"
        )
        if cursor.fetchone():
            print("bench: ANALYZE (tables without statistics)", flush=True)
            cursor.execute("ANALYZE")


def data_years() -> tuple[int, int]:
    """(the last full fiscal year, the current one) of the generated data."""
    from khomun.synthetic.models import GeneratedRun

    run = GeneratedRun.objects.order_by("-id").first()
    assert run is not None
    return run.last_year - 1, run.last_year


# ---------------------------------------------------------------- timing


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def timed(
    fn: Callable[[], Any], reps: int, warmup: int = 3, before: Callable[[], Any] | None = None
) -> list[float]:
    """Milliseconds of each of `reps` calls after `warmup` calls; `before` runs ahead
    of each timed call, outside the timing."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(reps):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run writes in a transaction that is rolled back: the bench data stays as generated."""
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Result:
    name: str
    figure: str  # "p50 12.3 ms, p95 15.0 ms"
    floor: str  # "raw SQL p95 8.1 ms"
    ratio: float | None  # figure / floor (bigger is slower)
    target: str
    passed: bool
    note: str = ""

    def line(self) -> str:
        ratio = f"{self.ratio:.2f}x" if self.ratio is not None else "-"
        verdict = "PASS" if self.passed else "FAIL"
        text = f"[{verdict}] {self.name}: {self.figure} | floor {self.floor} | ratio {ratio}"
        text += f" | target {self.target}"
        return text + (f" | {self.note}" if self.note else "")


def ms(samples: list[float]) -> str:
    return (
        f"p50 {percentile(samples, 50):.1f} ms, p95 {percentile(samples, 95):.1f} ms "
        f"(n={len(samples)}, mean {statistics.fmean(samples):.1f})"
    )


# ---------------------------------------------------------------- accounts


def bench_user(username: str, role: str, orgunit: str) -> Any:
    """A bench account (made once, no forced password change), with its TOTP device
    confirmed when the role needs two-factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from khomun.accounts.models import User
    from khomun.accounts.services import create_account

    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_account(
            None,
            username=username,
            role=role,
            orgunit_code=orgunit,
            password=BENCH_PASSWORD,
            must_change=False,
        ).user
    two_factor = role in ("department_admin", "province_admin", "bureau_owner")
    if two_factor and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def bench_token(user: Any) -> str:
    from khomun.accounts.services import issue_token

    return issue_token(user)


def logged_in_client(user: Any) -> Any:
    """A test client with the user's session, two-factor verified the way the
    log-in page leaves it (django-otp's session key of the user's device)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
