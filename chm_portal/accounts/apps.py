from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .roles import sync_staff_groups


def _sync_staff_groups(sender, **kwargs) -> None:
    """After ``migrate``, give the staff groups the permissions of models added since.

    The data migration 0002 creates the groups with the permissions that exist at that point;
    permissions of models added later exist only once ``post_migrate`` has created them. Additive
    and idempotent.
    """
    sync_staff_groups(apps)


class AccountsConfig(AppConfig):
    """Accounts, roles and the permission predicates every other app builds on."""

    name = "chm_portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # Connected after django.contrib.auth's handler (auth comes first in INSTALLED_APPS),
        # so each app's permissions exist when this runs.
        post_migrate.connect(_sync_staff_groups, dispatch_uid="accounts.sync_staff_groups")
