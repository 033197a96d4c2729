"""Reads: organisations, their members and invitations (see partners/selectors/__init__.py).

The public lists and pages of organisations are in :mod:`.public`; here is what registration,
the profile form, the "my organisations" dashboard and the members' page read.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from modeltranslation.utils import build_localized_fieldname

from chm_portal.vocabularies.models import Country

from ..models import Invitation, Membership, Organisation

__all__ = [
    "SIMILAR_NAME_RATIO",
    "invitation_by_token",
    "invitations_open_of_organisation",
    "memberships_of_user",
    "organisation_for_edit",
    "organisation_name_key",
    "organisation_similar",
    "website_domain",
]

# How alike two normalised names must be (difflib's ratio) to be shown as a possible duplicate.
SIMILAR_NAME_RATIO = 0.85
# At most this many organisations are compared with a new name (those sharing a word with it).
_SIMILAR_CANDIDATES = 500
# Words that do not tell organisations apart, in the interface languages.
_NOISE_WORDS = frozenset(
    (
        *("the", "a", "an", "of", "and", "for", "in", "on", "at", "to"),
        *("la", "le", "les", "l", "de", "des", "du", "d", "et", "pour", "en", "au", "aux"),
        *("el", "los", "las", "del", "y", "para", "por"),
    )
)
_NOT_WORD = re.compile(r"[\W_]+")


def organisation_name_key(name: str) -> str:
    """A name reduced to what tells it apart: no case, accents, punctuation or little words.

    "The Mangrove-Alliance (Kenya)" and "mangrove alliance kenya" give the same key.
    """
    decomposed = unicodedata.normalize("NFKD", name or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    words = [word for word in _NOT_WORD.split(bare) if word and word not in _NOISE_WORDS]
    return " ".join(words)


def website_domain(url: str) -> str:
    """The host of a web address, lower case, without "www." ("" when there is none)."""
    url = (url or "").strip()
    if not url:
        return ""
    if "//" not in url:
        url = "//" + url
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _name_columns() -> list[str]:
    return [
        build_localized_fieldname("name", code.replace("-", "_"))
        for code, _name in settings.CONTENT_LANGUAGES
    ]


def organisation_similar(
    name: str,
    acronym: str = "",
    country: Country | None = None,
    website: str = "",
    *,
    exclude_pk: int | None = None,
) -> list[Organisation]:
    """Registered organisations that may be the one described: a name alike in any language
    (ratio of the normalised names at least :data:`SIMILAR_NAME_RATIO`), the same acronym in the
    same headquarters country, or a website on the same domain. Rejected registrations are left
    out. Two queries at most: candidates sharing a word, an acronym or a domain with the new
    organisation are read from the database, then compared here.
    """
    key = organisation_name_key(name)
    domain = website_domain(website)
    acronym = (acronym or "").strip()
    columns = _name_columns()

    possible = Q()
    for word in {word for word in key.split() if len(word) >= 3}:
        for column in columns:
            possible |= Q(**{f"{column}__icontains": word})
    if acronym and country is not None:
        possible |= Q(acronym__iexact=acronym, country=country)
    if domain:
        possible |= Q(website__icontains=domain)
    if not possible:
        return []

    candidates = (
        Organisation.objects.filter(possible)
        .exclude(status=Organisation.Status.REJECTED)
        .select_related("organisation_type", "country")
        .order_by("pk")
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)

    similar = []
    for organisation in candidates[:_SIMILAR_CANDIDATES]:
        same_acronym = bool(
            acronym
            and country is not None
            and organisation.acronym.casefold() == acronym.casefold()
            and organisation.country_id == country.pk
        )
        same_domain = bool(domain) and website_domain(organisation.website) == domain
        names = {getattr(organisation, column) for column in columns} - {None, ""}
        alike = bool(key) and any(
            difflib.SequenceMatcher(None, key, organisation_name_key(other)).ratio()
            >= SIMILAR_NAME_RATIO
            for other in names
        )
        if same_acronym or same_domain or alike:
            similar.append(organisation)
    return similar


def organisation_for_edit() -> QuerySet[Organisation]:
    """Organisations with what their profile form shows (any status: the view checks who)."""
    return Organisation.objects.select_related("organisation_type", "country").prefetch_related(
        "countries_of_operation",
        "regions_of_operation",
        "targets",
        "thematic_areas",
        "support_types",
        "languages",
    )


def memberships_of_user(*, user) -> QuerySet[Membership]:
    """A person's memberships with their organisations, oldest first (the dashboard)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation__organisation_type", "organisation__country")
        .order_by("created_at", "pk")
    )


def invitations_open_of_organisation(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations neither accepted nor withdrawn, newest first (expired ones included: the
    page says so, and sending a new one replaces them)."""
    return (
        Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link carries, with its organisation, or None."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("organisation__organisation_type", "invited_by")
        .filter(token=token)
        .first()
    )
