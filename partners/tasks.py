"""Celery tasks: thin and idempotent; they take ids and call services."""
