"""Object permissions of quality reviews (django-rules), autodiscovered at start-up.

- **Content reviewers** and site administrators see the queue, open reviews of any reviewable
  item, fill in the checklist and decide.
- **The item's team** (members of the organisation that owns the course, resource or event)
  ask for a review of their item, read its reviews and say what they improved.

Objects: ``quality.view_queue`` takes none; ``quality.request_review`` and
``quality.view_item_reviews`` the reviewed item (anything with ``owner_organisation_id``); the
others a :class:`~chm_portal.quality.models.QualityReview`.
"""

import rules

from chm_portal.accounts.predicates import (
    is_content_reviewer,
    is_organisation_member,
    is_site_admin,
)

from .models import QualityReview

is_reviewer = is_content_reviewer | is_site_admin

_ITEM_CACHE = "_chm_reviewed_item"


def item_of(review: QualityReview):
    """The reviewed item, read once per review object (None when it was deleted)."""
    if not hasattr(review, _ITEM_CACHE):
        model = review.content_type.model_class()
        item = None
        if model is not None:
            item = model._default_manager.filter(pk=review.object_id).first()
        setattr(review, _ITEM_CACHE, item)
    return getattr(review, _ITEM_CACHE)


@rules.predicate
def is_item_team(user, obj) -> bool:
    """The person belongs to the organisation that owns the reviewed item."""
    if not user.is_authenticated or obj is None:
        return False
    item = item_of(obj) if isinstance(obj, QualityReview) else obj
    return item is not None and bool(is_organisation_member(user, item))


rules.add_perm("quality.view_queue", is_reviewer)
rules.add_perm("quality.review_item", is_reviewer)
rules.add_perm("quality.request_review", is_reviewer | is_item_team)
rules.add_perm("quality.view_review", is_reviewer | is_item_team)
rules.add_perm("quality.view_item_reviews", is_reviewer | is_item_team)
rules.add_perm("quality.record_improvements", is_item_team | is_site_admin)
