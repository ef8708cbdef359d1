"""gunicorn's settings for Khomun: `make demo`, the load test and production read them
(`gunicorn -c gunicorn.conf.py khomun.wsgi:application --bind ...`); WEB_CONCURRENCY
sets the number of workers (2 by default, one per core).

One thread per worker, but the gthread worker rather than the sync one: it keeps a
client's connection open between requests (keep-alive), where a sync worker closes
it after every answer, so each request paid a new TCP connection on both ends. The
deadline-day load test served 196 requests a second instead of 165 (p95 320 ms
instead of 820), back to back. More threads do not help: the GIL (2 x 4 threads
served a quarter less than 2 x 1). The worker's main thread also keeps telling the
arbiter it is alive while its thread streams a long CSV export.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = 1
keepalive = 5  # seconds an idle client's connection stays open
# A national CSV export takes 11-15 s on two cores, longer on a busy machine.
timeout = 120
