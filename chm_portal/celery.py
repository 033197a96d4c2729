"""Celery, wired once. Configuration comes from the ``CELERY_*`` Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chm_portal.settings")

app = Celery("chm_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
