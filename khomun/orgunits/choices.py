from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    COUNTRY = "country", _("ประเทศ")
    PROVINCE = "province", _("จังหวัด")
    DISTRICT = "district", _("อำเภอ")
    SUBDISTRICT = "subdistrict", _("ตำบล")
    VILLAGE = "village", _("หมู่บ้าน")


# Depth in the tree of each level; the country is the root.
LEVEL_DEPTH = {
    Level.COUNTRY: 0,
    Level.PROVINCE: 1,
    Level.DISTRICT: 2,
    Level.SUBDISTRICT: 3,
    Level.VILLAGE: 4,
}


class OfficeKind(models.TextChoices):
    PROVINCE = "province", _("สำนักงานพัฒนาชุมชนจังหวัด (สพจ.)")
    DISTRICT = "district", _("สำนักงานพัฒนาชุมชนอำเภอ (สพอ.)")
