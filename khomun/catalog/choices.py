from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("ฉบับร่าง")
    PUBLISHED = "published", _("ประกาศใช้")
    RETIRED = "retired", _("เลิกใช้")
