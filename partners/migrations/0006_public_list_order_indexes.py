# The public lists of offers and resources, newest first, read from an index in their order
# (``published_at DESC NULLS LAST, id DESC`` over the public statuses) instead of sorting every
# public row: PostgreSQL only, since SQLite cannot index NULLS LAST (development databases are
# small). The statuses are frozen here; partners/tests/test_list_indexes.py ties them to the
# models' PUBLIC_STATUSES.

from django.db import migrations

# index -> (table, public statuses, the owning organisation's column: included, so that counting
# the public rows of approved organisations reads the index alone)
PUBLIC_ORDER_INDEXES = {
    "offer_public_newest": ("partners_offer", ("published", "paused", "closed"), "provider_id"),
    "resource_public_newest": ("partners_resource", ("published", "closed"), "organisation_id"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name, (table, statuses, organisation) in PUBLIC_ORDER_INDEXES.items():
        values = ", ".join(schema_editor.quote_value(status) for status in statuses)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f'("published_at" DESC NULLS LAST, "id" DESC) INCLUDE ({quote(organisation)}) '
            f'WHERE "status" IN ({values})'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in PUBLIC_ORDER_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_stored_search_vectors")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
