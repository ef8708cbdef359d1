"""An office's letter setup: its saved settings, with defaults for what it left blank."""

from __future__ import annotations

from dataclasses import dataclass

from khomun.letters.abbreviations import default_letter_code
from khomun.letters.choices import LetterType
from khomun.letters.models import LetterSettings
from khomun.letters.templating import DEFAULT_BODIES
from khomun.lib.thaidate import thai_digits
from khomun.orgunits.models import Office, OrgUnit
from khomun.orgunits.services import PROVINCE_WORKING_GROUPS

# Seed 001 gives the reminder letters to the information working group.
CONTACT_GROUP = "information"


class NoOfficeError(Exception):
    """The province has no CDD office (Bangkok) and so sends no letters."""


@dataclass(frozen=True)
class LetterSetup:
    office: Office
    code: str  # "ลป ๐๐๑๙.๔", Thai digits
    office_name: str
    address: list[str]
    department_line: str
    signer_name: str
    signer_position: list[str]
    memo_signer_position: list[str]
    contact: list[str]
    crest: bytes | None
    bodies: dict[str, str]
    working_groups: dict[str, str]  # key -> Thai name


def office_of(province: OrgUnit) -> Office:
    office = Office.objects.filter(orgunit=province).first()
    if office is None:
        raise NoOfficeError(f"{province.full_name_th} ไม่มีสำนักงานพัฒนาชุมชน")
    return office


def _lines(text: str) -> list[str]:
    return [thai_digits(line.strip()) for line in text.splitlines() if line.strip()]


def setup_for(province: OrgUnit) -> LetterSetup:
    office = office_of(province)
    saved = LetterSettings.objects.filter(office=office).first() or LetterSettings(office=office)
    name = province.name_th
    groups = {key: name_th for key, name_th, _en in PROVINCE_WORKING_GROUPS}
    groups |= dict(office.working_groups.values_list("key", "name_th"))
    phone = f"โทร/โทรสาร {thai_digits(office.phone)}" if office.phone else ""
    contact = [office.name_th, groups[CONTACT_GROUP], phone]
    crest = None
    if saved.crest:
        with saved.crest.open("rb") as handle:
            crest = handle.read()
    return LetterSetup(
        office=office,
        code=thai_digits(saved.code.strip() or default_letter_code(province.code, name)),
        office_name=saved.office_name.strip() or f"ศาลากลางจังหวัด{name}",
        address=_lines(saved.address) or _lines(office.address) or [province.full_name_th],
        department_line=thai_digits(saved.department_line.strip())
        or " ".join(part for part in (office.name_th, groups[CONTACT_GROUP], phone) if part),
        signer_name=saved.signer_name.strip(),
        signer_position=_lines(saved.signer_position)
        or ["พัฒนาการจังหวัด ปฏิบัติราชการแทน", f"ผู้ว่าราชการจังหวัด{name}"],
        memo_signer_position=_lines(saved.memo_signer_position) or [f"พัฒนาการจังหวัด{name}"],
        contact=_lines(saved.contact) or [line for line in contact if line],
        crest=crest,
        bodies={
            LetterType.REMINDER: saved.reminder_body.strip() or DEFAULT_BODIES[LetterType.REMINDER],
            LetterType.SCHEDULE: saved.schedule_body.strip() or DEFAULT_BODIES[LetterType.SCHEDULE],
        },
        working_groups=groups,
    )
