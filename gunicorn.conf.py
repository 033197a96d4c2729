"""gunicorn's settings for the portal's web container (read from the working directory).

Each can be overridden on the command line or in ``GUNICORN_CMD_ARGS``; ``WEB_CONCURRENCY``
sets the number of workers (gunicorn reads it itself).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: one request each; two per core and one more, as gunicorn advises.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A full export streams every public record (the registry's 100,000 requests take about two
# minutes, in constant memory; bench/README.md): the default 30 s would cut it off.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 300))
graceful_timeout = 30
# Workers are replaced now and then, so that no slow growth of memory lasts.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
