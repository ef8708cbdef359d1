"""The editable body of a letter: paragraphs with {placeholders}, per office and type.

An office may word its letters its own way; the values (dates, counts, names) are
filled in when a letter is made. Paragraphs are separated by a blank line; the last
paragraph is the purpose line ("จึงเรียนมาเพื่อพิจารณาดำเนินการ"). The letter text is
always Thai: it is an official document, not part of the user interface.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from django.utils.translation import gettext as _

from khomun.letters.choices import LetterType

# Every placeholder a body may use, with what it becomes.
PLACEHOLDERS: dict[str, str] = {
    "province": "ชื่อจังหวัด เช่น จังหวัดลำปาง",
    "fiscal_year": "ปีงบประมาณ (พ.ศ.) เช่น ๒๕๖๒",
    "dataset_count": "จำนวนฐานข้อมูลทั้งปี เช่น ๑๑",
    "month": "เดือนของงวดที่ครบกำหนด เช่น กันยายน ๒๕๖๑",
    "due_count": "จำนวนฐานข้อมูลที่ครบกำหนดในเดือนนั้น",
    "due_date": "วันครบกำหนดบันทึกข้อมูล",
    "report_by": "วันที่ให้รายงานผลกลับ",
    "districts": "ชื่ออำเภอที่ยังบันทึกไม่ครบ",
    "reference_intro": "คำว่า 'ตามหนังสือที่อ้างถึง ' เมื่อมีหนังสืออ้างถึง",
}

DEFAULT_BODIES: dict[str, str] = {
    LetterType.REMINDER: (
        "{reference_intro}{province}ได้แจ้งให้สำนักงานพัฒนาชุมชนอำเภอดำเนินการบันทึกข้อมูล"
        "ศูนย์ข้อมูลกลางเพื่อการบริหารจัดเก็บและใช้ประโยชน์ กรมการพัฒนาชุมชน ปี พ.ศ. {fiscal_year} "
        "ตามงวดรายงานที่กำหนดของฐานข้อมูลที่กรมการพัฒนาชุมชนกำหนด จำนวน {dataset_count} ฐานข้อมูล นั้น"
        "\n\n"
        "ในการนี้ {province}ได้ตรวจสอบข้อมูลจากศูนย์ข้อมูลกลางฯ ดังกล่าว ปรากฏว่าอำเภอยังไม่ได้บันทึกข้อมูล "
        "และบันทึกข้อมูลแล้วไม่ครบถ้วนสมบูรณ์ จึงขอให้อำเภอมอบหมายให้สำนักงานพัฒนาชุมชนอำเภอ"
        "ดำเนินการบันทึกข้อมูลศูนย์ข้อมูลกลางฯ ตามกำหนดการบันทึกข้อมูลงวดเดือน {month} "
        "จำนวน {due_count} ฐานข้อมูล ให้แล้วเสร็จภายในวันที่ {due_date} "
        "และรายงานผลการบันทึกข้อมูลฯ ให้จังหวัดทราบ ภายในวันที่ {report_by} "
        "เพื่อตรวจสอบความถูกต้องครบถ้วน ในการรายงานผลการบันทึกให้กรมการพัฒนาชุมชนทราบต่อไป "
        "รายละเอียดตามสิ่งที่ส่งมาด้วย"
        "\n\n"
        "จึงเรียนมาเพื่อพิจารณาดำเนินการ"
    ),
    LetterType.SCHEDULE: (
        "{reference_intro}{province}ได้แจ้งแนวทางการดำเนินงานศูนย์ข้อมูลกลางเพื่อการบริหารจัดเก็บ"
        "และใช้ประโยชน์ กรมการพัฒนาชุมชน ปี พ.ศ. {fiscal_year} โดยให้สำนักงานพัฒนาชุมชนอำเภอ"
        "ดำเนินการจัดเก็บและบันทึกข้อมูล จำนวน {dataset_count} ฐานข้อมูล นั้น"
        "\n\n"
        "เพื่อให้การดำเนินงานของศูนย์ข้อมูลกลางฯ เป็นไปอย่างมีประสิทธิภาพ มีการบันทึกข้อมูลที่สมบูรณ์ "
        "ครบถ้วน เป็นปัจจุบัน และเป็นการสนับสนุนข้อมูลเพื่อการตัดสินใจของผู้บริหาร "
        "ขอให้ท่านแจ้งเจ้าหน้าที่พัฒนาชุมชนที่รับผิดชอบฐานข้อมูลบันทึกข้อมูลฯ ให้ครบถ้วน เป็นปัจจุบัน "
        "ตามงวดรายงานที่กำหนด รายละเอียดตามสิ่งที่ส่งมาด้วย"
        "\n\n"
        "จึงเรียนมาเพื่อพิจารณาดำเนินการต่อไป"
    ),
}


class TemplateError(ValueError):
    """A body template that cannot be filled; the message is Thai and names the problem."""


def placeholders_in(template: str) -> list[str]:
    """The placeholder names a template uses, in order; bad brace syntax is an error."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(
            _("เครื่องหมายวงเล็บปีกกา { } ไม่ครบคู่ (ใช้ {{ หรือ }} เมื่อต้องการพิมพ์วงเล็บเอง)")
        ) from exc
    names = []
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise TemplateError(_("ตัวแปร {%(name)s} เขียนไม่ถูกต้อง") % {"name": name})
        names.append(name)
    return names


def validate_template(template: str) -> None:
    """Refuse unknown placeholders, naming the first one, and an empty body."""
    if not template.strip():
        raise TemplateError(_("ข้อความต้องไม่ว่าง"))
    for name in placeholders_in(template):
        if name not in PLACEHOLDERS:
            allowed = ", ".join("{" + key + "}" for key in PLACEHOLDERS)
            raise TemplateError(
                _("ไม่รู้จักตัวแปร {%(name)s} (ใช้ได้: %(allowed)s)") % {"name": name, "allowed": allowed}
            )


def fill(template: str, values: Mapping[str, str]) -> list[str]:
    """The body's paragraphs with the values put in (placeholders not given become empty)."""
    validate_template(template)
    complete = {name: values.get(name, "") for name in PLACEHOLDERS}
    text = template.replace("\r\n", "\n").format(**complete)
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
