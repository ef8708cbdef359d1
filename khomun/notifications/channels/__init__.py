"""One module per outside channel, each with the same shape (like healthchecks'
hc/integrations/<name>/):

- `recipient_for(user, prefs) -> Recipient | None`: where this user's messages go on
  this channel, or None when the user has it off or it is not set up;
- `send(delivery) -> Outcome`: one try, never raising for a delivery problem.

`inapp` is the odd one: the Notification row is the message, so it has no `send`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from khomun.notifications.choices import AttemptOutcome


@dataclass(frozen=True)
class Recipient:
    address: str  # an e-mail address or a LINE id
    orgunit_path: str  # the org unit the message concerns, for the province admin's log
    quiet: bool  # does the user's quiet time apply (a person's inbox) or not (an office group)


@dataclass(frozen=True)
class Outcome:
    result: AttemptOutcome
    code: str = ""  # HTTP status or SMTP reply code; empty for a network error
    detail: str = ""
    retry_after: int | None = None  # seconds the other side asked us to wait


def absolute_url(url: str) -> str:
    """A site path made absolute for messages read outside the site."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url if url.startswith('/') else '/' + url}"
