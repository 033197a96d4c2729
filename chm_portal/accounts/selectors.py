"""Reads: functions returning QuerySets with their related rows loaded."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.utils import timezone

from chm_portal.vocabularies.models import Country

from .models import FocalPoint, RoleRequest, User
from .predicates import is_helpdesk_or_site_admin
from .roles import HELPDESK_GROUP, SITE_ADMINS_GROUP, STAFF_GROUP_NAMES


def focal_points_of_user(*, user: User, active_only: bool = True) -> QuerySet[FocalPoint]:
    """A person's focal-point assignments, with their countries."""
    queryset = FocalPoint.objects.filter(user=user).select_related("country")
    if active_only:
        queryset = queryset.active()
    return queryset.order_by("country__name", "kind")


def focal_points_of_country(*, country: Country) -> QuerySet[FocalPoint]:
    """The active focal points of a country, with the people."""
    return (
        FocalPoint.objects.active()
        .filter(country=country)
        .select_related("user", "country")
        .order_by("kind", "user__full_name")
    )


def organisation_memberships_of_user(*, user: User) -> QuerySet:
    """A person's memberships of partner organisations, with the organisations.

    Through the reverse relation that ``partners.Membership`` declares, so as not to import it.
    """
    return user.organisation_memberships.select_related("organisation").order_by(
        "organisation__name"
    )


def staff_groups_of_user(*, user: User) -> QuerySet[Group]:
    """The staff groups (help desk, content reviewers, site administrators) a person is in."""
    return user.groups.filter(name__in=STAFF_GROUP_NAMES).order_by("name")


def role_requests_of_user(*, user: User) -> QuerySet[RoleRequest]:
    """A person's own role requests, newest first."""
    return RoleRequest.objects.filter(user=user).select_related("country").order_by("-created_at")


def role_requests_visible_to(*, user: User) -> QuerySet[RoleRequest]:
    """Role requests a person may see: all for the help desk, their own for anyone else."""
    queryset = RoleRequest.objects.select_related("user", "country", "decided_by")
    if not user.is_authenticated:
        return queryset.none()
    if not is_helpdesk_or_site_admin(user):
        queryset = queryset.filter(user=user)
    return queryset.order_by("-created_at")


def role_requests_pending(*, created_before: datetime | None = None) -> QuerySet[RoleRequest]:
    """Pending role requests, oldest first: the help desk's queue."""
    queryset = RoleRequest.objects.filter(status=RoleRequest.Status.PENDING).select_related(
        "user", "country"
    )
    if created_before is not None:
        queryset = queryset.filter(created_at__lt=created_before)
    return queryset.order_by("created_at")


def helpdesk_staff() -> QuerySet[User]:
    """The people requests may be assigned to: active help desk and site administrators."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=(HELPDESK_GROUP, SITE_ADMINS_GROUP)) | Q(is_superuser=True))
        .distinct()
        .order_by("full_name", "email")
    )


def active_users(as_of: date, *, days: int = 90) -> QuerySet[User]:
    """Accounts (not deactivated) that signed in within ``days`` days before the end of
    ``as_of``. Only the last sign-in is kept, so this is exact for today and approximate for a
    past day."""
    end = datetime.combine(
        as_of + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone()
    )
    return User.objects.filter(
        is_active=True, last_login__gte=end - timedelta(days=days), last_login__lt=end
    )
