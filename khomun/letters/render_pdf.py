"""A letter as an A4 PDF laid out by the Regulation's standard forms.

WeasyPrint renders `letters/letter_pdf.html` with the Sarabun files embedded
through @font-face (khomun/lib/thaifont.py, whose extra ligature keeps SARA AM
extracting as ำ). Sarabun 11 pt stands in for the
TH Sarabun 16 pt of the Regulation; the margins are 3 cm left and 2 cm right.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from khomun.letters.content import Enclosure, LetterContent, LetterKind
from khomun.lib.thaidate import thai_digits
from khomun.lib.thaifont import FONT_DIR, font_urls

# Enclosure tables wider than this go on a landscape page.
WIDE_TABLE_COLUMNS = 6


def enclosure_lines(enclosures: list[Enclosure]) -> list[tuple[str, str]]:
    """(number, text) for each enclosure line; a single enclosure is not numbered,
    as in seed 000 ("สิ่งที่ส่งมาด้วย กำหนดการ... จำนวน ๑ ฉบับ")."""
    numbered = len(enclosures) > 1
    return [
        (thai_digits(f"{i}.") if numbered else "", f"{e.title} {e.amount}".strip())
        for i, e in enumerate(enclosures, start=1)
    ]


def column_widths(enclosure: Enclosure, padding: int = 3) -> list[float]:
    """Percent widths of an enclosure table's columns, by the longest text each
    holds (capped, so one long name does not squeeze the rest to nothing), plus
    room for the padding so a short Thai header word is never cut."""
    count = len(enclosure.columns)
    longest = [min(len(column), 20) for column in enclosure.columns]
    for row in enclosure.rows:
        if row.is_group:
            continue
        for i, cell in enumerate(row.cells[:count]):
            longest[i] = max(longest[i], min(len(cell), 30))
    weights = [n + padding for n in longest]
    total = sum(weights)
    return [round(100 * n / total, 1) for n in weights]


def centred_columns(enclosure: Enclosure) -> list[bool]:
    """Columns of short marks or numbers ("๑", "/", "✓") read better centred."""
    centred = [True] * len(enclosure.columns)
    for row in enclosure.rows:
        if not row.is_group:
            for i, cell in enumerate(row.cells[: len(centred)]):
                centred[i] = centred[i] and len(cell) <= 3
    return centred


def context(content: LetterContent) -> dict[str, Any]:
    crest = ""
    if content.crest_png:
        crest = "data:image/png;base64," + base64.b64encode(content.crest_png).decode("ascii")
    tables = [
        {
            "enclosure": e,
            "wide": len(e.columns) > WIDE_TABLE_COLUMNS,
            "span": len(e.columns),
            "widths": column_widths(e),
            "centred": centred_columns(e),
        }
        for e in content.enclosures
        if e.has_table
    ]
    return {
        "c": content,
        "memo": content.kind == LetterKind.MEMO,
        "crest": crest,
        "enclosure_lines": enclosure_lines(content.enclosures),
        "tables": tables,
        "fonts": font_urls(),
    }


def render_pdf(content: LetterContent) -> bytes:
    html = render_to_string("letters/letter_pdf.html", context(content))
    pdf = HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
