"""The PostgreSQL indexes of the public offers and resources, in their lists' order."""

from importlib import import_module

import pytest
from django.db import connection

from partners.models import Offer, Resource
from partners.selectors import offers_for_list, resources_for_list

MIGRATION = import_module("partners.migrations.0006_public_list_order_indexes")


@pytest.mark.parametrize(
    ("name", "model"), [("offer_public_newest", Offer), ("resource_public_newest", Resource)]
)
def test_an_index_covers_the_public_statuses_of_its_model(name, model):
    table, statuses, organisation = MIGRATION.PUBLIC_ORDER_INDEXES[name]
    assert table == model._meta.db_table
    assert set(statuses) == set(model.PUBLIC_STATUSES)
    assert organisation == model._meta.get_field(model.ORGANISATION_FIELD).column


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("name", "public_list"),
    [("offer_public_newest", offers_for_list), ("resource_public_newest", resources_for_list)],
)
def test_the_public_list_is_read_in_index_order(name, public_list):
    """With the planner told that sorting is dear, the first page comes from the index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = public_list().values("pk")[:20].query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert name in plan
