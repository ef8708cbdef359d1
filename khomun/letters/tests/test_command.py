"""`khomun letter schedule|reminder ...`: the files, the register, and bad arguments."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from khomun.letters.choices import Source
from khomun.letters.models import Letter


def run(*args):
    out = io.StringIO()
    call_command("letter", *args, stdout=out)
    return out.getvalue()


def test_it_writes_a_schedule_letter_as_pdf(tmp_path, lampang_settings, catalog_2562):
    target = tmp_path / "schedule.pdf"
    output = run(
        "schedule",
        "--province",
        "52",
        "--fiscal-year",
        "2562",
        "--format",
        "pdf",
        "--out",
        str(target),
    )
    assert target.read_bytes().startswith(b"%PDF")
    letter = Letter.objects.get()
    assert letter.number_text in output
    assert letter.source == Source.CLI and letter.created_by is None
    assert letter.pdf.read() == target.read_bytes()


def test_it_writes_a_reminder_as_docx(tmp_path, lampang_settings, late_districts):
    target = tmp_path / "reminder.docx"
    run(
        "reminder",
        "--province",
        "52",
        "--fiscal-year",
        "2562",
        "--month",
        "12",
        "--format",
        "docx",
        "--out",
        str(target),
    )
    with zipfile.ZipFile(target) as docx:
        document = docx.read("word/document.xml").decode()
    assert "อำเภอเมืองลำปาง" in document and "อำเภอแม่เมาะ" in document
    letter = Letter.objects.get()
    assert [r["code"] for r in letter.recipients] == ["5201", "5202"]


def test_it_writes_nothing_when_no_district_is_missing(tmp_path, lampang_settings, catalog_2562):
    target = tmp_path / "none.pdf"
    output = run(
        "reminder",
        "--province",
        "52",
        "--fiscal-year",
        "2562",
        "--month",
        "12",
        "--format",
        "pdf",
        "--out",
        str(target),
    )
    assert "ไม่มีอำเภอที่ยังบันทึกข้อมูลไม่ครบ" in output
    assert not target.exists() and not Letter.objects.exists()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["memo"], "ประเภทหนังสือ"),
        (["schedule", "--province", "99"], "--province"),
        (["schedule", "--province", "5201"], "--province"),
        (["schedule", "--province", "52", "--fiscal-year", "2599"], "--fiscal-year"),
        (["schedule", "--province", "52", "--fiscal-year", "62"], "--fiscal-year"),
        (["reminder", "--province", "52", "--fiscal-year", "2562", "--month", "13"], "--month"),
        (["schedule", "--province", "52", "--fiscal-year", "2562", "--format", "odt"], "--format"),
        (
            [
                "schedule",
                "--province",
                "52",
                "--fiscal-year",
                "2562",
                "--format",
                "pdf",
                "--out",
                "/nonexistent/x.pdf",
            ],
            "--out",
        ),
        (["schedule", "--province", "52", "--fiscal-year", "2562", "--out", "{folder}"], "--out"),
    ],
)
def test_it_refuses_bad_arguments_naming_them(args, named, catalog_2562, tmp_path):
    args = [arg.replace("{folder}", str(tmp_path)) for arg in args]
    if "--format" not in args:
        args = [*args, "--format", "pdf"]
    if "--out" not in args:
        args = [*args, "--out", str(tmp_path / "x")]
    with pytest.raises(CommandError, match=named.replace("-", r"\-")):
        run(*args)
    assert not Letter.objects.exists()
