"""Background work of notifications. Without a broker (tests, `make demo`) it runs
inline; nothing here sleeps (retries wait in `next_attempt_at`)."""

from celery import shared_task

from khomun.notifications import sending


@shared_task(acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> None:
    """Send one delivery if it is due; a repeated run sends nothing twice."""
    sending.deliver(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def send_due_deliveries() -> None:
    """Every minute (beat): deliveries out of quiet time or due for a retry."""
    sending.send_due()
