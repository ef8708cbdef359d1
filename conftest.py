"""Shared test fixtures: the real org tree, loaded once, and the named actors.

The actors are the same everywhere (STYLE.md): `dept_admin` (department admin),
`lampang_admin` (province admin of 52), `lampang_recorder` (district recorder of
5201), `chaiyaphum_recorder` (district recorder of 3601, the outsider) and
`executive` (read-only over the country).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from khomun.accounts.choices import Role
from khomun.accounts.models import User
from khomun.accounts.services import create_account, issue_token
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import load_orgunits

PASSWORD = "correct horse battery staple 52"


def pytest_sessionstart(session: pytest.Session) -> None:
    """With KHOMUN_REQUIRE_SERVICES (set by `make test` under CI) the real servers are
    required: the run stops here instead of skipping anything."""
    if not os.environ.get("KHOMUN_REQUIRE_SERVICES"):
        return
    missing = []
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), 2).close()
        except OSError:
            missing.append(f"{name} on 127.0.0.1:{port}")
    if missing:
        pytest.exit(f"Required services are not reachable: {', '.join(missing)}", returncode=3)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: their live server needs a flushed (transactional)
    database, and the tree loaded once for the fast tests must outlive them."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the real tree once into the test database; each test rolls back on top."""
    from khomun.catalog.services import load_catalog

    with django_db_blocker.unblock():
        load_orgunits()
        load_catalog(2562)


@pytest.fixture(autouse=True)
def _fast_tests(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_reference_cache() -> None:
    """Each test starts from a database rolled back (or flushed) under the process's
    kept reference data: forget it, as a new worker would."""
    from khomun.lib import refcache

    refcache.clear()


@pytest.fixture
def orgtree(db: None) -> None:
    """The tree, reloaded if a transactional test flushed it."""
    if not OrgUnit.objects.filter(code="5201").exists():
        load_orgunits()


@pytest.fixture
def make_user(orgtree: None) -> Callable[..., User]:
    def make(username: str, role: str, orgunit: str, **extra: Any) -> User:
        extra.setdefault("must_change", False)
        return create_account(
            None, username=username, role=role, orgunit_code=orgunit, password=PASSWORD, **extra
        ).user

    return make


@pytest.fixture
def catalog_2562(orgtree: None) -> None:
    """The FY2562 catalog of the seed letters, with its periods (loaded once per
    session; again only after a transactional test flushed it)."""
    from khomun.catalog.models import Dataset
    from khomun.catalog.services import load_catalog

    if not Dataset.objects.filter(fiscal_year=2562).exists():
        load_catalog(2562)


@pytest.fixture
def no_catalog(orgtree: None) -> None:
    """An empty catalog, for tests of loading it (the session loads FY2562 up front)."""
    from khomun.catalog.models import Dataset

    Dataset.objects.update(current=None)
    Dataset.objects.all().delete()


@pytest.fixture
def lampang_data(catalog_2562: None, lampang_recorder: User) -> dict[str, int | str]:
    """One savings group of Mueang Lampang with a draft record in FY2562 period 1."""
    import datetime as dt

    from khomun.catalog.models import Dataset
    from khomun.orgunits.services import get_or_create_village
    from khomun.records.services import save_record

    dataset = Dataset.objects.get(fiscal_year=2562, key="savings_groups")
    period = dataset.periods.get(number=1)
    village = get_or_create_village("520101", 1, "เวียงเหนือ")
    record = save_record(
        lampang_recorder,
        period,
        {
            "group_name": "กลุ่มออมทรัพย์บ้านเวียงเหนือ",
            "village": village.code,
            "members_male": 40,
            "members_female": 60,
            "members": 100,
        },
        orgunit=OrgUnit.objects.get(code="5201"),
        today=dt.date(2018, 12, 1),
    )
    assert record.subject is not None
    from khomun.excel.models import ExportLog, ImportJob

    district = OrgUnit.objects.get(code="5201")
    upload = ImportJob.objects.create(
        user=lampang_recorder,
        dataset=dataset,
        period=period,
        orgunit=district,
        orgunit_path=district.path,
        file_name="savings.xlsx",
        file_kind="xlsx",
    )
    export = ExportLog.objects.create(
        user=lampang_recorder,
        dataset_key=dataset.key,
        fiscal_year=2562,
        period_number=1,
        orgunit_code="5201",
        orgunit_path=district.path,
        file_format="xlsx",
    )
    return {
        "lampang_import": upload.pk,
        "lampang_export": export.pk,
        "lampang_subject": record.subject.pk,
        "lampang_record": record.pk,
        "lampang_period": period.pk,
        "lampang_dataset": dataset.key,
    }


@pytest.fixture
def dept_admin(make_user: Callable[..., User]) -> User:
    return make_user("dept.admin", Role.DEPARTMENT_ADMIN, "TH")


@pytest.fixture
def lampang_admin(make_user: Callable[..., User]) -> User:
    return make_user("lampang.admin", Role.PROVINCE_ADMIN, "52")


@pytest.fixture
def lampang_recorder(make_user: Callable[..., User]) -> User:
    return make_user("muang.lampang", Role.DISTRICT_RECORDER, "5201")


@pytest.fixture
def chaiyaphum_recorder(make_user: Callable[..., User]) -> User:
    return make_user("muang.chaiyaphum", Role.DISTRICT_RECORDER, "3601")


@pytest.fixture
def executive(make_user: Callable[..., User]) -> User:
    return make_user("executive", Role.EXECUTIVE, "TH")


def logged_in(user: User, *, verified: bool = True) -> Client:
    """A test client logged in as `user`, past two-factor when `verified`."""
    client = Client()
    client.force_login(user)
    if verified:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for() -> Callable[..., Client]:
    return logged_in


@pytest.fixture
def api_client() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})

    return make


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = settings.REDIS_URL
    if not url:
        if os.environ.get("KHOMUN_REQUIRE_SERVICES"):
            pytest.fail("REDIS_URL must be set when the services are required")
        pytest.skip("REDIS_URL is not set for this run")
    yield url


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser_page(live_server: Any, transactional_db: None, orgtree: None) -> Iterator[Any]:
    """A page of Debian's headless chromium (driven by Playwright) on the live server."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
        page = context.new_page()
        # Generous: an inline import or a PDF on two busy cores can take a while.
        page.set_default_timeout(30000)
        page.base_url = live_server.url  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


def screenshot(page: Any, name: str) -> str:
    """Keep a screenshot under test-artifacts/ to look at (Thai must not show as boxes)."""
    folder = os.path.join(os.path.dirname(__file__), "test-artifacts")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path
