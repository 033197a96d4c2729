"""Reads: applications to opportunities (see partners/selectors/__init__.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Opportunity, OpportunityApplication

__all__ = ["applications_of_applicant", "applications_of_opportunity"]


def applications_of_applicant(user) -> QuerySet[OpportunityApplication]:
    """A person's applications, with their opportunity and its organisation."""
    return OpportunityApplication.objects.filter(applicant=user).select_related(
        "opportunity__organisation", "opportunity__opportunity_type", "country"
    )


def applications_of_opportunity(opportunity: Opportunity) -> QuerySet[OpportunityApplication]:
    """The applications to an opportunity, open ones first, for its reviewers."""
    return (
        OpportunityApplication.objects.filter(opportunity=opportunity)
        .select_related("applicant", "country", "reviewed_by")
        .order_by("status", "-submitted_at", "pk")
    )
