"""Making, cancelling and finding letters: the register's use cases.

How a number is never lost or given twice:
1. the content is composed first (it can still refuse: nothing missing, bad month);
2. one short transaction takes the next number and stores the Letter with it;
3. the PDF and DOCX are rendered with that number and attached.
If rendering fails, the letter stays in the register marked VOID with the reason:
the number was taken and is shown as unused-with-a-reason, never silently skipped
and never given again. Rendering outside the number's lock keeps other letters of
the office from waiting on a slow PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khomun.accounts import policy
from khomun.letters import compose, numbering
from khomun.letters.choices import LetterStatus, LetterType, Series, Source
from khomun.letters.content import LetterContent, LetterKind
from khomun.letters.defaults import setup_for
from khomun.letters.models import Letter
from khomun.lib.thaidate import format_date, thai_digits
from khomun.monitoring import completeness
from khomun.orgunits.models import OrgUnit


class LetterError(Exception):
    """A refused letter action; the message is Thai and `field` names the input."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def compose_letter(
    province: OrgUnit,
    letter_type: str,
    kind: str,
    fiscal_year: int,
    month: int | None = None,
    districts: Sequence[str] | None = None,
    reference: str = "",
    date: dt.date | None = None,
    report_by: dt.date | None = None,
) -> tuple[LetterContent, list[dict[str, str]]]:
    """The content (without a number) and its recipients [{"code", "name"}]."""
    if kind not in LetterKind.values:
        raise LetterError(_("รูปแบบหนังสือ: ต้องเป็นหนังสือภายนอกหรือบันทึกข้อความ"), "kind")
    try:
        if letter_type == LetterType.SCHEDULE:
            content = compose.schedule_letter(
                province, fiscal_year, kind=kind, reference=reference, date=date
            )
            units = completeness.child_units(province)
        elif letter_type == LetterType.REMINDER:
            if month is None:
                raise LetterError(_("เดือน: ต้องระบุเดือนของงวดที่ครบกำหนด"), "month")
            content, chosen = compose.reminder_with_recipients(
                province, fiscal_year, month, districts, kind, reference,
                date=date, report_by=report_by,
            )  # fmt: skip
            units = [gap.unit for gap in chosen]
        else:
            raise LetterError(_("ประเภทหนังสือ: ไม่รู้จักประเภทนี้"), "letter_type")
    except compose.ComposeError as exc:
        raise LetterError(exc.message, exc.argument) from exc
    return content, [{"code": unit.code, "name": unit.full_name_th} for unit in units]


def series_for(letter_type: str, recipients: Sequence[object]) -> str:
    """A letter to several districts at once is circular (ว); to one, ordinary."""
    return Series.ORDINARY if len(recipients) == 1 else Series.CIRCULAR


def generate_letter(
    user: Any,
    province: OrgUnit,
    letter_type: str,
    kind: str,
    fiscal_year: int,
    month: int | None = None,
    districts: Sequence[str] | None = None,
    reference: str = "",
    date: dt.date | None = None,
    *,
    report_by: dt.date | None = None,
    source: str = Source.WEB,
) -> Letter:
    """Compose, number, store and render one letter. `user` None is the command line."""
    if user is not None and not policy.can_send_letters(user, province):
        raise LetterError(_("ท่านไม่มีสิทธิ์ออกหนังสือของจังหวัดนี้"), "province")
    when = date or timezone.localdate()
    content, recipients = compose_letter(
        province, letter_type, kind, fiscal_year, month, districts, reference, when, report_by
    )
    setup = setup_for(province)
    series = series_for(letter_type, recipients)
    year = numbering.register_year(when)
    with transaction.atomic():
        number = numbering.next_number(setup.office, year, series)
        letter = Letter.objects.create(
            office=setup.office,
            province=province,
            letter_type=letter_type,
            kind=kind,
            series=series,
            year=year,
            number=number,
            number_text=numbering.number_text(setup.code, series, number),
            date=when,
            subject=content.subject,
            addressee=content.addressee,
            recipients=recipients,
            recipient_names=" ".join(r["name"] for r in recipients),
            fiscal_year=fiscal_year,
            month=month if letter_type == LetterType.REMINDER else None,
            reference=content.reference,
            enclosures=[e.title for e in content.enclosures],
            body=content.body,
            source=source,
            created_by=user if user is not None and user.is_authenticated else None,
        )
    _attach_files(letter, replace(content, number=letter.number_text))
    return letter


def _attach_files(letter: Letter, content: LetterContent) -> None:
    """Render both files; on failure keep the number in the register as VOID."""
    from khomun.letters.render_docx import render_docx
    from khomun.letters.render_pdf import render_pdf

    try:
        pdf, docx = render_pdf(content), render_docx(content)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"[:500]
        Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.VOID, void_reason=reason)
        raise LetterError(
            _("สร้างไฟล์หนังสือไม่สำเร็จ เลขที่ %(number)s ถูกบันทึกว่าไม่ได้ใช้ (%(reason)s)")
            % {"number": letter.number_text, "reason": reason},
            "format",
        ) from exc
    stem = f"letter-{letter.office_id}-{letter.year}-{letter.series}-{letter.number}"
    letter.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    letter.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    letter.save(update_fields=["pdf", "docx"])


def content_snapshot(content: LetterContent) -> dict[str, Any]:
    """The content as plain data (without the crest), e.g. for a preview."""
    data = asdict(content)
    data.pop("crest_png", None)
    return data


def reference_to(letter: Letter) -> str:
    """How a later letter cites this one: "หนังสือจังหวัดลำปาง ที่ ... ลงวันที่ ..."."""
    return (
        f"หนังสือ{letter.province.full_name_th} ที่ {letter.number_text} "
        f"ลงวันที่ {format_date(letter.date, digits=True)}"
    )


def cancel_letter(user: Any, letter: Letter, reason: str) -> Letter:
    """Cancel a letter; its number stays used."""
    if not policy.can_send_letters(user, letter.province):
        raise LetterError(_("ท่านไม่มีสิทธิ์ยกเลิกหนังสือของจังหวัดนี้"), "province")
    reason = reason.strip()
    if not reason:
        raise LetterError(_("เหตุผลที่ยกเลิก: ต้องระบุเหตุผล"), "reason")
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.status == LetterStatus.CANCELLED:
            raise LetterError(_("หนังสือฉบับนี้ถูกยกเลิกไปแล้ว"), "reason")
        letter.status = LetterStatus.CANCELLED
        letter.cancelled_at = timezone.now()
        letter.cancelled_by = user
        letter.cancel_reason = reason[:500]
        letter.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    return letter


def letters_for(user: Any) -> QuerySet[Letter]:
    """The scoping helper: letters of the provinces whose letters the user may handle."""
    provinces = policy.visible_orgunits(user, OrgUnit.objects.filter(level="province"))
    allowed = [p.pk for p in provinces if policy.can_send_letters(user, p)]
    return Letter.objects.filter(province_id__in=allowed)


def search_letters(
    user: Any,
    q: str = "",
    *,
    province: OrgUnit | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str = "",
    letter_type: str = "",
) -> QuerySet[Letter]:
    """Letters the user may see matching the words (number, subject, recipient)."""
    letters = letters_for(user).select_related("province", "created_by")
    if province is not None:
        letters = letters.filter(province=province)
    for word in q.split():
        digits = thai_digits(word)
        letters = letters.filter(
            Q(number_text__icontains=digits)
            | Q(subject__icontains=word)
            | Q(addressee__icontains=word)
            | Q(recipient_names__icontains=word)
        )
    if date_from:
        letters = letters.filter(date__gte=date_from)
    if date_to:
        letters = letters.filter(date__lte=date_to)
    if status:
        letters = letters.filter(status=status)
    if letter_type:
        letters = letters.filter(letter_type=letter_type)
    return letters


def get_letter_for_user(user: Any, pk: int) -> Letter:
    """A letter of a province the user may handle; 404 outside the scope, 403 inside
    it for those who do not send letters."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    letter = Letter.objects.select_related("province", "office").filter(pk=pk).first()
    if letter is None or not policy.can_view(user, letter.province):
        raise Http404
    if not policy.can_send_letters(user, letter.province):
        raise PermissionDenied
    return letter
