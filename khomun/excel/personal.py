"""Who may see national ID numbers and phone numbers in files, and how others see them.

Who sees what is `policy.personal_data_paths` (recorders and admins of the
subject's own area see full values; executives and bureau data owners see them
masked); this module applies it to templates and exports alike. Masked values
keep the last digits only, enough to tell two people apart.
"""

from __future__ import annotations

from typing import Any

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition, FieldDef
from khomun.orgunits.models import OrgUnit

PERSONAL_TYPES = frozenset({"national_id", "phone"})
SHOWN_DIGITS = 4


def personal_fields(defn: DatasetDefinition) -> list[FieldDef]:
    """Fields that hold personal data (PDPA): national IDs and phone numbers."""
    return [f for f in defn.fields if f.type in PERSONAL_TYPES or f.mask in PERSONAL_TYPES]


def may_see_personal_data(user: Any, unit: OrgUnit) -> bool:
    return path_allowed(policy.personal_data_paths(user), unit.path)


def path_allowed(paths: list[str] | None, path: str) -> bool:
    return paths is None or any(path.startswith(p) for p in paths)


def mask(value: object) -> str:
    """ "xxxxxxxxx0123": all but the last digits hidden."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    hidden = max(len(text) - SHOWN_DIGITS, 0)
    return "x" * hidden + text[hidden:]
