"""Signal receivers of e-learning, connected when ``apps.py`` imports this module in ``ready()``.

- A sign-in counts as activity of the person's alumnus ("active alumni" in monitoring): at most
  one write per alumnus and day (:func:`elearning.services.alumni.touch_alumnus`).
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services.alumni import touch_alumnus


@receiver(user_logged_in, dispatch_uid="elearning.touch_alumnus_on_sign_in")
def alumnus_signed_in(sender, request, user, **kwargs) -> None:
    touch_alumnus(user)
