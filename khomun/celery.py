"""The task queue. With CELERY_BROKER_URL set (Redis in production) tasks go to
`khomun worker`; without it (the embedded default) they run inline, so `make demo`
needs no extra server."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khomun.settings")

app = Celery("khomun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
