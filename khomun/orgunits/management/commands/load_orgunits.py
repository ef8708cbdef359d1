from typing import Any

from django.core.management.base import BaseCommand

from khomun.orgunits.services import load_orgunits


class Command(BaseCommand):
    help = "โหลดหรือปรับปรุงผังพื้นที่ (จังหวัด อำเภอ ตำบล) และสำนักงานพัฒนาชุมชน จากแพ็กเกจ geothai"

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_orgunits()
        self.stdout.write(
            f"จังหวัด {summary.provinces}, อำเภอ {summary.districts}, "
            f"ตำบล {summary.subdistricts}, สำนักงาน {summary.offices}"
        )
