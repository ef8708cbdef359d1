"""Loading the official tree and the CDD offices; creating villages when first needed.

The tree comes from the `geothai` package (Ministry of Interior codes; data
CC-BY-4.0). No package lists villages, so a village is made from its subdistrict
code and its หมู่ number the first time a record needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import geothai
from django.db import transaction

from khomun.lib import refcache
from khomun.orgunits.choices import Level, OfficeKind
from khomun.orgunits.models import COUNTRY_CODE, Office, OrgUnit, WorkingGroup

BANGKOK_CODE = "10"
SUBDISTRICT_CODE_LENGTH = 6  # province 2 digits, district 4, subdistrict 6, village 8

# The working groups of a provincial CDD office (กลุ่มงาน), as the seed letters name them.
PROVINCE_WORKING_GROUPS = [
    ("administration", "ฝ่ายอำนวยการ", "Administration"),
    ("promotion", "กลุ่มงานส่งเสริมการพัฒนาชุมชน", "Community Development Promotion"),
    ("strategy", "กลุ่มงานยุทธศาสตร์การพัฒนาชุมชน", "Community Development Strategy"),
    ("information", "กลุ่มงานสารสนเทศการพัฒนาชุมชน", "Community Development Information"),
    ("economy", "กลุ่มงานส่งเสริมและพัฒนาเศรษฐกิจฐานราก", "Grassroots Economy Development"),
]


class OrgUnitError(Exception):
    """A request about the tree that cannot be met (unknown code, bad หมู่ number)."""


@dataclass
class LoadSummary:
    provinces: int
    districts: int
    subdistricts: int
    offices: int


def _upsert(rows: list[OrgUnit]) -> None:
    refcache.changed()  # bulk_create sends no signals
    OrgUnit.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_th", "name_en", "level", "parent", "path", "has_cdd_office"],
    )


def _ids(level: Level) -> dict[str, int]:
    return dict(OrgUnit.objects.filter(level=level).values_list("code", "id"))


@transaction.atomic
def load_orgunits() -> LoadSummary:
    """Create or update the whole tree from geothai. Safe to run again at any time.

    Bangkok has no CDD office and its เขต/แขวง are not CDD districts, so Bangkok is
    kept as a province marked without an office and its subdivisions are left out.
    """
    _upsert(
        [
            OrgUnit(
                code=COUNTRY_CODE,
                name_th="ประเทศไทย",
                name_en="Thailand",
                level=Level.COUNTRY,
                path=f"{COUNTRY_CODE}/",
            )
        ]
    )
    root_id = OrgUnit.objects.get(code=COUNTRY_CODE).pk
    provinces = geothai.provinces()
    _upsert(
        [
            OrgUnit(
                code=p.code,
                name_th=p.name_th,
                name_en=p.name_en,
                level=Level.PROVINCE,
                parent_id=root_id,
                path=f"{COUNTRY_CODE}/{p.code}/",
                has_cdd_office=p.code != BANGKOK_CODE,
            )
            for p in provinces
        ]
    )
    province_ids = _ids(Level.PROVINCE)
    districts = [d for p in provinces if p.code != BANGKOK_CODE for d in geothai.districts(p.code)]
    _upsert(
        [
            OrgUnit(
                code=d.code,
                name_th=d.name_th,
                name_en=d.name_en,
                level=Level.DISTRICT,
                parent_id=province_ids[d.province_code],
                path=f"{COUNTRY_CODE}/{d.province_code}/{d.code}/",
            )
            for d in districts
        ]
    )
    district_ids = _ids(Level.DISTRICT)
    subdistricts = [s for d in districts for s in geothai.subdistricts(d.code)]
    _upsert(
        [
            OrgUnit(
                code=s.code,
                name_th=s.name_th,
                name_en=s.name_en,
                level=Level.SUBDISTRICT,
                parent_id=district_ids[s.district_code],
                path=f"{COUNTRY_CODE}/{s.province_code}/{s.district_code}/{s.code}/",
            )
            for s in subdistricts
        ]
    )
    offices = ensure_offices()
    return LoadSummary(len(provinces), len(districts), len(subdistricts), offices)


def ensure_offices() -> int:
    """One สพจ. per province and one สพอ. per district with an office; returns the count."""
    units = OrgUnit.objects.filter(
        level__in=[Level.PROVINCE, Level.DISTRICT], has_cdd_office=True
    ).exclude(office__isnull=False)
    new = []
    for unit in units:
        if unit.level == Level.PROVINCE:
            kind, name_th = OfficeKind.PROVINCE, f"สำนักงานพัฒนาชุมชนจังหวัด{unit.name_th}"
            name_en = f"{unit.name_en} Provincial Community Development Office"
        else:
            kind, name_th = OfficeKind.DISTRICT, f"สำนักงานพัฒนาชุมชนอำเภอ{unit.name_th}"
            name_en = f"{unit.name_en} District Community Development Office"
        new.append(Office(orgunit=unit, kind=kind, name_th=name_th, name_en=name_en))
    Office.objects.bulk_create(new, batch_size=1000)
    groups = [
        WorkingGroup(office=office, key=key, name_th=name_th, name_en=name_en)
        for office in Office.objects.filter(kind=OfficeKind.PROVINCE, working_groups__isnull=True)
        for key, name_th, name_en in PROVINCE_WORKING_GROUPS
    ]
    WorkingGroup.objects.bulk_create(groups, batch_size=1000)
    return Office.objects.count()


def unit_by_code(code: str) -> OrgUnit | None:
    """The org unit of a code. Units down to subdistricts (about 8,000) are kept by the
    process (refcache: saves look them up all day); villages (tens of thousands, each
    named by few saves) are read, so a worker's memory stays small."""
    if len(code) > SUBDISTRICT_CODE_LENGTH:
        return OrgUnit.objects.filter(code=code).first()
    return refcache.lookup(("orgunit", code), lambda: OrgUnit.objects.filter(code=code).first())


def district_of(unit: OrgUnit) -> OrgUnit:
    """The district a village or subdistrict lies in (its code's first four digits)."""
    district = unit_by_code(unit.code[:4])
    if district is None:
        raise OrgUnit.DoesNotExist(unit.code[:4])
    return district


def get_or_create_village(subdistrict_code: str, moo: int, name_th: str = "") -> OrgUnit:
    """The village หมู่ `moo` of a subdistrict; its code is the subdistrict's plus 2 digits."""
    if not 1 <= moo <= 99:
        raise OrgUnitError(f"หมู่ที่ต้องอยู่ระหว่าง 1 ถึง 99 (ได้ {moo})")
    try:
        subdistrict = OrgUnit.objects.get(code=subdistrict_code, level=Level.SUBDISTRICT)
    except OrgUnit.DoesNotExist:
        raise OrgUnitError(f"ไม่พบตำบลรหัส {subdistrict_code}") from None
    code = f"{subdistrict.code}{moo:02d}"
    village, created = OrgUnit.objects.get_or_create(
        code=code,
        defaults={
            "name_th": name_th or f"หมู่ {moo}",
            "name_en": f"Moo {moo}",
            "level": Level.VILLAGE,
            "parent": subdistrict,
            "path": f"{subdistrict.path}{code}/",
        },
    )
    if not created and name_th and village.name_th != name_th:
        village.name_th = name_th
        village.save(update_fields=["name_th"])
    return village
