"""Demo data of matchmaking (``manage.py seed_demo``): suggestions of every open demo request,
then matches in every state (``demo_matches``) and pilot projects with reports, evaluations and
stories (``demo_projects``). Idempotent, like the other apps' demo data."""

from collections.abc import Callable

from . import demo_matches, demo_projects
from .selectors.suggestions import forget_cached_indexes, needs_to_suggest_for
from .services.suggestions import suggestions_refresh_needs


def seed(*, log: Callable[[str], None]) -> None:
    forget_cached_indexes()
    need_ids = list(needs_to_suggest_for().values_list("pk", flat=True))
    stored = suggestions_refresh_needs(need_ids=need_ids)
    log(f"Suggestions: {stored} for {len(need_ids)} open requests.")
    demo_matches.seed(log=log)
    demo_projects.seed(log=log)
