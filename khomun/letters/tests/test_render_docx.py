"""The letter as DOCX: A4 and the Regulation's margins, TH Sarabun New set in
the complex-script slots of every Thai run, the parts in order, enclosure
tables with a repeating header, the crest only when uploaded; and LibreOffice
opens it and prints the Thai text in order."""

from __future__ import annotations

import io
import subprocess
import uuid
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Length

from khomun.letters.render_docx import render_docx
from khomun.letters.tests.seed_content import (
    letter_parts,
    missing_in_order,
    seed_letter,
    seed_memo,
    tiny_png,
)

THAI = range(0x0E00, 0x0E80)


def open_docx(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


def all_text(doc: DocxDocument) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


@pytest.fixture(scope="module")
def letter() -> bytes:
    return render_docx(seed_letter())


def test_it_is_a4_with_3_cm_left_and_2_cm_right_margins(letter: bytes) -> None:
    section = open_docx(letter).sections[0]

    def cm(length: Length | None) -> float:
        assert length is not None
        return round(length.cm, 2)  # Word stores twips: 21 cm is 21.0001 cm

    assert (cm(section.page_width), cm(section.page_height)) == (21, 29.7)
    assert (cm(section.left_margin), cm(section.right_margin)) == (3, 2)
    assert cm(section.top_margin) == 2.5


def test_every_thai_run_sets_the_complex_script_font_and_size(letter: bytes) -> None:
    body = open_docx(letter).element.body
    thai_runs = [
        r
        for r in body.iter(qn("w:r"))
        if any(ord(ch) in THAI for t in r.iter(qn("w:t")) for ch in (t.text or ""))
    ]
    assert len(thai_runs) > 30
    for run in thai_runs:
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:cs")) == "TH Sarabun New"
        assert run.find(f"{qn('w:rPr')}/{qn('w:szCs')}") is not None
        lang = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")
        assert lang is not None and lang.get(qn("w:bidi")) == "th-TH"


def test_the_normal_style_is_th_sarabun_16_pt_for_thai(letter: bytes) -> None:
    r_pr = open_docx(letter).styles["Normal"].element.rPr
    assert r_pr.rFonts.get(qn("w:cs")) == "TH Sarabun New"
    assert r_pr.find(qn("w:szCs")).get(qn("w:val")) == "32"


def test_bold_is_set_for_thai_too(letter: bytes) -> None:
    body = open_docx(letter).element.body
    bold = [r for r in body.iter(qn("w:rPr")) if r.find(qn("w:b")) is not None]
    assert bold and all(r.find(qn("w:bCs")) is not None for r in bold)


def test_it_has_every_part_of_the_seed_letter_in_order(letter: bytes) -> None:
    doc = open_docx(letter)
    assert missing_in_order(all_text(doc), letter_parts(seed_letter())) == []


def test_an_enclosure_table_has_a_repeating_header_and_group_rows(letter: bytes) -> None:
    doc = open_docx(letter)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == ["ที่", "ชื่อฐานข้อมูล"]
    assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    group = table.rows[1]
    assert group.cells[0].text == "ฐานข้อมูลสำนักเสริมสร้างความเข้มแข็งชุมชน"
    assert group.cells[0]._tc is group.cells[-1]._tc  # merged across the width
    assert len(doc.sections) == 2  # the table starts a new page


def test_the_crest_is_a_picture_only_when_uploaded(letter: bytes) -> None:
    assert open_docx(letter).inline_shapes.__len__() == 0
    assert len(open_docx(render_docx(seed_letter(tiny_png()))).inline_shapes) == 1
    assert len(open_docx(render_docx(seed_memo(tiny_png()))).inline_shapes) == 1


def test_a_memo_has_the_memo_heading_and_no_closing() -> None:
    text = all_text(open_docx(render_docx(seed_memo())))
    assert "บันทึกข้อความ" in text
    assert "ส่วนราชการ" in text
    assert "ขอแสดงความนับถือ" not in text
    assert missing_in_order(text, letter_parts(seed_memo())) == []


def test_libreoffice_opens_it_and_prints_the_thai_in_order(letter: bytes, tmp_path: Path) -> None:
    source = tmp_path / "letter.docx"
    source.write_bytes(letter)
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"  # parallel runs must not share a profile
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    pdf = tmp_path / "letter.pdf"
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert missing_in_order(text, letter_parts(seed_letter())) == []
    table_part = ["ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต", "ข้อมูลผลการตรวจสอบสภาพกองทุนแม่ของแผ่นดิน"]
    assert missing_in_order(text, table_part) == []


def test_with_no_signer_set_it_leaves_room_to_write_the_name() -> None:
    import dataclasses

    data = render_docx(dataclasses.replace(seed_letter(), signer_name=""))
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "()" not in texts
    assert "(" + "\xa0" * 40 + ")" in texts
