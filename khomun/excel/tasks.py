"""Background work of the Excel app. Without a broker (tests, `make demo`) it runs inline."""

from celery import shared_task

from khomun.excel import exports, imports


@shared_task(acks_late=True, ignore_result=True)
def run_import(job_id: int) -> None:
    """Check and store one uploaded file. Run again after a restart, it starts over:
    the store is one transaction, so an interrupted run left nothing behind."""
    imports.run_job(job_id)


@shared_task(acks_late=True, ignore_result=True)
def run_export(log_id: int) -> None:
    """Write a large .xlsx export to storage for its requester to download."""
    exports.run_export_job(log_id)
