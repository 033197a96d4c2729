"""Object permissions of partners (django-rules), registered when the app loads.

The matrix is in docs/roles-and-permissions.md.
"""

import rules

from chm_portal.accounts.predicates import (
    is_content_reviewer,
    is_helpdesk_or_site_admin,
    is_organisation_admin,
    is_organisation_member,
)

from .models import Organisation


@rules.predicate
def is_approved_organisation(user, obj) -> bool:
    """The organisation (or the object's organisation) is approved, hence public."""
    if isinstance(obj, Organisation):
        return obj.status == Organisation.Status.APPROVED
    return False


# Approved organisations are public; pending and rejected ones only to their members and staff.
rules.add_perm(
    "partners.view_organisation",
    is_approved_organisation | is_organisation_member | is_helpdesk_or_site_admin,
)
rules.add_perm("partners.change_organisation", is_organisation_admin | is_helpdesk_or_site_admin)
rules.add_perm("partners.manage_members", is_organisation_admin | is_helpdesk_or_site_admin)
rules.add_perm("partners.approve_organisation", is_helpdesk_or_site_admin)


@rules.predicate
def is_public_record(user, obj) -> bool:
    """The record is published (or in another public status) by an approved organisation."""
    return obj is not None and getattr(obj, "is_public", False)


# The partners' databases. Members of the owning organisation (any role) prepare, edit, publish
# and close its records; the help desk moderates all of them; the public sees public records.
RECORD_MODELS = (
    "offer",
    "initiative",
    "resource",
    "opportunity",
    "event",
    "partnershipagreement",
)
# Content reviewers also check resources and events against the portal's quality standards.
REVIEWED_MODELS = ("resource", "event")
for _model in RECORD_MODELS:
    moderators = is_helpdesk_or_site_admin
    if _model in REVIEWED_MODELS:
        moderators = moderators | is_content_reviewer
    rules.add_perm(
        f"partners.view_{_model}", is_public_record | is_organisation_member | moderators
    )
    # ``add`` is asked about the organisation the record would belong to.
    rules.add_perm(f"partners.add_{_model}", is_organisation_member | is_helpdesk_or_site_admin)
    rules.add_perm(f"partners.change_{_model}", is_organisation_member | moderators)
    rules.add_perm(f"partners.delete_{_model}", is_organisation_admin | is_helpdesk_or_site_admin)

# Applications: the applicant sees theirs; the help desk and the organisation review them (staff
# review the portal's own programme).
rules.add_perm("partners.review_applications", is_organisation_member | is_helpdesk_or_site_admin)
rules.add_perm("partners.manage_harvest", is_helpdesk_or_site_admin)
