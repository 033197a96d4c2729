"""``{% load alerts %}{% follow_state record as follow %}``: whether and how the person may follow
a record (used by ``templates/includes/follow.html``)."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def follow_state(context: template.Context, record: Any) -> dict[str, Any]:
    """``allowed``: the button is shown (a public opportunity or event not past, or one the
    person follows); ``following``; ``label`` of the button; ``follow_url``/``unfollow_url``.
    One query for a signed-in person on a followable record, none otherwise."""
    rule = selectors.followable_of(record)
    if rule is None or record.pk is None:
        return {"allowed": False}
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    following = user is not None and selectors.is_following(user=user, record=record)
    date = getattr(record, rule.date_field, None)
    open_to_follow = (
        getattr(record, "is_public", True)
        and all(getattr(record, name, value) == value for name, value in rule.conditions.items())
        and date is not None
        and date > timezone.now()
    )
    label = record._meta.label_lower
    return {
        "allowed": following or open_to_follow,
        "following": following,
        "label": rule.follow_label,
        "follow_url": reverse("alerts:follow", args=[label, record.pk]),
        "unfollow_url": reverse("alerts:unfollow", args=[label, record.pk]),
    }


@register.simple_tag(takes_context=True)
def inbox_unread_count(context: template.Context) -> int:
    """``{% inbox_unread_count as unread %}``: unread messages of the signed-in person's inbox.

    One COUNT query per page for a signed-in person (remembered on the request, so that the
    header and a page that shows it again share it); none for anonymous visitors.
    """
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_chm_inbox_unread", None) if request is not None else None
    if cached is None:
        cached = selectors.inbox_unread_count(user=user)
        if request is not None:
            request._chm_inbox_unread = cached
    return cached
