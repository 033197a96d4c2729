"""Fixtures shared by the tests of every app: the named people of the portal.

Each kind of object has an owner, a teammate and an outsider: Amani is CHM focal point of Kenya
(country A) and Baraka his colleague (CBD focal point of Kenya); Beatriz is focal point of Brazil
(country B). Xavier administers partner organisation X and Yara organisation Y. Hana works at the
help desk, Rui reviews content, Sam administers the site, and Lea is a learner with no role.

Factories are in ``tests/factories.py``.

``TESTING=true`` is set by pytest-env (``[tool.pytest.ini_options] env`` in pyproject.toml) before
pytest-django loads the settings.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from chm_portal.accounts.roles import FocalPointKind, Role
from partners.models import Membership
from tests.factories import (
    CountryFactory,
    FocalPointFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and rate limits count in the cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_matching_indexes():
    """The engine's indexes are cached per process by a fingerprint of the rows; a rolled-back
    test can leave rows with the same fingerprint behind: start every test without them."""
    from matchmaking.selectors.suggestions import forget_cached_indexes

    forget_cached_indexes()
    yield
    forget_cached_indexes()


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /fr/ leaves French active in the thread; start every test in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- Places -------------------------------------------------------------------------------------
@pytest.fixture
def country_a(db):
    """Kenya, a CBD Party (from the reference data)."""
    return CountryFactory(code="KE", name="Kenya", is_cbd_party=True)


@pytest.fixture
def country_b(db):
    """Brazil, a CBD Party (from the reference data)."""
    return CountryFactory(code="BR", name="Brazil", is_cbd_party=True)


# --- Focal points -------------------------------------------------------------------------------
@pytest.fixture
def focal_point_a(country_a):
    """Amani Otieno, CHM focal point of Kenya."""
    user = UserFactory(email="amani.otieno@environment.go.ke", full_name="Amani Otieno")
    FocalPointFactory(user=user, country=country_a, kind=FocalPointKind.CHM)
    return user


@pytest.fixture
def colleague_a(country_a):
    """Baraka Mwangi, CBD national focal point of Kenya: Amani's colleague."""
    user = UserFactory(email="baraka.mwangi@environment.go.ke", full_name="Baraka Mwangi")
    FocalPointFactory(user=user, country=country_a, kind=FocalPointKind.CBD)
    return user


@pytest.fixture
def focal_point_b(country_b):
    """Beatriz Souza, CHM focal point of Brazil."""
    user = UserFactory(email="beatriz.souza@mma.gov.br", full_name="Beatriz Souza")
    FocalPointFactory(user=user, country=country_b, kind=FocalPointKind.CHM)
    return user


# --- Partner organisations ----------------------------------------------------------------------
@pytest.fixture
def organisation_x(db):
    """Mangrove Alliance (approved)."""
    return OrganisationFactory(name="Mangrove Alliance", acronym="MA")


@pytest.fixture
def organisation_y(db):
    """Savanna Research Institute (approved)."""
    return OrganisationFactory(name="Savanna Research Institute", acronym="SRI")


@pytest.fixture
def member_x(organisation_x):
    """Xavier Dupont, administrator of organisation X."""
    user = UserFactory(email="xavier@mangrove-alliance.example", full_name="Xavier Dupont")
    MembershipFactory(user=user, organisation=organisation_x, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def member_y(organisation_y):
    """Yara Haddad, administrator of organisation Y."""
    user = UserFactory(email="yara@savanna-institute.example", full_name="Yara Haddad")
    MembershipFactory(user=user, organisation=organisation_y, role=Membership.Role.ADMIN)
    return user


# --- Staff and everyone else --------------------------------------------------------------------
@pytest.fixture
def helpdesk_user(db):
    """Hana Kim, help desk."""
    return UserFactory(
        email="hana.kim@chm-portal.example", full_name="Hana Kim", staff_roles=[Role.HELPDESK]
    )


@pytest.fixture
def reviewer_user(db):
    """Rui Costa, content reviewer."""
    return UserFactory(
        email="rui.costa@chm-portal.example",
        full_name="Rui Costa",
        staff_roles=[Role.CONTENT_REVIEWER],
    )


@pytest.fixture
def site_admin(db):
    """Sam Taylor, site administrator."""
    return UserFactory(
        email="sam.taylor@chm-portal.example",
        full_name="Sam Taylor",
        staff_roles=[Role.SITE_ADMIN],
    )


@pytest.fixture
def learner(db):
    """Lea Martin, signed up, no role."""
    return UserFactory(email="lea.martin@example.org", full_name="Lea Martin")


@pytest.fixture
def api_client() -> APIClient:
    """An API client, anonymous until a test authenticates it."""
    return APIClient()
