"""Web workers do not load scikit-learn: only building an index (in the workers) needs it."""

import subprocess
import sys

from django.conf import settings

LOAD_THE_PORTAL = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "chm_portal.settings"
import django
django.setup()
from django.contrib import admin
from django.urls import resolve
resolve("/en/")
admin.autodiscover()
import matchmaking.reasons, matchmaking.selectors.suggestions, matchmaking.services.suggestions
print("sklearn" in sys.modules)
from matchmaking import engine
engine.OfferIndex
print("sklearn" in sys.modules)
"""


def test_the_portal_loads_without_scikit_learn_until_an_index_is_built():
    result = subprocess.run(
        [sys.executable, "-c", LOAD_THE_PORTAL],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["False", "True"]
