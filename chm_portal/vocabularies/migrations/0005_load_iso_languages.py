"""Add every ISO 639-1 language the portal's list lacks, as inactive terms (``data/
iso639_1_languages.json``): records imported from other systems may name any language, while forms
keep offering the portal's own list. Reversing leaves the rows in place."""

from django.db import migrations

from chm_portal.vocabularies.loaders import load_iso_languages


def load(apps, schema_editor):
    load_iso_languages(apps)


class Migration(migrations.Migration):
    dependencies = [("vocabularies", "0004_load_portal_vocabularies")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
