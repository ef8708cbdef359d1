"""The letter PDF: A4, Sarabun embedded, the Regulation's parts in order with
Thai that extracts correctly, the 3 cm / 2 cm margins, the crest only when
uploaded, the memo form, and enclosure tables after the letter."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from khomun.letters.content import Enclosure, TableRow
from khomun.letters.render_pdf import column_widths, enclosure_lines, render_pdf
from khomun.letters.tests.seed_content import (
    letter_parts,
    missing_in_order,
    seed_letter,
    seed_memo,
    tiny_png,
)

CM = 72 / 2.54  # points


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("letters")
    out = {}
    for name, content in [
        ("letter", seed_letter()),
        ("with_crest", seed_letter(tiny_png())),
        ("memo", seed_memo()),
    ]:
        out[name] = folder / f"{name}.pdf"
        out[name].write_bytes(render_pdf(content))
    return out


def page_one_words(pdf: Path) -> list[tuple[float, float, str]]:
    xml = poppler("pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-")
    return [
        (float(x0), float(x1), word)
        for x0, x1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml
        )
    ]


def test_it_is_an_a4_pdf_with_sarabun_embedded(pdfs: dict[str, Path]) -> None:
    assert pdfs["letter"].read_bytes().startswith(b"%PDF")
    info = poppler("pdfinfo", str(pdfs["letter"]))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    fonts = poppler("pdffonts", str(pdfs["letter"])).splitlines()[2:]
    assert fonts and all("Sarabun" in line.split()[0] and " yes " in line for line in fonts)


def test_it_shows_every_part_of_the_seed_letter_in_order(pdfs: dict[str, Path]) -> None:
    # -raw keeps the content order: the default mode moves some zero-width tone
    # marks after the next letter ("ส่ง" as "สง่").
    text = poppler("pdftotext", "-raw", "-l", "1", str(pdfs["letter"]), "-")
    assert missing_in_order(text, letter_parts(seed_letter())) == []
    for thai in ["ศูนย์ข้อมูลกลาง", "ประจำปี", "ขอแสดงความนับถือ", "ที่ ลป ๐๐๑๙.๔/ว ๒๒๖๖๗"]:
        assert thai in text
    assert "ประจาปี" not in text


def test_it_keeps_the_margins_of_the_regulation(pdfs: dict[str, Path]) -> None:
    words = page_one_words(pdfs["letter"])
    assert abs(min(x0 for x0, _, _ in words) - 3 * CM) < 3
    assert max(x1 for _, x1, _ in words) <= 595.28 - 2 * CM


def test_it_puts_the_office_right_and_the_date_and_closing_at_the_middle(
    pdfs: dict[str, Path],
) -> None:
    start = {word: x0 for x0, _, word in reversed(page_one_words(pdfs["letter"]))}
    middle = 595.28 / 2
    assert start["ที่"] < 3 * CM + 1
    assert start["ศาลากลางจังหวัดลำปาง"] > middle
    assert abs(start["๓๑"] - middle) < 3
    assert abs(start["ขอแสดงความนับถือ"] - middle) < 3


def test_it_shows_the_crest_only_when_the_office_uploaded_one(pdfs: dict[str, Path]) -> None:
    def images(pdf: Path) -> int:
        return len(poppler("pdfimages", "-list", str(pdf)).splitlines()[2:])

    assert images(pdfs["letter"]) == 0
    assert images(pdfs["with_crest"]) == 1


def test_a_memo_has_the_memo_heading_and_no_closing(pdfs: dict[str, Path]) -> None:
    text = poppler("pdftotext", "-raw", "-l", "1", str(pdfs["memo"]), "-")
    assert "บันทึกข้อความ" in text
    assert "ส่วนราชการ" in text
    assert "ขอแสดงความนับถือ" not in text
    assert missing_in_order(text, letter_parts(seed_memo())) == []


def test_the_enclosure_table_comes_on_a_later_page(pdfs: dict[str, Path]) -> None:
    first = poppler("pdftotext", "-raw", "-l", "1", str(pdfs["letter"]), "-")
    later = poppler("pdftotext", "-raw", "-f", "2", str(pdfs["letter"]), "-")
    assert "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต" not in first
    assert (
        missing_in_order(
            later,
            [
                "กำหนดการจัดเก็บและบันทึกข้อมูลศูนย์ข้อมูลกลางฯ ประจำปี พ.ศ. ๒๕๖๑",
                "ชื่อฐานข้อมูล",
                "ฐานข้อมูลสำนักเสริมสร้างความเข้มแข็งชุมชน",
                "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต",
                "ข้อมูลผลการตรวจสอบสภาพกองทุนแม่ของแผ่นดิน",
            ],
        )
        == []
    )


def test_a_wide_enclosure_table_gets_a_landscape_page(tmp_path: Path) -> None:
    columns = ["ที่", "ชื่อฐานข้อมูล", "งวดที่", "ทั้งหมด", "คน", "เครือข่าย", "กลุ่ม", "แห่ง"]
    wide = Enclosure(
        title="แบบรายงานผลการบันทึกฐานข้อมูลฯ",
        heading=["รายงานผลการบันทึกข้อมูล"],
        columns=columns,
        rows=[TableRow(["๑", "ข้อมูลผู้นำ", "๑ (ก.ย)", "๑๒", "๓", "", "", ""])],
    )
    content = seed_letter()
    pdf = tmp_path / "wide.pdf"
    pdf.write_bytes(render_pdf(type(content)(**{**content.__dict__, "enclosures": [wide]})))
    info = poppler("pdfinfo", "-f", "1", "-l", "2", str(pdf))
    assert re.search(r"Page\s+1 size:\s+595\.\d+ x 841\.\d+", info)
    assert re.search(r"Page\s+2 size:\s+841\.\d+ x 595\.\d+", info)


def test_enclosures_are_numbered_only_when_there_are_several() -> None:
    one = [Enclosure(title="กำหนดการ", amount="จำนวน ๑ ฉบับ")]
    assert enclosure_lines(one) == [("", "กำหนดการ จำนวน ๑ ฉบับ")]
    two = [*one, Enclosure(title="แบบรายงาน")]
    assert [number for number, _ in enclosure_lines(two)] == ["๑.", "๒."]


def test_a_long_column_gets_more_room_than_a_mark_column() -> None:
    widths = column_widths(seed_letter().enclosures[0])
    assert sum(widths) == pytest.approx(100, abs=0.5)
    assert widths[1] > 3 * widths[3]  # ชื่อฐานข้อมูล vs อำเภอ


def test_with_no_signer_set_it_leaves_room_to_write_the_name(tmp_path: Path) -> None:
    import dataclasses

    pdf = tmp_path / "unsigned.pdf"
    pdf.write_bytes(render_pdf(dataclasses.replace(seed_letter(), signer_name="")))
    words = page_one_words(pdf)
    opening = next(x1 for x0, x1, word in words if word == "(")
    closing = next(x0 for x0, x1, word in words if word == ")")
    assert closing - opening > 3 * CM  # room for a name written by hand
