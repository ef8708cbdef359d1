"""The recording-result report as an A4 PDF, laid out like the seed form.

WeasyPrint renders `monitoring/report_pdf.html`. The Sarabun TTF files of the
`fontpkg_sarabun` package are embedded through @font-face, so the PDF shows and
extracts Thai on any machine (no system font needed). Sarabun 11 pt is about the
size of the TH Sarabun 16 pt that official letters use.

SARA AM (ำ): HarfBuzz splits it into NIKHAHIT + SARA AA, and WeasyPrint maps each
glyph to one text, so the SARA AA glyph would extract as า ("ประจาปี"). We serve a
copy of the font with one more `ccmp` ligature that joins the two back into the
font's own ำ glyph, which then extracts as ำ. (After a tone mark, as in น้ำ, the
two are not adjacent and the text still extracts as ้า; no database name has it.)
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import fontpkg_sarabun
from django.template.loader import render_to_string
from fontTools.otlLib.builder import (  # type: ignore[import-untyped]
    buildLigatureSubstSubtable,
    buildLookup,
)
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from weasyprint import HTML

from khomun.lib.thaidate import thai_digits
from khomun.monitoring.report import COLUMN_LABELS, COLUMNS, HEADERS, Report

FONT_DIR = Path(fontpkg_sarabun.__file__).parent / "files"
CACHE_DIR = Path(tempfile.gettempdir()) / "khomun-fonts"


def font_urls() -> dict[str, str]:
    return {
        "regular": thai_font("Sarabun-Regular.ttf").as_uri(),
        "bold": thai_font("Sarabun-Bold.ttf").as_uri(),
    }


@cache
def thai_font(name: str) -> Path:
    """The Sarabun file with NIKHAHIT + SARA AA joined back into SARA AM (see above)."""
    out = CACHE_DIR / name.replace(".ttf", "-khomun.ttf")
    if out.exists():
        return out
    font = TTFont(FONT_DIR / name)
    gsub = font["GSUB"].table
    lookup = buildLookup([buildLigatureSubstSubtable({("uni0E4D", "uni0E32"): "uni0E33"})])
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(gsub.LookupList.LookupCount - 1)
            record.Feature.LookupCount += 1
    CACHE_DIR.mkdir(exist_ok=True)
    partial = out.with_suffix(f".{id(font)}.tmp")
    font.save(partial)
    partial.replace(out)  # atomic: a parallel test never reads half a file
    return out


def context(report: Report) -> dict[str, Any]:
    rows = [
        {
            "number": thai_digits(row.number),
            "name": row.name,
            "period": row.period_label,
            "expected": thai_digits(f"{row.expected:,}"),
            "counts": [_count(row.count(c)) for c in COLUMNS],
            "note": row.note,
        }
        for row in report.rows
    ]
    return {
        "report": report,
        "rows": rows,
        "headers": {k: str(v) for k, v in HEADERS.items()},
        "unit_labels": [str(COLUMN_LABELS[c]) for c in COLUMNS],
        "fonts": font_urls(),
    }


def _count(value: int | None) -> str:
    return "" if value is None else thai_digits(f"{value:,}")


def render(report: Report) -> bytes:
    html = render_to_string("monitoring/report_pdf.html", context(report))
    pdf = HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
