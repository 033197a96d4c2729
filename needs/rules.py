"""Object permissions of requests for assistance and assessments (django-rules).

Owners of a request are the focal points of its country and the person who created it (an IPLC
organisation's member, or a focal point who has since moved on). The help desk sees and triages
everything; the public sees published, public requests.
"""

import rules

from chm_portal.accounts.predicates import (
    is_focal_point,
    is_focal_point_of_object_country,
    is_helpdesk_or_site_admin,
)

from .models import EDITABLE_STATUSES, PUBLIC_STATUSES, Need
from .workflow import TRANSITIONS, NeedEvent

IPLC_ORGANISATION_TYPE = "iplc"
_IPLC_CACHE = "_chm_is_iplc_member"


@rules.predicate
def is_iplc_member(user) -> bool:
    """The person belongs to an approved indigenous peoples' or local community organisation."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, _IPLC_CACHE, None)
    if cached is None:
        cached = user.organisation_memberships.filter(
            organisation__organisation_type__code=IPLC_ORGANISATION_TYPE,
            organisation__status="approved",
        ).exists()
        setattr(user, _IPLC_CACHE, cached)
    return cached


@rules.predicate
def is_creator(user, need) -> bool:
    return need is not None and user.is_authenticated and need.created_by_id == user.pk


@rules.predicate
def is_public_need(user, need) -> bool:
    return (
        need is not None
        and need.status in PUBLIC_STATUSES
        and (need.visibility == Need.Visibility.PUBLIC)
    )


@rules.predicate
def is_editable(user, need) -> bool:
    return need is not None and need.status in EDITABLE_STATUSES


@rules.predicate
def is_withdrawable(user, need) -> bool:
    return need is not None and need.status in TRANSITIONS[NeedEvent.Action.WITHDRAWN][0]


is_need_owner = is_focal_point_of_object_country | is_creator
may_express_needs = is_focal_point | is_iplc_member | is_helpdesk_or_site_admin

rules.add_perm("needs.add_need", may_express_needs)
rules.add_perm("needs.view_need", is_public_need | is_need_owner | is_helpdesk_or_site_admin)
rules.add_perm("needs.view_need_private", is_need_owner | is_helpdesk_or_site_admin)
rules.add_perm("needs.change_need", (is_need_owner & is_editable) | is_helpdesk_or_site_admin)
rules.add_perm("needs.withdraw_need", is_withdrawable & (is_need_owner | is_helpdesk_or_site_admin))
rules.add_perm("needs.message_need", is_need_owner | is_helpdesk_or_site_admin)
rules.add_perm("needs.triage_need", is_helpdesk_or_site_admin)
rules.add_perm("needs.delete_need", rules.always_deny)

# Assessments belong to a country: its focal points and the help desk.
rules.add_perm("needs.add_assessment", is_focal_point | is_helpdesk_or_site_admin)
rules.add_perm(
    "needs.view_assessment", is_focal_point_of_object_country | is_helpdesk_or_site_admin
)
rules.add_perm(
    "needs.change_assessment", is_focal_point_of_object_country | is_helpdesk_or_site_admin
)
