from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.core.management.base import BaseCommand

from chm_portal.accounts.roles import STAFF_GROUP_PERMISSIONS, sync_staff_groups


class Command(BaseCommand):
    help = (
        "Create the staff groups and give them the permissions listed in "
        "chm_portal/accounts/roles.py (additive; run after adding models)."
    )

    def handle(self, *args, **options) -> None:
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        sync_staff_groups(apps)
        for group_name in STAFF_GROUP_PERMISSIONS:
            self.stdout.write(f"{group_name}: up to date")
