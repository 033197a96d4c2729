"""Staff must protect their accounts with a second factor before using the admin."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

# Admin pages a staff member without a second factor may still reach.
_ALWAYS_ALLOWED = frozenset({"login", "logout"})


SET_UP_MFA_MESSAGE = _(
    "Set up two-factor authentication to use the administration: you will need an "
    "authenticator app on your phone."
)


class StaffMfaMiddleware:
    """Sends staff without an allauth authenticator from the admin to the TOTP set-up page.

    Active when ``settings.CHM_STAFF_REQUIRE_MFA`` is true. Place it after allauth's
    ``AccountMiddleware`` (it needs ``request.user`` and messages). The admin is recognised by its
    URL namespace, so every language prefix is covered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "CHM_STAFF_REQUIRE_MFA", False):
            return None
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces or match.url_name in _ALWAYS_ALLOWED:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or is_mfa_enabled(user):
            return None
        messages.warning(request, SET_UP_MFA_MESSAGE)
        return redirect("mfa_activate_totp")
