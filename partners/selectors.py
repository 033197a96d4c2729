"""Reads: functions returning QuerySets with their related rows loaded."""

from django.db.models import Q, QuerySet

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin

from .models import Membership, Organisation


def organisations_public() -> QuerySet[Organisation]:
    """Approved organisations: the ones anyone may see."""
    return Organisation.objects.filter(status=Organisation.Status.APPROVED).select_related(
        "organisation_type", "country"
    )


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    """Approved organisations, plus the ones the person belongs to; everything for the help desk."""
    queryset = Organisation.objects.select_related("organisation_type", "country")
    if user.is_authenticated and is_helpdesk_or_site_admin(user):
        return queryset
    visible = Q(status=Organisation.Status.APPROVED)
    if user.is_authenticated:
        visible |= Q(memberships__user=user)
    return queryset.filter(visible).distinct()


def organisations_of_user(*, user) -> QuerySet[Organisation]:
    """The organisations a person belongs to, in any role and any status."""
    return Organisation.objects.filter(memberships__user=user).select_related(
        "organisation_type", "country"
    )


def organisations_pending() -> QuerySet[Organisation]:
    """Registrations waiting for the help desk, oldest first."""
    return (
        Organisation.objects.filter(status=Organisation.Status.PENDING)
        .select_related("organisation_type", "country", "created_by")
        .order_by("created_at")
    )


def memberships_of_organisation(*, organisation: Organisation) -> QuerySet[Membership]:
    """An organisation's members, administrators first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
