"""Create the staff groups (help desk, content reviewers, site administrators) with their
model permissions. See chm_portal/accounts/roles.py and docs/roles-and-permissions.md.

Permissions are normally created after all migrations (post_migrate); they are created here first
so that the groups can receive them on a fresh database. When an app adds models that a staff
group needs, its migration calls ``sync_staff_groups`` again the same way.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from chm_portal.accounts.roles import sync_staff_groups


def create_staff_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_staff_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("partners", "0001_initial"),
        ("vocabularies", "0002_load_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Reversing leaves the groups in place: they may hold people.
        migrations.RunPython(create_staff_groups, migrations.RunPython.noop),
    ]
