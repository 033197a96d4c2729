"""Settings come from the environment, with defaults that let a newcomer clone and run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "hosts": settings.ALLOWED_HOSTS,
}))
"""


def probe_settings(**env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "TESTING",
            "DEBUG",
            "SECRET_KEY",
            "CELERY_TASK_ALWAYS_EAGER",
            "EMAIL_BACKEND",
            "ALLOWED_HOSTS",
        }
    }
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="chm_portal.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_defaults_give_sqlite_eager_celery_and_console_email():
    result = probe_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db_engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert "localhost" in values["hosts"]


def test_environment_selects_postgresql_and_redis():
    result = probe_settings(
        DEBUG="true",
        DATABASE_URL="postgres://portal:secret@db.internal:5432/chm",
        REDIS_URL="redis://cache.internal:6379/2",
        ALLOWED_HOSTS="chm.example.org,www.chm.example.org",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db_engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "chm"
    assert values["cache"] == "chm_portal.core.cache.PortalRedisCache"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["hosts"] == ["chm.example.org", "www.chm.example.org"]


def test_secret_key_is_required_when_debug_is_off():
    result = probe_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_variables():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TESTING", "DEBUG", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="chm.example.org",
        DATABASE_URL="sqlite:///:memory:",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
