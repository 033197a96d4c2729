"""Forms of communities of practice. They check what a browser can get wrong (required,
length); the services run the models' own validation (no markup in plain text) and their
errors are shown on these forms with ``add_service_errors``, which keeps what the person typed.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Post, PostFlag, Thread

_TITLE_LENGTH = Thread._meta.get_field("title").max_length
_REASON_LENGTH = PostFlag._meta.get_field("reason").max_length
_MODERATION_LENGTH = Post._meta.get_field("moderation_reason").max_length
# A message longer than this is refused by the form (a page of text is plenty).
BODY_LENGTH = 10_000


def _body_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text: line breaks are kept, HTML is not accepted."),
    )


class ThreadForm(forms.Form):
    """A new discussion: its subject and first message."""

    title = forms.CharField(label=_("Subject"), max_length=_TITLE_LENGTH)
    body = _body_field(_("Message"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "thread")
        super().__init__(*args, **kwargs)


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reply")
        super().__init__(*args, **kwargs)


class PostEditForm(forms.Form):
    """One's own post; the subject too when the post opens its thread."""

    title = forms.CharField(label=_("Subject"), max_length=_TITLE_LENGTH)
    body = _body_field(_("Message"))

    def __init__(self, *args, with_title: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should a moderator look at this post?"),
        max_length=_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PostModerationForm(forms.Form):
    """Hide a post, show it again, or dismiss its reports."""

    HIDE, RESTORE, DISMISS = "hide", "restore", "dismiss"

    action = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (HIDE, _("Hide the post")),
            (RESTORE, _("Show the post again")),
            (DISMISS, _("Keep the post and dismiss the reports")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=_MODERATION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to hide a post; moderators see it."),
    )

    def __init__(self, *args, hidden: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        # Offer what fits the post's status.
        keep = {self.RESTORE} if hidden else {self.HIDE, self.DISMISS}
        field.choices = [choice for choice in field.choices if choice[0] in keep]
        if len(field.choices) == 1:
            field.initial = field.choices[0][0]


class ThreadModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("lock", _("Close to replies")),
            ("unlock", _("Open to replies")),
            ("pin", _("Pin")),
            ("unpin", _("Unpin")),
        ]
    )


class NotificationsForm(forms.Form):
    notify = forms.BooleanField(label=_("Email me about new threads and replies"), required=False)
