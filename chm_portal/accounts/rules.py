"""Object permissions of accounts (django-rules), registered when the app loads.

Ask them with ``user.has_perm("accounts.<name>", obj)``; the matrix is in
docs/roles-and-permissions.md.
"""

import rules

from .predicates import is_helpdesk_or_site_admin, is_owner, is_site_admin
from .roles import Role


@rules.predicate
def is_site_admin_role(user, role) -> bool:
    """The role being granted is site administrator (``role`` is a Role value)."""
    return role == Role.SITE_ADMIN


# Role requests: the requester sees their own; the help desk sees and decides all.
rules.add_perm("accounts.view_rolerequest", is_owner | is_helpdesk_or_site_admin)
rules.add_perm("accounts.decide_rolerequest", is_helpdesk_or_site_admin)

# Focal points: the help desk records and ends the Parties' nominations.
rules.add_perm("accounts.view_focalpoint", is_owner | is_helpdesk_or_site_admin)
rules.add_perm("accounts.grant_focal_point", is_helpdesk_or_site_admin)
rules.add_perm("accounts.revoke_focal_point", is_helpdesk_or_site_admin)

# Staff roles (the object is the Role): the help desk may add help desk staff and content
# reviewers; only site administrators make site administrators.
rules.add_perm(
    "accounts.grant_staff_role",
    is_site_admin | (is_helpdesk_or_site_admin & ~is_site_admin_role),
)
