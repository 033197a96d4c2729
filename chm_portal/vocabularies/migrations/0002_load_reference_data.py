"""Load the reference data (countries, regions, targets, controlled lists) from ``data/``.

After ``migrate`` the portal has every reference record. Later changes of the files are loaded
with ``manage.py load_reference_data``; reversing this migration leaves the rows in place (the
tables are dropped by reversing 0001).
"""

from django.db import migrations

from chm_portal.vocabularies.loaders import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("vocabularies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
