"""Writes of saved searches and follows. Views, the admin and tasks call these; each checks
first, then changes, and raises a translated ``ValidationError`` the page can show."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core.databases import get_database

from . import selectors
from .models import (
    MAX_QUERY_STRING_LENGTH,
    Follow,
    InboxMessage,
    SavedSearch,
    normalise_query_string,
)

__all__ = [
    "MAX_SAVED_SEARCHES",
    "follow_create",
    "follow_delete",
    "inbox_mark_all_read",
    "inbox_mark_read",
    "inbox_send",
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


# --- Inbox ------------------------------------------------------------------------------------
_SUBJECT_LENGTH = InboxMessage._meta.get_field("subject").max_length
_URL_LENGTH = InboxMessage._meta.get_field("url").max_length


def _inbox_link(url: str) -> str:
    """A link an inbox message may carry: a path on the portal (an absolute URL of the portal
    becomes its path), or an http(s) address. Anything else is a programming error."""
    url = str(url or "").strip()
    site = settings.SITE_URL.rstrip("/")
    if site and url.startswith(site + "/"):
        url = url[len(site) :]
    if url and not (
        (url.startswith("/") and not url.startswith("//"))
        or url.startswith(("https://", "http://"))
    ):
        raise ValueError(f"An inbox link must be a path or an http(s) URL, not {url!r}.")
    if len(url) > _URL_LENGTH:
        raise ValueError(f"An inbox link is limited to {_URL_LENGTH} characters.")
    return url


def inbox_send(*, recipients: Iterable, subject: str, body: str = "", url: str = "") -> int:
    """Put one message in the in-portal inbox of each active person of ``recipients`` (each
    once, however often listed); returns how many were sent. One INSERT for them all.

    The caller translates ``subject`` and ``body`` (in each recipient's language, or the
    portal's); ``url`` is a path on the portal to the page where the person can act. Call it in
    the transaction of the notification it goes with, so that the inbox and the email outbox
    agree.
    """
    seen: set[int] = set()
    messages: list[InboxMessage] = []
    now = timezone.now()
    subject = " ".join(str(subject).split())[:_SUBJECT_LENGTH]
    url = _inbox_link(url)
    for user in recipients:
        if user is None or user.pk is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        messages.append(
            InboxMessage(recipient=user, subject=subject, body=str(body), url=url, created_at=now)
        )
    if messages:
        InboxMessage.objects.bulk_create(messages)
    return len(messages)


def inbox_mark_read(*, message: InboxMessage, by) -> InboxMessage:
    """Mark a message of ``by``'s inbox as read (again: nothing changes). Someone else's message
    is refused: the page answers 404 before that, this guards the other callers."""
    if message.recipient_id != getattr(by, "pk", None):
        raise ValidationError(_("This message is not in your inbox."))
    if message.read_at is None:
        message.read_at = timezone.now()
        InboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(
            read_at=message.read_at
        )
    return message


def inbox_mark_all_read(*, by) -> int:
    """Mark every unread message of ``by``'s inbox as read; returns how many were unread."""
    return InboxMessage.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
