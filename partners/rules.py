"""Object permissions of partners (django-rules), registered when the app loads.

The matrix is in docs/roles-and-permissions.md.
"""

import rules

from chm_portal.accounts.predicates import (
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
