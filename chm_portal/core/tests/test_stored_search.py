"""Stored full-text search vectors (``search_en``, ``search_fr``, ``search_es``).

On PostgreSQL a trigger keeps them equal to the weighted vector of the model's ``SEARCH_FIELDS``
whatever writes the rows, and the search answers from them through their GIN indexes with the
same rows, in the same order, as the per-row computation. On SQLite they stay empty and the
fallback search is unchanged. The declaration on the model and the fields frozen in the
migrations must agree: the first test fails when one changes without the other.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone, translation

from chm_portal.core.databases import registered
from chm_portal.core.search import (
    RANK_ANNOTATION,
    STORED_VECTORS,
    SearchVectorIndex,
    SearchVectorTrigger,
    apply_full_text_search,
    search_fields_of,
    stored_vector_column,
)
from commitments.tests.factories import PublishedCommitmentFactory
from elearning.models import Course
from needs import services as need_services
from needs.models import Need
from partners import services as partner_services
from partners.models import Offer, Organisation
from tests.factories import (
    CourseFactory,
    EventFactory,
    InitiativeFactory,
    MatchNeedFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    PartnershipAgreementFactory,
    ResourceFactory,
)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stored vectors are kept by PostgreSQL triggers"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")


def searched_models() -> list:
    """Every model that declares what it is searched in."""
    return [model for model in apps.get_models() if search_fields_of(model)]


def stored(model, pk) -> dict[str, str | None]:
    """The stored vectors of a row, by column, as PostgreSQL writes them."""
    columns = list(STORED_VECTORS.values())
    return dict(zip(columns, model.objects.values_list(*columns).get(pk=pk), strict=True))


def per_row_vector(model, config: str) -> SearchVector:
    """The vector the search computed per row before the stored columns."""
    vectors = [
        SearchVector(name, weight=weight, config=config)
        for name, weight in search_fields_of(model).items()
    ]
    vector = vectors[0]
    for other in vectors[1:]:
        vector = vector + other
    return vector


# --- Declarations (every database) ---------------------------------------------------------------
def test_every_searched_model_has_a_vector_and_an_index_per_language_and_a_current_trigger():
    """Each declaration has its columns, GIN indexes, and a migration freezing the same fields
    in the same order (the order places the words, which the rank reads)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    frozen: dict[tuple[str, str], dict[str, str]] = {}
    for app_label, name in _all_nodes_in_order(loader):
        for operation in loader.graph.nodes[(app_label, name)].operations:
            if isinstance(operation, SearchVectorTrigger):
                frozen[(app_label, operation.model_name)] = operation.fields
    models = searched_models()
    assert {model._meta.label for model in models} >= {
        "needs.Need",
        "partners.Organisation",
        "partners.Offer",
        "partners.Initiative",
        "partners.Resource",
        "partners.Opportunity",
        "partners.Event",
        "partners.PartnershipAgreement",
        "elearning.Course",
    }
    for model in models:
        key = (model._meta.app_label, model._meta.model_name)
        assert key in frozen, f"{model._meta.label}: no SearchVectorTrigger in its migrations"
        assert list(frozen[key].items()) == list(model.SEARCH_FIELDS.items()), (
            f"{model._meta.label}.SEARCH_FIELDS differ from its latest SearchVectorTrigger: "
            "add a migration with the new fields"
        )
        indexed = {
            index.fields[0] for index in model._meta.indexes if isinstance(index, SearchVectorIndex)
        }
        assert indexed == set(STORED_VECTORS.values()), model._meta.label
        for column in STORED_VECTORS.values():
            field = model._meta.get_field(column)
            assert field.null and not field.editable, f"{model._meta.label}.{column}"


def _all_nodes_in_order(loader: MigrationLoader) -> list[tuple[str, str]]:
    """Every migration, each after those it depends on (so the last operation of a model wins)."""
    seen: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        for node in loader.graph.forwards_plan(leaf):
            if node not in seen:
                seen.append(node)
    return seen


def test_the_portal_wide_search_uses_the_stored_vectors_of_every_database():
    """The list pages, API lists and portal-wide search search what the model declares, so that
    the stored vector answers them in each interface language."""
    for database in registered():
        filterset_fields = database.filterset_class.search_fields or None
        fields = filterset_fields or search_fields_of(database.model)
        for config, column in STORED_VECTORS.items():
            assert stored_vector_column(database.model, fields, config) == column, database.key


def test_other_fields_or_languages_have_no_stored_vector():
    assert stored_vector_column(Offer, {"title_en": "A"}, "english") is None
    reordered = dict(reversed(list(Offer.SEARCH_FIELDS.items())))
    assert stored_vector_column(Offer, reordered, "english") is None
    assert stored_vector_column(Offer, Offer.SEARCH_FIELDS, "portuguese") is None


def test_rows_are_loaded_without_their_vectors():
    """Lists and exports never read the vectors: nothing shows them, and they can be large."""
    for model in searched_models():
        sql = str(model._default_manager.all().query)
        assert "search_en" not in sql, model._meta.label


# --- SQLite: the columns stay empty, the fallback is unchanged --------------------------------
@sqlite_only
@pytest.mark.django_db
def test_on_sqlite_the_vectors_stay_empty_and_the_fallback_searches(organisation_x):
    offer = partner_services.record_create(
        model=Offer,
        organisation=organisation_x,
        by=None,
        data={"title_en": "Mangrove restoration training", "description_en": "Field course."},
        publish=True,
    )
    assert stored(Offer, offer.pk) == {"search_en": None, "search_fr": None, "search_es": None}
    found = apply_full_text_search(Offer.objects.all(), "mangrove training", language="en")
    assert [record.title for record in found] == ["Mangrove restoration training"]


@pytest.mark.django_db
def test_a_query_with_nothing_to_search_finds_nothing_and_can_still_be_ordered(organisation_x):
    partner_services.record_create(
        model=Offer,
        organisation=organisation_x,
        by=None,
        data={"title_en": "Mangrove restoration training", "description_en": "Field course."},
        publish=True,
    )
    # Control characters only: no word to look for (schemathesis sends such queries).
    found = apply_full_text_search(Offer.objects.all(), "\x18\x19", language="en")
    assert list(found.order_by("-search_rank", "pk")) == []


# --- PostgreSQL: the trigger --------------------------------------------------------------------
@postgresql_only
@pytest.mark.django_db
def test_the_vector_is_filled_on_create_and_follows_edits_by_a_service(focal_point_a, country_a):
    need = need_services.need_create(
        by=focal_point_a,
        country=country_a,
        title="Waterbird monitoring at the Rift Valley lakes",
        fields={"objectives": "Train county officers."},
    )
    vectors = stored(Need, need.pk)
    assert "'waterbird':1A" in vectors["search_en"]
    assert "'offic':" in vectors["search_en"]  # "officers", stemmed in English
    assert f"'-{need.reference.rsplit('-', 1)[1]}':" in vectors["search_en"]  # NEED-2026-00001

    need_services.need_update(
        need=need, by=focal_point_a, fields={"objectives": "Restore the mangroves of Lamu."}
    )
    vectors = stored(Need, need.pk)
    assert "'mangrov'" in vectors["search_en"]
    assert "'offic'" not in vectors["search_en"]
    found = apply_full_text_search(Need.objects.all(), "mangroves", language="en")
    assert [row.pk for row in found] == [need.pk]


@postgresql_only
@pytest.mark.django_db
def test_queryset_update_and_bulk_create_keep_the_vectors_current(country_a):
    needs = Need.objects.bulk_create(
        [
            Need(reference=f"NEED-2026-8{n:04d}", country=country_a, title=f"Coral reefs {n}")
            for n in range(3)
        ]
    )
    assert all("'coral':1A" in stored(Need, need.pk)["search_en"] for need in needs)

    Need.objects.filter(pk=needs[0].pk).update(title="Seagrass meadows")
    assert "'seagrass':1A" in stored(Need, needs[0].pk)["search_en"]
    assert "'coral'" not in stored(Need, needs[0].pk)["search_en"]
    titles = [need.title for need in apply_full_text_search(Need.objects.all(), "seagrass")]
    assert titles == ["Seagrass meadows"]


@postgresql_only
@pytest.mark.django_db
def test_saving_a_row_created_in_the_same_process_keeps_its_vector(country_a):
    """``save()`` of an instance made by ``create()`` writes NULL to the vectors: the trigger
    computes them again instead of leaving them empty."""
    need = Need.objects.create(reference="NEED-2026-70001", country=country_a, title="Peatlands")
    need.status = Need.Status.SUBMITTED
    need.save()
    assert "'peatland':1A" in stored(Need, need.pk)["search_en"]


@postgresql_only
@pytest.mark.django_db
def test_a_change_of_other_columns_does_not_recompute_the_vectors(country_a):
    """Status changes and counters parse no text (the trigger's column list and condition)."""
    need = Need.objects.create(reference="NEED-2026-70002", country=country_a, title="Peatlands")
    with connection.cursor() as cursor:  # a marker the trigger would never compute, written
        cursor.execute("SET LOCAL session_replication_role = replica")  # with triggers off
        cursor.execute(
            "UPDATE needs_need SET search_en = 'marker'::tsvector WHERE id = %s", [need.pk]
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    Need.objects.filter(pk=need.pk).update(status=Need.Status.SUBMITTED)
    loaded = Need.objects.get(pk=need.pk)  # loaded without its vectors: save() leaves them
    loaded.visibility = Need.Visibility.RESTRICTED
    loaded.save()
    assert stored(Need, need.pk)["search_en"] == "'marker'"

    Need.objects.filter(pk=need.pk).update(title="Peatlands and bogs")
    assert "'bog'" in stored(Need, need.pk)["search_en"]


@postgresql_only
@pytest.mark.django_db
def test_a_translation_edited_in_french_changes_the_french_vector(organisation_x):
    offer = partner_services.record_create(
        model=Offer,
        organisation=organisation_x,
        by=None,
        data={"title_en": "Coastal restoration", "description_en": "A field course."},
        publish=True,
    )
    before = stored(Offer, offer.pk)
    partner_services.record_update(
        record=offer, by=None, data={"title_fr": "Restauration des mangroves"}
    )
    after = stored(Offer, offer.pk)
    assert after["search_fr"] != before["search_fr"]
    assert "'mangrov'" in after["search_fr"]  # French stemming
    with translation.override("fr"):
        found = apply_full_text_search(Offer.objects.all(), "mangrove")
        assert [record.title for record in found] == ["Restauration des mangroves"]


@postgresql_only
@pytest.mark.django_db
def test_every_trigger_computes_the_declared_vector_in_each_language(country_a):
    """The trigger of each searched model stores what the per-row search computes, for every
    field of the declaration (translations included) and every interface language."""
    text = {"en": "Wetland surveys", "fr": "Inventaires des zones humides", "es": "Humedales"}
    translated = in_every_language(text, "title", "description")
    rows = [
        OrganisationFactory(
            name="Wetlands Trust",
            name_fr="Fonds des zones humides",
            description_es="Humedales costeros",
            acronym="WT",
        ),
        OfferFactory(**translated),
        InitiativeFactory(**translated),
        ResourceFactory(**translated, authors="A. Mwangi"),
        OpportunityFactory(**translated, eligibility_fr="Agents des parcs"),
        EventFactory(**translated),
        PartnershipAgreementFactory(**translated),
        CourseFactory(**in_every_language(text, "title", "summary", "syllabus")),
        MatchNeedFactory(country=country_a, expected_outputs="A field guide."),
        PublishedCommitmentFactory(**translated, actor_name="Lake Naivasha Growers"),
    ]
    assert {type(row) for row in rows} == set(searched_models())
    for row in rows:
        model = type(row)
        for config, column in STORED_VECTORS.items():
            computed = (
                model.objects.annotate(computed=per_row_vector(model, config))
                .values_list("computed", flat=True)
                .get(pk=row.pk)
            )
            assert computed, model._meta.label
            assert stored(model, row.pk)[column] == computed, f"{model._meta.label} {column}"


def in_every_language(text: dict[str, str], *names: str) -> dict[str, str]:
    """Values of translated fields. English goes through the plain name (``title``), which the
    factories also set and which writes ``title_en`` while English is active; the other
    languages by column (``title_fr``)."""
    return {
        name if language == "en" else f"{name}_{language}": f"{value} ({name})"
        for name in names
        for language, value in text.items()
    }


# --- PostgreSQL: the search -------------------------------------------------------------------
def ranked(queryset) -> list[tuple[float, list[int]]]:
    """The results as (rank, ids with that rank) in order: rows of equal rank may come in any
    order."""
    groups: list[tuple[float, list[int]]] = []
    for pk, rank in queryset.values_list("pk", RANK_ANNOTATION):
        if groups and groups[-1][0] == rank:
            groups[-1][1].append(pk)
        else:
            groups.append((rank, [pk]))
    return [(rank, sorted(pks)) for rank, pks in groups]


@postgresql_only
@pytest.mark.django_db
def test_the_stored_search_finds_what_the_per_row_search_found_in_the_same_order():
    provider = OrganisationFactory()
    records = [
        ("Mangrove restoration", "Replanting mangroves along the coast.", "", ""),
        ("Coral reef monitoring", "Training divers to monitor coral reefs.", "", ""),
        ("Coastal training", "Mangrove and coral reef ecology for rangers.", "", ""),
        ("Seagrass", "Mapping seagrass meadows; mangrove edges too.", "Herbiers marins", ""),
        ("Reef fisheries", "", "Pêcheries récifales", "Pesquerías de arrecife"),
        ("Formation", "", "Formation à la restauration des mangroves", "Formación en manglares"),
    ]
    start = timezone.now()
    for position, (title, description, title_fr, title_es) in enumerate(records):
        OfferFactory(
            provider=provider,
            title=title,
            description=description,
            title_fr=title_fr,
            title_es=title_es,
            created_at=start - datetime.timedelta(minutes=position),
        )
    queries = {
        "en": ["mangrove", "coral reef", '"coral reef"', "reef -coral", "mangrove or seagrass"],
        "fr": ["mangrove", "formation", "récifales", "restauration mangroves"],
        "es": ["manglares", "arrecife", "formación"],
    }
    searched = 0
    for language, texts in queries.items():
        for text in texts:
            from_store = apply_full_text_search(Offer.objects.all(), text, language=language)
            per_row = apply_full_text_search(
                Offer.objects.all(), text, language=language, stored=False
            )
            assert f'"search_{language}" @@' in str(from_store.query)
            assert f'"search_{language}"' not in str(per_row.query)
            expected = ranked(per_row)
            assert ranked(from_store) == expected, (language, text)
            searched += bool(expected)
    assert searched == sum(len(texts) for texts in queries.values())  # every query found rows


@postgresql_only
@pytest.mark.django_db
def test_the_search_of_a_few_thousand_requests_reads_the_gin_index(country_a):
    words = ["water", "forest", "soil", "river", "grassland", "coast", "island", "desert"]
    Need.objects.bulk_create(
        [
            Need(
                reference=f"NEED-2026-{n:05d}",
                country=country_a,
                title=f"Monitoring the {words[n % len(words)]} of the region {n}",
                problem_statement="Officers need training in field surveys and data management.",
                objectives="Mangrove restoration." if n % 500 == 0 else "Train the officers.",
            )
            for n in range(3000)
        ],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        # What autovacuum does: new entries wait in the GIN index's pending list until then, and
        # the planner, which knows it, would rather read the table.
        for column in STORED_VECTORS.values():
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [f"needs_need_{column}"])
        cursor.execute("ANALYZE needs_need")
    found = apply_full_text_search(Need.objects.all(), "mangrove", language="en")
    assert found.count() == 6
    plan = found.explain()
    assert "needs_need_search_en" in plan, plan
    with translation.override("es"):
        plan = apply_full_text_search(Need.objects.all(), "manglar").explain()
    assert "needs_need_search_es" in plan, plan


@postgresql_only
@pytest.mark.django_db
def test_the_course_catalogue_and_organisations_search_their_stored_vectors():
    course = CourseFactory(title="Wetland ecology", title_fr="Écologie des zones humides")
    CourseFactory(title="Forest ecology")
    organisation = OrganisationFactory(name="Wetlands Trust", acronym="WTX")
    with translation.override("fr"):
        courses = apply_full_text_search(Course.objects.all(), "humides")
        assert '"search_fr" @@' in str(courses.query)
        assert list(courses) == [course]
    organisations = apply_full_text_search(Organisation.objects.all(), "wtx", language="en")
    assert list(organisations) == [organisation]
