"""The Ministry of Interior tree: country, province, district, subdistrict, village.

Each unit keeps a materialised path of codes ("TH/52/5201/"), so "everything under
Lampang" is one indexed prefix query instead of a walk in Python.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from khomun.orgunits.choices import Level, OfficeKind

COUNTRY_CODE = "TH"


def under_any(field: str, paths: Iterable[str]) -> models.Q:
    """Rows whose `field` (an org path or code) starts with one of `paths`; no row
    when there are none."""
    condition = models.Q(pk__in=[])
    for path in paths:
        condition |= models.Q(**{f"{field}__startswith": path})
    return condition


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def under(self, unit: OrgUnit, *, include_self: bool = True) -> OrgUnitQuerySet:
        """The unit's subtree in one query on the indexed path."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)


class OrgUnit(models.Model):
    code = models.CharField(_("รหัส"), max_length=8, unique=True)
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=120)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=120, blank=True)
    level = models.CharField(_("ระดับ"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=64, unique=True, editable=False)
    # Bangkok is in the tree but has no CDD office; nothing is recorded there.
    has_cdd_office = models.BooleanField(_("มีสำนักงานพัฒนาชุมชน"), default=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("หน่วยพื้นที่")
        verbose_name_plural = _("หน่วยพื้นที่")
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'TH/52/%'.
            models.Index(
                fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "path"], name="orgunit_level_path"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_th

    @property
    def full_name_th(self) -> str:
        """The name with its level word, as a letter writes it: "อำเภอเมืองลำปาง"."""
        prefixes = {Level.PROVINCE: "จังหวัด", Level.DISTRICT: "อำเภอ", Level.SUBDISTRICT: "ตำบล"}
        prefix = prefixes.get(Level(self.level), "")
        if self.level == Level.VILLAGE:
            return f"หมู่ที่ {int(self.code[-2:])} บ้าน{self.name_th}"
        if prefix and self.name_th.startswith(("เขต", "แขวง")):
            return self.name_th
        return f"{prefix}{self.name_th}"

    @property
    def full_name(self) -> str:
        """The name with its level word in the user's language."""
        if get_language() == "en" and self.name_en:
            suffix = {
                Level.PROVINCE: " Province",
                Level.DISTRICT: " District",
                Level.SUBDISTRICT: " Subdistrict",
            }.get(Level(self.level), "")
            return f"{self.name_en}{suffix}"
        return self.full_name_th

    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to the parent."""
        return self.path.strip("/").split("/")[:-1]

    def ancestors(self) -> models.QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(code__in=self.ancestor_codes()).order_by("path")

    def is_within(self, other: OrgUnit) -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)

    def province(self) -> OrgUnit | None:
        if self.level == Level.COUNTRY:
            return None
        if self.level == Level.PROVINCE:
            return self
        return OrgUnit.objects.get(code=self.code[:2])


class Office(models.Model):
    """A CDD office: the สพจ. of a province or the สพอ. of a district."""

    orgunit = models.OneToOneField(OrgUnit, on_delete=models.PROTECT, related_name="office")
    kind = models.CharField(max_length=10, choices=OfficeKind.choices)
    name_th = models.CharField(_("ชื่อสำนักงาน"), max_length=200)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)
    address = models.TextField(_("ที่อยู่"), blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=60, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)

    class Meta:
        verbose_name = _("สำนักงาน")
        verbose_name_plural = _("สำนักงาน")

    def __str__(self) -> str:
        return self.name_th


class WorkingGroup(models.Model):
    """A working group (กลุ่มงาน) of a provincial office, responsible for datasets."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="working_groups")
    key = models.SlugField(max_length=40)
    name_th = models.CharField(_("ชื่อกลุ่มงาน"), max_length=200)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "key"], name="workinggroup_key")]
        verbose_name = _("กลุ่มงาน")
        verbose_name_plural = _("กลุ่มงาน")

    def __str__(self) -> str:
        return self.name_th
