"""Give the staff groups the permissions of monitoring (``STAFF_GROUP_PERMISSIONS`` in
chm_portal/accounts/roles.py)."""

from django.db import migrations

from chm_portal.accounts.roles import sync_staff_groups_operation


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_indicators_profiles_evaluations"),
        ("elearning", "0002_staff_permissions"),
    ]

    operations = [migrations.RunPython(sync_staff_groups_operation, migrations.RunPython.noop)]
