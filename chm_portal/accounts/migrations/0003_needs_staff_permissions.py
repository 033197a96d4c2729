"""Give the staff groups the permissions of the needs app (requests for assistance, assessments)
and of the vocabularies its admin autocompletes. See ``STAFF_GROUP_PERMISSIONS`` in
chm_portal/accounts/roles.py.

As in 0002, permissions are created first: on a fresh database they would otherwise only exist
after all migrations (post_migrate).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from chm_portal.accounts.roles import sync_staff_groups


def add_needs_permissions(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_staff_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_groups"),
        ("needs", "0001_initial"),
        ("vocabularies", "0004_load_portal_vocabularies"),
    ]

    operations = [
        # Reversing keeps the permissions: the groups may have been given them by hand too.
        migrations.RunPython(add_needs_permissions, migrations.RunPython.noop),
    ]
