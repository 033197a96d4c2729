"""Validators shared by every app's plain-text fields."""

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_no_markup(value: str) -> None:
    """Refuse HTML or script in a plain-text field.

    Pages escape everything anyway; refusing markup at the boundary keeps it out of exports,
    feeds, emails and the systems that harvest the portal's records. The HTML parser of the
    ammonia sanitiser (nh3) decides what is markup, so "a < b" and "5 > 3" stay allowed.
    """
    if value and nh3.is_html(value):
        raise ValidationError(
            _("Remove the HTML markup (text between “<” and “>”): this field takes plain text."),
            code="markup",
        )
