"""E-mail channel: Thai plain text with an HTML alternative, through Django's mail backend.

SMTP 4xx replies and network errors are temporary (retried with back-off); a 5xx
reply is permanent and fails the delivery at once, as SMTP means it.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from khomun.accounts import policy
from khomun.notifications.channels import Outcome, Recipient, absolute_url
from khomun.notifications.choices import AttemptOutcome
from khomun.notifications.models import Delivery, NotificationSettings


def recipient_for(user: Any, prefs: NotificationSettings) -> Recipient | None:
    if not prefs.email_enabled or not user.email:
        return None
    unit = policy.primary_unit(user)
    return Recipient(user.email, unit.path if unit else "", quiet=True)


def build_message(delivery: Delivery) -> EmailMultiAlternatives:
    html_body = mark_safe(delivery.html) if delivery.html else mark_safe(linebreaks(delivery.text))  # noqa: S308
    html = render_to_string(
        "notifications/email.html",
        {
            "subject": delivery.subject,
            "body": html_body,
            "url": absolute_url(delivery.url),
            "site_url": settings.SITE_URL,
        },
    )
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
    )
    message.attach_alternative(html, "text/html")
    return message


def _reply(code: int, text: bytes | str) -> Outcome:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    result = AttemptOutcome.FAILED if 500 <= code < 600 else AttemptOutcome.RETRY
    return Outcome(result, code=str(code), detail=f"{code} {detail}".strip())


def send(delivery: Delivery) -> Outcome:
    try:
        build_message(delivery).send()
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        return _reply(code, text)
    except smtplib.SMTPResponseException as exc:
        return _reply(exc.smtp_code, exc.smtp_error)
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(AttemptOutcome.RETRY, detail=f"{type(exc).__name__}: {exc}")
    return Outcome(AttemptOutcome.SENT, code="250")
