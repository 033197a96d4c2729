"""Settings of the load benchmark (``bench/load.py``): the portal's own settings, read from the
same environment, with the URLs of ``bench/urls.py`` (the portal's, plus the framework's ceiling)
and persistent database connections as a production web worker keeps them.

Production settings otherwise: ``DEBUG`` off, manifest static files (``load.py`` collects them
into a temporary ``STATIC_ROOT``), Redis cache when ``REDIS_URL`` is set. The benchmark talks
plain HTTP to gunicorn, as a TLS-terminating proxy would: ``load.py`` turns the HTTPS redirect and
secure cookies off through the environment.
"""

from chm_portal.settings import *  # noqa: F403
from chm_portal.settings import DATABASES, env

ROOT_URLCONF = "bench.urls"
# Connections kept across requests (the figures count queries, not connection set-up).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
