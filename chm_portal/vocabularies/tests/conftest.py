"""Fixtures of the reference-data tests.

The reference data itself is loaded by migration 0002 when the test database is created, so the
tests read the real data set (250 countries, 23 GBF targets...) rather than factories.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The API's anonymous throttle counts requests in the cache; start every test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous API client: the reference data is public."""
    return APIClient()
