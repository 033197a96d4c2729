"""Give the staff groups the permissions of the Bio-Bridge workflow (``STAFF_GROUP_PERMISSIONS``
in chm_portal/accounts/roles.py)."""

from django.db import migrations

from chm_portal.accounts.roles import sync_staff_groups_operation


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0001_initial"),
        ("partners", "0003_staff_permissions"),
        ("alerts", "0003_inbox_message"),
    ]

    operations = [migrations.RunPython(sync_staff_groups_operation, migrations.RunPython.noop)]
