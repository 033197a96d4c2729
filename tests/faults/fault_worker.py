"""The Celery app of the worker processes the fault tests start: the portal's own, with the
test-only tasks, and looking every second (not every 100 s) for tasks whose worker died, so that
a test sees the redelivery within seconds of the visibility timeout (``CELERY_VISIBILITY_TIMEOUT``).

``celery -A tests.faults.fault_worker worker ...``
"""

from chm_portal.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Imported by the worker after Django is set up.
app.conf.imports = [*app.conf.imports, "tests.faults.fault_tasks"]
