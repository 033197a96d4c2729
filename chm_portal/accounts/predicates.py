"""Reusable permission predicates (django-rules), for every app's ``rules.py``.

Predicates take ``(user, obj)``; ``obj`` may be ``None`` (the admin asks model-level questions
that way) and then only role predicates can be true.

What a person holds is read once per user object and kept on it (``_chm_*`` attributes, and
``rules``' own ``_group_names_cache``), so that checking a permission on every row of a list costs
no query per row. Services that change roles call :func:`forget_cached_roles` on the user objects
they were given.

Predicates about organisations read ``user.organisation_memberships`` (declared by
``partners.Membership``) so that this app never imports ``partners``.
"""

import rules

from chm_portal.vocabularies.models import Country

from .roles import CONTENT_REVIEWERS_GROUP, HELPDESK_GROUP, SITE_ADMINS_GROUP

# partners.Membership.Role.ADMIN; a test checks that the two agree.
ORGANISATION_ADMIN_ROLE = "admin"

_FOCAL_POINT_CACHE = "_chm_focal_point_country_ids"
_MEMBERSHIP_CACHE = "_chm_organisation_roles"
_GROUP_CACHE = "_group_names_cache"  # the attribute rules.is_group_member fills
# What django.contrib.auth's ModelBackend remembers of group and user permissions.
_MODEL_BACKEND_CACHES = ("_perm_cache", "_user_perm_cache", "_group_perm_cache")


def forget_cached_roles(user) -> None:
    """Drop what the predicates remembered about ``user`` (after a role change)."""
    for attribute in (_FOCAL_POINT_CACHE, _MEMBERSHIP_CACHE, _GROUP_CACHE, *_MODEL_BACKEND_CACHES):
        # delattr rather than __dict__, so that request.user (a lazy object) works too.
        if hasattr(user, attribute):
            delattr(user, attribute)


def focal_point_country_ids(user) -> frozenset[int]:
    """Ids of the countries for which ``user`` is an active focal point, of any kind."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _FOCAL_POINT_CACHE, None)
    if cached is None:
        cached = frozenset(
            user.focal_points.filter(revoked_at__isnull=True).values_list("country_id", flat=True)
        )
        setattr(user, _FOCAL_POINT_CACHE, cached)
    return cached


def organisation_roles(user) -> dict[int, str]:
    """``{organisation id: membership role}`` for every organisation ``user`` belongs to."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _MEMBERSHIP_CACHE, None)
    if cached is None:
        cached = dict(user.organisation_memberships.values_list("organisation_id", "role"))
        setattr(user, _MEMBERSHIP_CACHE, cached)
    return cached


def _country_id_of(obj) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Country):
        return obj.pk
    return getattr(obj, "country_id", None)


def _organisation_id_of(obj) -> int | None:
    if obj is None:
        return None
    # Records of the partners' databases name their owner (``provider``, ``organisation``...).
    owner_id = getattr(obj, "owner_organisation_id", None)
    if owner_id is not None:
        return owner_id
    return getattr(obj, "organisation_id", None)


# --- Staff roles ------------------------------------------------------------------------------
is_helpdesk = rules.is_active & rules.is_group_member(HELPDESK_GROUP)
is_content_reviewer = rules.is_active & rules.is_group_member(CONTENT_REVIEWERS_GROUP)
is_site_admin = rules.is_active & (rules.is_superuser | rules.is_group_member(SITE_ADMINS_GROUP))
# Site administrators may do whatever the help desk does.
is_helpdesk_or_site_admin = is_helpdesk | is_site_admin


# --- Countries ----------------------------------------------------------------------------------
@rules.predicate
def is_focal_point(user) -> bool:
    """The person is an active focal point of some country."""
    return bool(focal_point_country_ids(user))


@rules.predicate
def is_focal_point_of_object_country(user, obj) -> bool:
    """The person is an active focal point (any kind) of the object's country.

    ``obj`` is a Country or has a ``country_id``.
    """
    country_id = _country_id_of(obj)
    return country_id is not None and country_id in focal_point_country_ids(user)


# --- Organisations ------------------------------------------------------------------------------
@rules.predicate
def is_organisation_member(user, obj) -> bool:
    """The person is a member (any role) of the organisation, or of the object's organisation."""
    organisation_id = _organisation_id_of(obj)
    return organisation_id is not None and organisation_id in organisation_roles(user)


@rules.predicate
def is_organisation_admin(user, obj) -> bool:
    """The person administers the organisation, or the object's organisation."""
    organisation_id = _organisation_id_of(obj)
    return (
        organisation_id is not None
        and organisation_roles(user).get(organisation_id) == ORGANISATION_ADMIN_ROLE
    )


# --- Ownership ----------------------------------------------------------------------------------
@rules.predicate
def is_owner(user, obj) -> bool:
    """The object belongs to the person: its ``user`` or, failing that, its ``created_by``."""
    if obj is None or not user.is_authenticated:
        return False
    owner_id = getattr(obj, "user_id", None)
    if owner_id is None:
        owner_id = getattr(obj, "created_by_id", None)
    return owner_id is not None and owner_id == user.pk
