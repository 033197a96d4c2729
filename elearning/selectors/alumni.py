"""Reads of the alumni database: the opt-in directory, a profile, and who counts as an active
alumnus. Each returns a QuerySet with its ``select_related``/``prefetch_related``, so that a page
costs the same number of queries however many alumni it shows."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from chm_portal.vocabularies.models import Country

from ..models import ACTIVE_ALUMNI_DAYS, Alumnus, Participation

__all__ = [
    "active_alumni",
    "alumni_directory",
    "alumnus_for_page",
    "alumnus_of",
    "directory_countries",
]


def _participations() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related("country").order_by("-year", "activity"),
    )


def alumni_directory() -> QuerySet[Alumnus]:
    """The alumni who chose to appear in the directory, by name, with their country,
    expertise, languages and participations."""
    return (
        Alumnus.objects.filter(in_directory=True)
        .select_related("country")
        .prefetch_related("expertise", "languages", _participations())
        .order_by("full_name", "pk")
    )


def directory_countries() -> QuerySet[Country]:
    """Countries of the alumni in the directory (the choices of its country filter)."""
    return Country.objects.filter(
        pk__in=Alumnus.objects.filter(in_directory=True).values("country_id")
    ).order_by("name")


def alumnus_for_page() -> QuerySet[Alumnus]:
    return Alumnus.objects.select_related("country").prefetch_related(
        "expertise", "languages", _participations()
    )


def alumnus_of(user) -> Alumnus | None:
    """The alumnus linked to ``user``'s account, if any."""
    if not user.is_authenticated:
        return None
    return Alumnus.objects.filter(user=user).first()


def active_alumni(now=None) -> QuerySet[Alumnus]:
    """Alumni who used the portal (signed in, posted, learned) within a year (monitoring)."""
    cutoff = (now or timezone.now()) - timedelta(days=ACTIVE_ALUMNI_DAYS)
    return Alumnus.objects.filter(last_active_at__gte=cutoff)
