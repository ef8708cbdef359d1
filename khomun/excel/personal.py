"""Who may see national ID numbers and phone numbers in files, and how others see them.

The decision lives here, for templates and exports alike. Recorders and admins of
the subject's own area (department admin anywhere; province admin or recorder of
its province; district recorder or head of its district) see the full values.
Executives and bureau data owners, who read the whole country for analysis, see
masked values: the last digits only, enough to tell two people apart.
"""

from __future__ import annotations

from typing import Any

from khomun.accounts import policy
from khomun.accounts.choices import Role
from khomun.catalog.definition import DatasetDefinition, FieldDef
from khomun.orgunits.models import OrgUnit

PERSONAL_DATA_ROLES = frozenset(
    {
        Role.DEPARTMENT_ADMIN,
        Role.PROVINCE_ADMIN,
        Role.PROVINCE_RECORDER,
        Role.DISTRICT_RECORDER,
        Role.DISTRICT_HEAD,
    }
)
PERSONAL_TYPES = frozenset({"national_id", "phone"})
SHOWN_DIGITS = 4


def personal_fields(defn: DatasetDefinition) -> list[FieldDef]:
    """Fields that hold personal data (PDPA): national IDs and phone numbers."""
    return [f for f in defn.fields if f.type in PERSONAL_TYPES or f.mask in PERSONAL_TYPES]


def personal_data_paths(user: Any) -> list[str] | None:
    """Org paths under which the user sees personal data unmasked; None means everywhere."""
    if getattr(user, "is_superuser", False):
        return None
    return [a.orgunit.path for a in policy.assignments(user) if a.role in PERSONAL_DATA_ROLES]


def may_see_personal_data(user: Any, unit: OrgUnit) -> bool:
    return path_allowed(personal_data_paths(user), unit.path)


def path_allowed(paths: list[str] | None, path: str) -> bool:
    return paths is None or any(path.startswith(p) for p in paths)


def mask(value: object) -> str:
    """ "xxxxxxxxx0123": all but the last digits hidden."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    hidden = max(len(text) - SHOWN_DIGITS, 0)
    return "x" * hidden + text[hidden:]
