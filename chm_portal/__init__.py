"""The CHM portal project package: settings, URLs, Celery and the apps every domain shares."""

from .celery import app as celery_app

__all__ = ("celery_app",)
