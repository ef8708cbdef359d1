from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderWhen(models.TextChoices):
    """Where a reminder's day stands against the due date."""

    BEFORE = "before", _("ก่อนครบกำหนด")
    ON_DAY = "on_day", _("วันครบกำหนด")
    AFTER = "after", _("เลยกำหนด")
