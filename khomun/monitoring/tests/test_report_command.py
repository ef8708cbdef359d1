"""`khomun report recording ...`: both formats from the command line, Thai refusals."""

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from khomun.monitoring.tests.test_report import SEED_NAMES, lampang_2561  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
ARGS = ["--province", "52", "--fiscal-year", "2561", "--month", "9"]
TITLE = ["รายงานผลการบันทึกข้อมูล", "ฐานข้อมูลของกรมการพัฒนาชุมชน", "ประจำปี พ.ศ. ๒๕๖๑", "จังหวัดลำปาง"]


def squeeze(text):
    return re.sub(r"\s+", "", text)


def make(tmp_path, kind, *extra):
    out = tmp_path / f"report.{kind}"
    call_command("report", "recording", *ARGS, "--format", kind, "--out", str(out), *extra)
    return out


@pytest.mark.django_db
def test_it_writes_the_xlsx_with_the_forms_title_and_headers(lampang_2561, tmp_path):  # noqa: F811
    sheet = load_workbook(make(tmp_path, "xlsx")).active
    values = [[c for c in row if c not in (None, "")] for row in sheet.iter_rows(values_only=True)]
    assert [row[0] for row in values[:4]] == TITLE
    top = next(i for i, row in enumerate(values) if row and row[0] == "ที่")
    header = values[top] + values[top + 1]
    for label in ("ที่", "ชื่อฐานข้อมูล", "งวดที่", "จำนวนข้อมูลทั้งหมด", "คน", "เครือข่าย", "กลุ่ม"):
        assert label in header
    assert "แห่ง" in header and "หมายเหตุ" in header
    assert any(str(h).startswith("จำนวนข้อมูลที่บันทึกแล้ว") for h in header)
    body = list(sheet.iter_rows(min_row=top + 3, values_only=True))
    assert [row[1] for row in body] == SEED_NAMES
    assert [row[0] for row in body] == ["๑", "๒", "๓", "๔", "๕", "๖", "๗", "๘"]
    assert body[4][2] == "๔ (ก.ย)"
    assert sheet.cell(top + 3, 4).number_format.startswith("[$-D07")  # counts shown in Thai digits


@pytest.mark.django_db
def test_it_writes_a_pdf_whose_thai_text_extracts(lampang_2561, tmp_path):  # noqa: F811
    out = make(tmp_path, "pdf")
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = squeeze(text)
    for line in TITLE:
        assert squeeze(line) in flat
    for name in SEED_NAMES:
        assert squeeze(name) in flat, name
    assert "๔(ก.ย)" in flat and "หมายเหตุ" in flat


@pytest.mark.django_db
def test_the_pdf_embeds_the_sarabun_font(lampang_2561, tmp_path):  # noqa: F811
    out = make(tmp_path, "pdf")
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        assert rows and all("+Sarabun" in row[0] for row in rows)
        assert all(row[-5] == "yes" for row in rows)  # embedded
    else:  # the font names sit in compressed object streams
        data = out.read_bytes()
        streams = re.findall(rb"stream\r?\n(.*?)endstream", data, re.S)
        assert any(b"Sarabun" in zlib.decompress(s, 15, 1 << 20) for s in streams if s[:1] == b"x")


@pytest.mark.django_db
def test_it_renders_thai_glyphs_on_the_page(lampang_2561, tmp_path):  # noqa: F811
    out = make(tmp_path, "pdf")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 5000
    # Kept for a person to look at: Thai must show as letters, not boxes.
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(page, ARTIFACTS / "recording-report-page1.png")
    shutil.copy(out, ARTIFACTS / "recording-report.pdf")


@pytest.mark.django_db
def test_it_includes_monthly_datasets_when_asked(lampang_2561, tmp_path):  # noqa: F811
    sheet = load_workbook(make(tmp_path, "xlsx", "--include-monthly")).active
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert names[-1] == "ข้อมูลยอดจำหน่าย OTOP ประจำเดือน"


BAD = [
    (["monthly", *ARGS, "--format", "pdf", "--out", "x.pdf"], "ชื่อรายงาน"),
    (["recording", "--province", "99", "--fiscal-year", "2561", "--month", "9",
      "--format", "pdf", "--out", "x.pdf"], "--province"),
    (["recording", "--province", "5201", "--fiscal-year", "2561", "--month", "9",
      "--format", "pdf", "--out", "x.pdf"], "--province"),
    (["recording", "--province", "52", "--fiscal-year", "61", "--month", "9",
      "--format", "pdf", "--out", "x.pdf"], "--fiscal-year"),
    (["recording", "--province", "52", "--fiscal-year", "2555", "--month", "9",
      "--format", "pdf", "--out", "x.pdf"], "--fiscal-year"),
    (["recording", *ARGS[:4], "--month", "13", "--format", "pdf", "--out", "x.pdf"], "--month"),
    (["recording", *ARGS[:4], "--month", "ก.ย", "--format", "pdf", "--out", "x.pdf"], "--month"),
    (["recording", *ARGS, "--format", "docx", "--out", "x.docx"], "--format"),
    (["recording", *ARGS, "--format", "pdf"], "--out"),
    (["recording", *ARGS, "--format", "pdf", "--out", "/no/such/dir/x.pdf"], "--out"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "names"), BAD)
def test_it_refuses_bad_arguments_in_thai_naming_them(lampang_2561, tmp_path, args, names):  # noqa: F811
    with pytest.raises(CommandError) as error:
        call_command("report", *args)
    message = str(error.value)
    assert message.startswith(names)
    assert re.search("[\u0e00-\u0e7f]", message)  # Thai
    assert not list(tmp_path.iterdir())
