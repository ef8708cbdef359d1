"""Letter fixtures: Lampang's office set up as in seed 001, districts late in the
savings groups' first period (due 20 December 2561), and fast renderers."""

from __future__ import annotations

import sys
import types

import pytest

from khomun.letters.models import LetterSettings
from khomun.monitoring.tests.conftest import make_groups, record_group
from khomun.orgunits.models import Office, OrgUnit

DECEMBER = 12  # savings groups period 1 of FY2562 is due 20 December 2561


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Letter files go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lampang(orgtree):
    return OrgUnit.objects.get(code="52")


@pytest.fixture
def lampang_settings(lampang):
    office = Office.objects.get(orgunit=lampang)
    office.phone = "0 5426 5055"
    office.save()
    return LetterSettings.objects.create(
        office=office,
        code="ลป 0019.4",
        office_name="ศาลากลางจังหวัดลำปาง",
        address="ถนนวชิราวุธดำเนิน ลป 52000",
        signer_name="นางสาวศศิธร อินทกุล",
        signer_position="พัฒนาการจังหวัด ปฏิบัติราชการแทน\nผู้ว่าราชการจังหวัดลำปาง",
    )


@pytest.fixture
def late_districts(catalog_2562, lampang_recorder, make_user):
    """5201 has one of two groups recorded, 5202 none of one; 5203 recorded its group."""
    from khomun.accounts.choices import Role

    koh_kha = make_user("rec.5202", Role.DISTRICT_RECORDER, "5202")
    third = make_user("rec.5203", Role.DISTRICT_RECORDER, "5203")
    muang = make_groups(lampang_recorder, "5201", 2)
    record_group(lampang_recorder, muang[0])
    make_groups(koh_kha, "5202", 1)
    done = make_groups(third, "5203", 1)
    record_group(third, done[0])
    return ["5201", "5202"]


@pytest.fixture
def fast_renderers(monkeypatch):
    """Stand-ins for the PDF and DOCX renderers where a test is about the register,
    not the files (the real renderers are tested in test_render_*.py)."""
    calls = []

    def fake(extension):
        def render(content):
            calls.append(content)
            return f"{extension}:{content.number}".encode()

        return render

    pdf = types.ModuleType("khomun.letters.render_pdf")
    pdf.render_pdf = fake("pdf")
    docx = types.ModuleType("khomun.letters.render_docx")
    docx.render_docx = fake("docx")
    monkeypatch.setitem(sys.modules, "khomun.letters.render_pdf", pdf)
    monkeypatch.setitem(sys.modules, "khomun.letters.render_docx", docx)
    return calls


@pytest.fixture
def threads_database(transactional_db, tmp_path, monkeypatch):
    """Connections that several threads can share as production does.

    PostgreSQL needs nothing. The SQLite test database lives in memory with a shared
    cache, where a second writer fails at once ("table is locked") instead of waiting;
    production SQLite is a file whose IMMEDIATE transactions queue. So the data is
    copied to a file and the threads' new connections open that file."""
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    import sqlite3

    path = str(tmp_path / "threads.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    # Only threads started from now on connect with this name; this thread keeps its
    # open in-memory connection (Django never closes an in-memory database).
    monkeypatch.setitem(connection.settings_dict, "NAME", path)
    yield
