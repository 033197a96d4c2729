"""Writes of saved searches and follows. Views, the admin and tasks call these; each checks
first, then changes, and raises a translated ``ValidationError`` the page can show."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import get_database

from . import selectors
from .models import MAX_QUERY_STRING_LENGTH, Follow, SavedSearch, normalise_query_string

__all__ = [
    "MAX_SAVED_SEARCHES",
    "follow_create",
    "follow_delete",
    "saved_search_create",
    "saved_search_delete",
    "saved_search_set_frequency",
]

# Saved searches a person may keep: every one is checked by the digest job.
MAX_SAVED_SEARCHES = 50


def saved_search_create(
    *,
    user,
    database_key: str,
    query: str,
    name: str,
    frequency: str = SavedSearch.Frequency.DAILY,
    request: HttpRequest | None = None,
) -> SavedSearch:
    """Save the list of ``database_key`` filtered by ``query`` for ``user``.

    Refused (``ValidationError``) when the database is unknown, the filters do not validate (as
    the list page would say), the query is too long, the person already saved it or keeps
    ``MAX_SAVED_SEARCHES`` already. ``request`` gives the FilterSet the same arguments as the
    list the person came from.
    """
    database = get_database(database_key)
    if database is None:
        raise ValidationError(
            {"database": _("This list cannot be saved: it is not one of the portal's databases.")}
        )
    query = normalise_query_string(query)
    if len(query) > MAX_QUERY_STRING_LENGTH:
        raise ValidationError(
            {"query": _("These filters are too many to save; remove some and try again.")}
        )
    filterset = selectors.saved_search_filterset(database, query, request)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(str(message) for message in messages)}"
            for name, messages in filterset.errors.items()
        )
        raise ValidationError(
            {
                "query": _("Some filters of this list are not valid: %(problems)s")
                % {"problems": problems}
            }
        )
    if frequency not in SavedSearch.Frequency.values:
        raise ValidationError({"frequency": _("Choose how often to get emails.")})
    saved_searches = selectors.saved_searches_of(user=user)
    if saved_searches.filter(database=database.key, query=query).exists():
        raise ValidationError(_("You have already saved this search."))
    if saved_searches.count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            _("You can keep %(limit)s saved searches at most: delete one to save this one.")
            % {"limit": MAX_SAVED_SEARCHES}
        )
    saved_search = SavedSearch(
        user=user,
        database=database.key,
        query=query,
        name=name.strip()[:200] or str(database.label),
        frequency=frequency,
    )
    saved_search.full_clean(exclude=["user"], validate_constraints=False)
    try:
        with transaction.atomic():
            saved_search.save()
    except IntegrityError as error:  # saved twice at once (two tabs)
        raise ValidationError(_("You have already saved this search.")) from error
    return saved_search


def saved_search_set_frequency(*, saved_search: SavedSearch, frequency: str) -> SavedSearch:
    """Change how often the digest of ``saved_search`` is sent (``off`` stops it)."""
    if frequency not in SavedSearch.Frequency.values:
        raise ValidationError({"frequency": _("Choose how often to get emails.")})
    if saved_search.frequency != frequency:
        saved_search.frequency = frequency
        saved_search.save(update_fields=["frequency"])
    return saved_search


def saved_search_delete(*, saved_search: SavedSearch) -> None:
    saved_search.delete()


def follow_create(*, user, record: Model) -> Follow:
    """Follow a public opportunity or event: one reminder before its deadline or start.

    Following twice keeps the one follow. Refused for other records, for records the public
    cannot see, and for closed or past ones (there would be no reminder).
    """
    rule = selectors.followable_of(record)
    if rule is None:
        raise ValidationError(_("Only opportunities and events may be followed."))
    database = selectors.database_for_model(type(record))
    if database is None or not database.queryset().filter(pk=record.pk).exists():
        raise ValidationError(_("Only published records may be followed."))
    date = getattr(record, rule.date_field)
    still_open = all(getattr(record, name) == value for name, value in rule.conditions.items())
    if not still_open or date is None or date <= timezone.now():
        raise ValidationError(
            _("This record is closed or past: there is nothing to remind you of.")
        )
    content_type = ContentType.objects.get_for_model(record)
    try:
        with transaction.atomic():
            follow, _created = Follow.objects.get_or_create(
                user=user, content_type=content_type, object_id=record.pk
            )
    except IntegrityError:  # followed twice at once
        follow = Follow.objects.get(user=user, content_type=content_type, object_id=record.pk)
    return follow


def follow_delete(*, user, content_type: ContentType, object_id: Any) -> bool:
    """Stop following; True when there was a follow to remove."""
    deleted, _by_model = Follow.objects.filter(
        user=user, content_type=content_type, object_id=object_id
    ).delete()
    return bool(deleted)
