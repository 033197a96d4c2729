"""Emails of saved searches (digests of new records) and follows (reminders), sent by the
scheduled tasks in ``tasks.py``.

Both jobs claim their rows with a conditional update before sending, so a run that overlaps
another, or runs twice in a row, sends each email once; when sending fails the claim is released
and the next run tries again. One email per person per run, in the person's preferred language,
with absolute links (``settings.SITE_URL``) carrying that language's prefix.

- Digest: a saved search is due a day (daily) or a week (weekly) after it was last checked (or,
  never checked, saved). The records new since the last digest that listed it (or since it was
  saved) are counted; the 20 newest are listed. Nothing new, no email.
- Reminder: a follow of a published opportunity whose deadline is within 7 days, or of a
  published event starting within 2 days, is reminded once.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from itertools import groupby
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import selectors
from .models import FOLLOWABLE, Follow, SavedSearch, followable_label

logger = logging.getLogger(__name__)

TEMPLATES = "alerts/email"
# Failures of one person's email that must not stop the others' (the claim is released and the
# next run tries again).
_DELIVERY_ERRORS = (SMTPException, ConnectionError, TimeoutError)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _language_of(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "preferred_language", "") or ""
    return language if language in codes else settings.LANGUAGE_CODE


def _message(template: str, user, context: dict[str, Any]) -> EmailMultiAlternatives:
    """Render ``template`` (subject and text) for ``user``; call under their language."""
    context = {**context, "user": user}
    subject = render_to_string(f"{TEMPLATES}/{template}_subject.txt", context)
    text = render_to_string(f"{TEMPLATES}/{template}.txt", context)
    return EmailMultiAlternatives(" ".join(subject.split()), text, None, [user.email])


# --- Saved searches ---------------------------------------------------------------------------
def saved_search_digests_send(*, now: datetime.datetime | None = None) -> int:
    """Send the digests due at ``now`` (default: the present); returns the emails sent."""
    now = now or timezone.now()
    due = selectors.saved_searches_due(now=now)
    sent = 0
    for _user_id, searches in groupby(due, key=lambda saved_search: saved_search.user_id):
        searches = list(searches)
        try:
            sent += saved_search_digest_send(
                user=searches[0].user, saved_searches=searches, now=now
            )
        except _DELIVERY_ERRORS:
            logger.warning("Digest to user %s not sent; the next run retries", _user_id)
    return sent


def _claim_searches(saved_searches: list[SavedSearch], now: datetime.datetime) -> list[int]:
    """Mark the searches checked at ``now``; the ids this run may handle."""
    ids = [saved_search.pk for saved_search in saved_searches]
    # Still due: another run may have checked them since they were listed.
    SavedSearch.objects.filter(
        pk__in=selectors.saved_searches_due(now=now).filter(pk__in=ids).values("pk")
    ).update(last_checked_at=now)
    return list(
        SavedSearch.objects.filter(pk__in=ids, last_checked_at=now).values_list("pk", flat=True)
    )


def saved_search_digest_send(
    *, user, saved_searches: Iterable[SavedSearch], now: datetime.datetime
) -> bool:
    """Email ``user`` the records new in their due ``saved_searches`` (one email for all).

    True when an email went out. The searches are marked checked first; those that had new
    records are marked sent once the email is sent.
    """
    saved_searches = list(saved_searches)
    claimed = set(_claim_searches(saved_searches, now))
    saved_searches = [search for search in saved_searches if search.pk in claimed]
    if not saved_searches:
        return False
    try:
        with translation.override(_language_of(user)):
            sections = _digest_sections(saved_searches, now)
            if not sections:
                return False
            message = _message(
                "digest",
                user,
                {
                    "sections": sections,
                    "total": sum(section["count"] for section in sections),
                    "manage_url": _absolute(reverse("alerts:saved_searches")),
                },
            )
        message.send()
    except Exception:
        SavedSearch.objects.filter(pk__in=claimed, last_checked_at=now).update(last_checked_at=None)
        raise
    SavedSearch.objects.filter(pk__in=[section["pk"] for section in sections]).update(
        last_sent_at=now
    )
    return True


def _digest_sections(
    saved_searches: list[SavedSearch], now: datetime.datetime
) -> list[dict[str, Any]]:
    """What the digest says of each search with new records (under the person's language)."""
    sections = []
    for saved_search in saved_searches:
        news = selectors.saved_search_news(saved_search, now=now)
        if news is None or not news.count:
            continue
        database = news.database
        sections.append(
            {
                "pk": saved_search.pk,
                "name": saved_search.name,
                "database": str(database.label),
                "count": news.count,
                "more": news.count - len(news.records),
                "since": saved_search.since,
                "list_url": _absolute(database.list_url(saved_search.query)),
                "records": [
                    {
                        "title": database.title_of(record),
                        "url": _absolute(database.detail_url(record)),
                    }
                    for record in news.records
                ],
            }
        )
    return sections


# --- Follows ----------------------------------------------------------------------------------
def follow_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders due at ``now`` (default: the present); returns the emails sent."""
    now = now or timezone.now()
    due = selectors.follows_due_for_reminder(now=now)
    sent = 0
    for _user_id, follows in groupby(due, key=lambda follow: follow.user_id):
        follows = list(follows)
        try:
            sent += follow_reminder_send(user=follows[0].user, follows=follows, now=now)
        except _DELIVERY_ERRORS:
            logger.warning("Reminder to user %s not sent; the next run retries", _user_id)
    return sent


def follow_reminder_send(*, user, follows: Iterable[Follow], now: datetime.datetime) -> bool:
    """Email ``user`` one reminder listing their ``follows`` due soon; True when sent."""
    ids = [follow.pk for follow in follows]
    Follow.objects.filter(pk__in=ids, reminded_at__isnull=True).update(reminded_at=now)
    claimed = (
        Follow.objects.filter(pk__in=ids, reminded_at=now)
        .select_related("content_type")
        .prefetch_related("record")
        .order_by("pk")
    )
    try:
        with translation.override(_language_of(user)):
            items = _reminder_items(claimed)
            if not items:
                return False
            message = _message(
                "reminder",
                user,
                {"items": items, "manage_url": _absolute(reverse("alerts:follows"))},
            )
        message.send()
    except Exception:
        Follow.objects.filter(pk__in=ids, reminded_at=now).update(reminded_at=None)
        raise
    return True


def _reminder_items(follows: Iterable[Follow]) -> list[dict[str, Any]]:
    items = []
    for follow in follows:
        record = follow.record
        if record is None:  # deleted since
            continue
        rule = FOLLOWABLE[followable_label(follow.content_type)]
        database = selectors.database_for_model(type(record))
        items.append(
            {
                "title": database.title_of(record) if database else str(record),
                "url": _absolute(database.detail_url(record)) if database else "",
                "date_label": str(rule.date_label),
                "date": getattr(record, rule.date_field),
                "kind": str(record._meta.verbose_name),
            }
        )
    items.sort(key=lambda item: item["date"])
    return items
