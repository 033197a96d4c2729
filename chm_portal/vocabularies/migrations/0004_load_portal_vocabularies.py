"""Load the lists the portal defines itself (languages, beneficiary types) from ``data/``.

Only ``portal_vocabularies.json`` is loaded: this migration also runs on databases that already
hold the reference data, where a full reload would set staff corrections back to the file values.
On a fresh database 0002 has loaded everything else. Later changes of the file are loaded with
``manage.py load_reference_data``; reversing this migration leaves the rows in place (the tables
are dropped by reversing 0003).
"""

from django.db import migrations

from chm_portal.vocabularies.loaders import load_portal_vocabularies


def load(apps, schema_editor):
    load_portal_vocabularies(apps)


class Migration(migrations.Migration):
    dependencies = [("vocabularies", "0003_beneficiarytype_language")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
