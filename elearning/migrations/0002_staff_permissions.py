"""Give the staff groups the permissions of e-learning and quality reviews (``STAFF_GROUP_PERMISSIONS``
in chm_portal/accounts/roles.py)."""

from django.db import migrations

from chm_portal.accounts.roles import sync_staff_groups_operation


class Migration(migrations.Migration):
    dependencies = [
        ("elearning", "0001_initial"),
        ("quality", "0001_initial"),
        ("matchmaking", "0002_staff_permissions"),
    ]

    operations = [migrations.RunPython(sync_staff_groups_operation, migrations.RunPython.noop)]
