"""Give the staff groups the permissions of the partners' databases (see
``STAFF_GROUP_PERMISSIONS`` in chm_portal/accounts/roles.py); permissions are created first, as in
accounts 0003."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from chm_portal.accounts.roles import sync_staff_groups


def add_partners_permissions(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_staff_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_partners_databases"),
        ("accounts", "0003_needs_staff_permissions"),
    ]

    operations = [migrations.RunPython(add_partners_permissions, migrations.RunPython.noop)]
