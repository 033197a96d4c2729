"""The link a request's pages (in ``needs``) show to its suggested support and matches,
registered in ``MatchmakingConfig.ready`` (see ``chm_portal/core/extensions.py``)."""

from django.urls import reverse
from django.utils.translation import gettext

from needs.models import Need

from .selectors.suggestions import REQUESTER_SUGGESTION_STATUSES


def need_suggestions_link(need: Need, user) -> tuple[str, str] | None:
    """Owners and the help desk follow suggestions and matches from the request's pages; anyone
    sees the support suggested for a public request once it is open for matching."""
    if not (
        user.has_perm("matchmaking.view_suggestions", need)
        or (need.is_public and need.status in REQUESTER_SUGGESTION_STATUSES)
    ):
        return None
    return (
        gettext("Suggested support and matches"),
        reverse("matchmaking:need_suggestions", kwargs={"need_pk": need.pk}),
    )
