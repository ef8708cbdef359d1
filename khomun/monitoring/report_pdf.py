"""The recording-result report as an A4 PDF, laid out like the seed form.

WeasyPrint renders `monitoring/report_pdf.html` with Sarabun embedded
(khomun/lib/thaifont.py says how and why).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from khomun.lib.thaidate import thai_digits
from khomun.lib.thaifont import FONT_DIR, font_urls
from khomun.monitoring.report import COLUMN_LABELS, COLUMNS, HEADERS, Report


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
