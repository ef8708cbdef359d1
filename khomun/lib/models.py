from django.db import models


class CacheGeneration(models.Model):
    """One row: the token that changes whenever reference data kept in the worker
    processes changes (khomun.lib.refcache)."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "รุ่นของข้อมูลอ้างอิงที่เก็บไว้ในหน่วยความจำ"

    def __str__(self) -> str:
        return self.token
