"""Checks of command-line arguments shared by Khomun's commands: each error names
the argument and says in Thai what was expected."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import CommandError

from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit


def province_argument(code: str) -> OrgUnit:
    if not code:
        raise CommandError("--province: กรุณาระบุรหัสจังหวัด เช่น 52")
    unit = OrgUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    if unit is None:
        raise CommandError(f"--province: ไม่พบจังหวัดรหัส {code!r}")
    return unit


def number_argument(text: str, name: str, hint: str) -> int:
    if not text.strip().isdigit():
        raise CommandError(f"{name}: ต้องเป็น{hint} (ได้ {text!r})")
    return int(text)


def fiscal_year_argument(text: str, example: int, name: str = "--fiscal-year") -> int:
    """A fiscal year in the Buddhist Era (2500-2700), given as text."""
    year = number_argument(text, name, f"ปีงบประมาณ พ.ศ. เช่น {example}")
    if not 2500 <= year <= 2700:
        raise CommandError(f"{name}: ปีงบประมาณต้องเป็น พ.ศ. เช่น {example} (ได้ {year})")
    return year


def output_path(path: str) -> Path:
    """Checked before any work is done (a letter then uses no number)."""
    if not path:
        raise CommandError("--out: กรุณาระบุไฟล์ที่จะเขียน")
    out = Path(path)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise CommandError(f"--out: เขียนไฟล์ {path!r} ไม่ได้ (ไม่มีโฟลเดอร์หรือไม่มีสิทธิ์เขียน)")
    if out.exists() and not os.access(out, os.W_OK):
        raise CommandError(f"--out: เขียนทับไฟล์ {path!r} ไม่ได้")
    return out
