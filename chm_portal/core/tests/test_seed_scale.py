"""``manage.py seed_scale``: the benchmark data set, at a five-hundredth of its size.

The command writes with PostgreSQL's COPY, so the tests that run it are skipped on SQLite, where
the command must refuse with a clear message instead. One run is shared by the tests of the module
(it takes a few seconds); they check the counts each app's ``scale.py`` promises at this scale,
that the texts are real sentences search finds in their language, and that the public pages list
the records.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils.html import escape

from chm_portal.accounts.models import FocalPoint, User
from chm_portal.core import scale
from chm_portal.core.databases import get_database
from chm_portal.core.models import ReferenceSequence
from chm_portal.core.scale import SCALE_EMAIL_DOMAIN, check_foreign_keys, copy_rows
from chm_portal.vocabularies.models import Country
from elearning.models import Course, Enrolment
from matchmaking.models import Match, Suggestion
from monitoring.models import CountryProfile, IndicatorValue
from needs.models import PUBLIC_STATUSES, Need, NeedEvent, NeedMessage
from partners.models import Offer, Organisation, Resource

SCALE = 0.002

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seed_scale writes with PostgreSQL's COPY"
)


@pytest.fixture(scope="module")
def scale_data(django_db_setup, django_db_blocker):
    """The data set written once for the module, in a transaction rolled back after it: the
    test database is shared with the other tests. (Each test's own transaction is a savepoint
    inside it.)"""
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        # Tables of a few hundred rows take the bulk-load path of the full-size tables.
        patch.setattr(scale, "BULK_ROWS", 300)
        call_command("seed_scale", scale=SCALE, seed=7, history_months=1, stdout=_Quiet())
        yield
        transaction.set_rollback(True)


class _Quiet:
    def write(self, text: str) -> None:
        pass


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
@pytest.mark.django_db
def test_refuses_sqlite_with_a_clear_message():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_scale", scale=SCALE)


@postgresql_only
@pytest.mark.django_db
def test_counts_follow_the_scale(scale_data):
    people = User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}")
    # At least two focal points per Party, whatever the scale.
    assert Country.objects.filter(is_cbd_party=True).count() == 196
    assert FocalPoint.objects.values("country").distinct().count() == 196
    assert people.count() >= 2 * 196
    # The apps' minimums at this tiny scale; the full set is 100,000 requests etc.
    assert Need.objects.count() == 200
    assert Organisation.objects.count() == 10
    assert Offer.objects.count() == 20
    assert Resource.objects.count() == 100
    assert Course.objects.count() == 20
    assert Enrolment.objects.count() == 400
    assert CountryProfile.objects.count() == 196
    # Most requests reached the public registry; each has its history from creation.
    public = Need.objects.filter(status__in=PUBLIC_STATUSES).count()
    assert 0.4 * 200 < public < 0.95 * 200
    assert NeedEvent.objects.filter(action="created").count() == 200
    assert not NeedEvent.objects.filter(notified_at__isnull=True).exists()
    # Matches and suggestions follow the requests' statuses.
    matched = Need.objects.filter(status__in=["matched", "in_progress", "fulfilled"])
    assert Match.objects.filter(status__in=["agreed", "completed"]).count() == matched.count()
    assert Suggestion.objects.exists()
    # Indicators were computed as of last month's end and today.
    assert IndicatorValue.objects.values("date").distinct().count() == 2


@postgresql_only
@pytest.mark.django_db
def test_references_continue_after_the_seed(scale_data):
    last = Need.objects.order_by("-created_at").first()
    year, number = last.reference.split("-")[1:]
    sequence = ReferenceSequence.objects.get(prefix="NEED", year=int(year))
    assert sequence.last_number == int(number)


@postgresql_only
@pytest.mark.django_db
def test_refuses_a_database_that_holds_the_set(scale_data):
    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", scale=SCALE, stdout=_Quiet())


@postgresql_only
@pytest.mark.django_db
def test_translated_fields_hold_one_or_two_languages(scale_data):
    offer = Offer.objects.filter(language="fr").first()
    assert offer.title_fr and offer.title == offer.title_fr
    written = [
        sum(bool(getattr(o, f"title_{lang}")) for lang in ("en", "fr", "es"))
        for o in Offer.objects.all()
    ]
    assert set(written) <= {1, 2}


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("needs", "/en/needs/registry/"),
        ("offers", "/en/partners/offers/"),
        ("resources", "/en/partners/resources/"),
        ("courses", "/en/learning/courses/"),
    ],
)
def test_list_pages_show_the_seeded_records(client, scale_data, key, url):
    first = get_database(key).queryset().first()
    response = client.get(url)
    assert response.status_code == 200
    assert escape(first.title) in response.content.decode()


@postgresql_only
@pytest.mark.django_db
def test_request_page_and_dashboards_render(client, scale_data):
    need = Need.objects.filter(status="published", visibility="public").latest("published_at")
    assert escape(need.title) in client.get(f"/en/needs/{need.reference}/").content.decode()
    assert client.get("/en/dashboards/").status_code == 200
    assert client.get("/en/dashboards/indicators/1.2/").status_code == 200


@postgresql_only
@pytest.mark.django_db
def test_search_finds_the_words_of_each_language(client, scale_data):
    # Each request speaks of topics of its thematic areas, in its own language.
    french = Need.objects.filter(language="fr", status="published", visibility="public").first()
    word = next(w for w in french.title.split() if len(w) > 6)
    page = client.get("/fr/needs/registry/", {"q": word}).content.decode()
    assert french.reference in page


def _indexes(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        return [row[0] for row in cursor.fetchall()]


@postgresql_only
@pytest.mark.django_db
def test_bulk_load_keeps_the_indexes_and_checks_foreign_keys_afterwards(scale_data, monkeypatch):
    monkeypatch.setattr(scale, "BULK_ROWS", 1)
    indexes = _indexes(NeedMessage._meta.db_table)
    need = Need.objects.first()
    row = {"body": "Hello", "created_at": need.created_at, "from_helpdesk": False}
    with transaction.atomic():
        assert copy_rows(NeedMessage, [{**row, "need_id": need.pk}]) == 1
        assert check_foreign_keys() >= 1
    assert _indexes(NeedMessage._meta.db_table) == indexes
    assert NeedMessage.objects.filter(need=need, body="Hello").exists()
    with pytest.raises(ValueError, match="point to no"), transaction.atomic():
        copy_rows(NeedMessage, [{**row, "need_id": 10**12}])
        check_foreign_keys()
