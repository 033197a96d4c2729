"""Object permissions of commitments (django-rules), registered when the app loads.

The owner (the person who made a commitment) edits it and reports its progress; moderators (the
help desk, content reviewers and site administrators) publish or return it; everyone sees what is
published.
"""

import rules

from chm_portal.accounts.predicates import (
    is_content_reviewer,
    is_helpdesk_or_site_admin,
)


@rules.predicate
def is_public_commitment(user, obj) -> bool:
    return obj is not None and getattr(obj, "is_public", False)


@rules.predicate
def is_commitment_owner(user, obj) -> bool:
    """The person made the commitment (``obj`` is a commitment, or has one)."""
    if obj is None or not user.is_authenticated:
        return False
    commitment = getattr(obj, "commitment", obj)
    return commitment.owner_id == user.pk


is_moderator = is_helpdesk_or_site_admin | is_content_reviewer

rules.add_perm(
    "commitments.view_commitment", is_public_commitment | is_commitment_owner | is_moderator
)
# Anyone signed in may make a commitment.
rules.add_perm("commitments.add_commitment", rules.is_authenticated)
rules.add_perm("commitments.change_commitment", is_commitment_owner | is_moderator)
rules.add_perm("commitments.report_progress", is_commitment_owner)
rules.add_perm("commitments.moderate_commitment", is_moderator)
rules.add_perm("commitments.delete_commitment", is_helpdesk_or_site_admin)
rules.add_perm("commitments.view_progressreport", is_moderator | is_commitment_owner)
