"""Give the staff groups the permissions of commitments (``STAFF_GROUP_PERMISSIONS`` in
chm_portal/accounts/roles.py)."""

from django.db import migrations

from chm_portal.accounts.roles import sync_staff_groups_operation


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0001_initial"),
        ("accounts", "0003_needs_staff_permissions"),
    ]

    operations = [migrations.RunPython(sync_staff_groups_operation, migrations.RunPython.noop)]
