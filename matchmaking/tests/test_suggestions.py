"""Stored suggestions: computed from the database like the engine computes them from files, kept
current when requests and offers change (debounced, through a table a sweep empties, so a broker
that is down loses nothing), and read through the API in the reader's language."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from chm_portal.accounts.roles import Role
from matchmaking.engine import ALGORITHM_VERSION, Geography, OfferIndex, parse_record_set
from matchmaking.models import Match, Suggestion, SuggestionRefresh
from matchmaking.services import suggestions as services
from needs import services as need_services
from needs.models import Need
from partners.models import Offer, RecordStatus
from partners.services import records as record_services
from tests.factories import MembershipFactory, UserFactory

DEV_SET = Path(__file__).resolve().parents[2].parent / "shared" / "matching" / "dev_set.json"
SMALL_SET = {
    "as_of": "2026-11-01",
    "offers": [
        {
            "id": "O-1",
            "title": "Early detection of invasive alien plants in wetlands",
            "description": "A course on surveillance, risk screening and rapid response to "
            "invasive aquatic weeds, for staff of protected area agencies in Africa.",
            "language": "en",
            "provider": {"id": "P-1", "name": "Invasion Ecology Centre", "type": "academia"},
            "support_types": ["training"],
            "thematic_areas": ["invasive_species", "inland_waters"],
            "targets": ["GBF-T6"],
            "capacity_levels": ["individual"],
            "languages": ["en", "fr"],
            "eligible_countries": [],
            "eligible_regions": ["002"],
            "eligible_groups": [],
            "available_from": "2026-01-01",
            "available_until": "2027-12-31",
        },
        {
            "id": "O-2",
            "title": "Grants for community seed banks",
            "description": "Small grants for farmers' organisations that keep traditional crop "
            "varieties in community seed banks.",
            "language": "en",
            "provider": {"id": "P-2", "name": "Seed Fund", "type": "ngo"},
            "support_types": ["financial"],
            "thematic_areas": ["agrobiodiversity"],
            "targets": ["GBF-T4"],
            "capacity_levels": [],
            "languages": ["en"],
            "eligible_countries": [],
            "eligible_regions": [],
            "eligible_groups": ["SIDS"],
        },
        {
            "id": "O-3",
            "title": "Invasive species management handbook training",
            "description": "Training on invasive alien species control, offered in Asia only.",
            "language": "en",
            "provider": {"id": "P-1", "name": "Invasion Ecology Centre", "type": "academia"},
            "support_types": ["training"],
            "thematic_areas": ["invasive_species"],
            "targets": ["GBF-T6"],
            "languages": ["en", "fr"],
            "eligible_regions": ["142"],
        },
    ],
    "needs": [
        {
            "id": "N-1",
            "title": "Lutte contre les plantes aquatiques envahissantes",
            "description": "Le typha et la salvinia envahissent les zones humides du delta. Nous "
            "souhaitons former nos agents à la détection précoce et à la lutte.",
            "language": "fr",
            "country": "SN",
            "languages": ["fr"],
            "submitted": "2026-09-12",
        }
    ],
}


def _write(tmp_path, document, name="records.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def _import(path: str, *args) -> str:
    out = StringIO()
    call_command("import_records", path, *args, stdout=out, stderr=out)
    return out.getvalue()


def _suggest(*args) -> dict:
    out = StringIO()
    call_command("suggest_matches", *args, stdout=out)
    return json.loads(out.getvalue())


# --- import_records and suggest_matches (the contract other tools rely on) ------------------------
@pytest.mark.django_db
def test_import_creates_offers_providers_and_published_needs_and_again_changes_nothing(tmp_path):
    path = _write(tmp_path, SMALL_SET)

    first = _import(path)

    assert "Offers: 3 created" in first and "Needs: 1 created" in first
    need = Need.objects.get(source="records", external_id="N-1")
    assert need.status == Need.Status.PUBLISHED and need.country.code == "SN"
    assert list(need.working_languages.values_list("code", flat=True)) == ["fr"]
    offer = Offer.objects.get(external_id="O-1")
    assert offer.status == RecordStatus.PUBLISHED and offer.provider.name.startswith("Invasion")
    assert Offer.objects.get(external_id="O-3").provider == offer.provider
    stamps = dict(Offer.objects.values_list("pk", "updated_at"))

    again = _import(path)

    assert "Offers: 0 created, 0 updated, 3 unchanged" in again
    assert "Needs: 0 created, 0 updated, 1 unchanged" in again
    assert dict(Offer.objects.values_list("pk", "updated_at")) == stamps
    assert need.events.count() == 1


@pytest.mark.django_db
def test_import_updates_by_source_and_id_and_reports_bad_records(tmp_path):
    _import(_write(tmp_path, SMALL_SET))
    changed = json.loads(json.dumps(SMALL_SET))
    changed["needs"][0]["title"] = "Plantes aquatiques envahissantes du delta"
    changed["needs"].append(
        {"id": "N-2", "title": "x", "description": "y", "language": "fr", "country": "ZZ"}
    )
    changed["needs"].append(
        {
            "id": "N-3",
            "title": "x",
            "description": "y",
            "language": "fr",
            "country": "SN",
            "targets": ["GBF-T99"],
        }
    )
    changed["offers"][1]["support_types"] = ["telepathy"]

    out = _import(_write(tmp_path, changed, "changed.json"))

    assert "Needs: 0 created, 1 updated, 0 unchanged, 2 skipped" in out
    assert "need N-2: country: Unknown country code “ZZ”." in out
    assert "GBF-T99" in out and "telepathy" in out
    assert Need.objects.get(external_id="N-1").title == "Plantes aquatiques envahissantes du delta"
    assert not Need.objects.filter(external_id__in=["N-2", "N-3"]).exists()


@pytest.mark.django_db
def test_import_refuses_files_that_are_not_record_sets(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")

    with pytest.raises(Exception, match="not a JSON file"):
        _import(str(bad))
    with pytest.raises(Exception, match="Cannot read"):
        _import(str(tmp_path / "missing.json"))


@pytest.mark.django_db
def test_suggest_matches_ranks_the_french_need_to_the_english_offer_it_is_eligible_for(tmp_path):
    _import(_write(tmp_path, SMALL_SET))

    result = _suggest("N-1", "--format", "json")

    offers = [item["offer"] for item in result["N-1"]]
    # O-2 is for small island States only, O-3 for Asia only: Senegal is eligible for neither.
    assert offers == ["O-1"]
    assert 0 < result["N-1"][0]["score"] <= 1
    assert result["N-1"][0]["reasons"]


@pytest.mark.django_db
def test_suggest_matches_judges_at_the_files_date_unless_told(tmp_path):
    _import(_write(tmp_path, SMALL_SET))

    assert _suggest("N-1")["N-1"]
    # Before the offer is available: nothing is eligible.
    assert _suggest("N-1", "--as-of", "2025-06-01") == {"N-1": []}


@pytest.mark.django_db
def test_suggest_matches_by_reference_all_top_and_table(tmp_path):
    _import(_write(tmp_path, SMALL_SET))
    reference = Need.objects.get(external_id="N-1").reference

    assert list(_suggest(reference)) == ["N-1"]
    assert list(_suggest("--all", "--top", "1")) == ["N-1"]
    out = StringIO()
    call_command("suggest_matches", "N-1", "--format", "table", "--language", "fr", stdout=out)
    assert "O-1" in out.getvalue() and "Propose" not in out.getvalue()
    with pytest.raises(Exception, match="No request"):
        _suggest("N-404")
    with pytest.raises(Exception, match="--all"):
        _suggest()


@pytest.mark.django_db
@pytest.mark.skipif(not DEV_SET.exists(), reason="the shared development set is not here")
def test_the_database_path_ranks_exactly_as_the_engine_does_on_the_file(tmp_path):
    """import_records + suggest_matches give the engine's own ranking of the file's records:
    nothing is lost or changed on the way through the database (eligibility included)."""
    document = json.loads(DEV_SET.read_text(encoding="utf-8"))
    _import(str(DEV_SET))
    record_set = parse_record_set(document)
    # The portal keeps no offer whose availability ended before the date the set is judged at.
    held = [
        offer
        for offer in record_set.offers
        if offer.available_until is None or offer.available_until >= record_set.as_of
    ]
    index = OfferIndex.build(held, geography=Geography.from_reference())
    expected = {
        need.id: [item.offer_id for item in index.rank(need, as_of=record_set.as_of, top=10)]
        for need in record_set.needs
    }

    result = _suggest("--all")

    assert {need: [item["offer"] for item in items] for need, items in result.items()} == expected


# --- Stored suggestions, kept current -------------------------------------------------------------
@pytest.fixture
def imported(tmp_path, django_capture_on_commit_callbacks):
    """The small set imported, with the work sent after commit done (tasks run eagerly)."""
    with django_capture_on_commit_callbacks(execute=True):
        _import(_write(tmp_path, SMALL_SET))
    return Need.objects.get(external_id="N-1")


@pytest.mark.django_db
def test_imported_requests_get_stored_suggestions_with_the_algorithm_version(imported):
    rows = list(Suggestion.objects.filter(need=imported))

    assert [row.offer.external_id for row in rows] == ["O-1"]
    assert rows[0].rank == 1 and rows[0].algorithm_version == ALGORITHM_VERSION
    assert rows[0].reasons and all(len(reason) == 2 for reason in rows[0].reasons)
    assert not SuggestionRefresh.objects.exists()


@pytest.mark.django_db
def test_recomputing_is_idempotent(imported):
    before = list(Suggestion.objects.values_list("need_id", "offer_id", "rank", "score", "reasons"))

    services.suggestions_refresh_needs(need_ids=[imported.pk])
    services.suggestions_refresh_needs(need_ids=[imported.pk])

    after = list(Suggestion.objects.values_list("need_id", "offer_id", "rank", "score", "reasons"))
    assert after == before


@pytest.mark.django_db
def test_an_offer_closed_or_opened_to_the_country_changes_the_suggestions(
    imported, helpdesk_user, django_capture_on_commit_callbacks
):
    asia_only = Offer.objects.get(external_id="O-3")
    in_africa = Offer.objects.get(external_id="O-1")

    with django_capture_on_commit_callbacks(execute=True):
        record_services.record_update(
            record=asia_only, by=helpdesk_user, data={}, relations={"eligible_regions": []}
        )
    assert set(imported.suggestions.values_list("offer__external_id", flat=True)) == {"O-1", "O-3"}

    with django_capture_on_commit_callbacks(execute=True):
        record_services.record_set_status(record=in_africa, by=helpdesk_user, status="closed")
    assert list(imported.suggestions.values_list("offer__external_id", flat=True)) == ["O-3"]


@pytest.mark.django_db
def test_an_offer_with_no_place_left_is_not_suggested(imported, helpdesk_user):
    offer = Offer.objects.get(external_id="O-1")
    Offer.objects.filter(pk=offer.pk).update(max_concurrent_requests=1)
    other = need_services.need_import(
        source="test",
        external_id="N-9",
        country_code="KE",
        language="en",
        title="Wetlands",
        description="Invasive weeds in wetlands.",
        related={},
    )[0]
    Match.objects.create(need=other, offer=offer, status=Match.Status.AGREED)
    services.suggestions_refresh_needs(need_ids=[imported.pk])

    assert not imported.suggestions.exists()


@pytest.mark.django_db
def test_a_request_that_leaves_matching_loses_its_suggestions(
    imported, helpdesk_user, django_capture_on_commit_callbacks
):
    assert imported.suggestions.exists()

    with django_capture_on_commit_callbacks(execute=True):
        need_services.need_withdraw(need=imported, by=helpdesk_user, reason="Solved locally.")

    assert not imported.suggestions.exists()


@pytest.mark.django_db
@override_settings(MATCHING_REFRESH_DEBOUNCE_SECONDS=30)
def test_changes_are_debounced_into_one_refresh_per_record(imported, helpdesk_user):
    offer = Offer.objects.get(external_id="O-1")
    for title in ("Invasive plants I", "Invasive plants II", "Invasive plants III"):
        record_services.record_update(record=offer, by=helpdesk_user, data={"title_en": title})

    assert SuggestionRefresh.objects.filter(kind="offer", object_id=offer.pk).count() == 1
    assert services.suggestions_process_refreshes() == 0  # not due yet
    later = timezone.now() + datetime.timedelta(seconds=31)
    assert services.suggestions_process_refreshes(now=later) == 1
    assert not SuggestionRefresh.objects.exists()


@pytest.mark.django_db
@override_settings(
    CELERY_TASK_ALWAYS_EAGER=False,
    CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    MATCHING_REFRESH_DEBOUNCE_SECONDS=0,
)
def test_with_the_broker_down_a_publication_succeeds_and_the_sweep_computes_later(
    imported, helpdesk_user, django_capture_on_commit_callbacks
):
    from chm_portal.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        offer = Offer.objects.get(external_id="O-3")
        with django_capture_on_commit_callbacks(execute=True):
            record_services.record_update(
                record=offer, by=helpdesk_user, data={}, relations={"eligible_regions": []}
            )
        assert SuggestionRefresh.objects.filter(kind="offer", object_id=offer.pk).exists()
        assert list(imported.suggestions.values_list("offer__external_id", flat=True)) == ["O-1"]
    finally:
        app.conf.task_always_eager = True

    assert services.suggestions_process_refreshes() == 1
    assert set(imported.suggestions.values_list("offer__external_id", flat=True)) == {"O-1", "O-3"}


@pytest.mark.django_db
def test_many_offer_changes_at_once_are_one_full_recomputation(imported, monkeypatch):
    full_runs = []
    recompute_all = services.suggestions_refresh_all
    monkeypatch.setattr(
        services,
        "suggestions_refresh_all",
        lambda **kwargs: full_runs.append(kwargs) or recompute_all(**kwargs),
    )
    Suggestion.objects.all().delete()
    many = services.COLLAPSE_OFFER_REFRESHES + 1
    for number in range(many):
        SuggestionRefresh.objects.create(kind="offer", object_id=10_000 + number)

    assert services.suggestions_process_refreshes() == many

    assert full_runs == [{"inline": True}]
    assert not SuggestionRefresh.objects.exists()
    assert imported.suggestions.exists()


@pytest.mark.django_db
def test_a_failing_refresh_is_kept_with_its_error(imported, monkeypatch):
    SuggestionRefresh.objects.create(kind="need", object_id=imported.pk)

    def broken(**kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(services, "suggestions_refresh_needs", broken)
    assert services.suggestions_process_refreshes() == 0

    refresh = SuggestionRefresh.objects.get()
    assert refresh.attempts == 1 and "engine exploded" in refresh.last_error


# --- API ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_api_lists_a_public_requests_suggestions_with_reasons_in_the_readers_language(
    imported, api_client, django_assert_max_num_queries
):
    url = f"/api/v1/needs/{imported.pk}/suggestions/"

    with django_assert_max_num_queries(6):
        response = api_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    (item,) = response.json()
    assert item["rank"] == 1 and item["offer"]["title"].startswith("Early detection")
    assert item["algorithm_version"] == ALGORITHM_VERSION
    texts = [reason["text"] for reason in item["reasons"]]
    assert any("français" in text or "Français" in text for text in texts), texts


@pytest.mark.django_db
def test_api_hides_suggestions_of_requests_the_reader_may_not_see(imported, api_client):
    Need.objects.filter(pk=imported.pk).update(visibility=Need.Visibility.RESTRICTED)

    assert api_client.get(f"/api/v1/needs/{imported.pk}/suggestions/").status_code == 404
    assert api_client.get("/api/v1/needs/999999/suggestions/").status_code == 404

    helpdesk = UserFactory(staff_roles=[Role.HELPDESK])
    api_client.force_authenticate(helpdesk)
    assert len(api_client.get(f"/api/v1/needs/{imported.pk}/suggestions/").json()) == 1
    member = MembershipFactory().user
    api_client.force_authenticate(member)
    assert api_client.get(f"/api/v1/needs/{imported.pk}/suggestions/").status_code == 404


# --- The request's page: related resources and opportunities -------------------------------------
@pytest.mark.django_db
def test_a_public_requests_page_shows_related_resources_ranked_by_the_engine(
    tmp_path, client, django_capture_on_commit_callbacks
):
    from tests.factories import ResourceFactory

    guide = ResourceFactory(
        title="Field guide to invasive aquatic plants",
        description="How to recognise and control water hyacinth, salvinia and other invasive "
        "aquatic weeds in wetlands and rivers.",
    )
    ResourceFactory(
        title="Accounting for natural capital",
        description="A handbook on national accounts of ecosystem services.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _import(_write(tmp_path, SMALL_SET))
    need = Need.objects.get(external_id="N-1")

    response = client.get(f"/fr/matchmaking/requests/{need.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Field guide to invasive aquatic plants" in html
    assert f"/fr/partners/resources/{guide.pk}/" in html
    assert "Accounting for natural capital" not in html


@pytest.mark.django_db
def test_courses_open_for_enrolment_are_suggested_for_a_request(
    tmp_path, client, django_capture_on_commit_callbacks
):
    from tests.factories import CourseFactory

    course = CourseFactory(
        title="Managing invasive aquatic plants in wetlands",
        summary="A self-paced course on the early detection and control of water hyacinth, "
        "salvinia and other invasive aquatic weeds.",
    )
    CourseFactory(
        title="Invasive aquatic weeds: a closed course",
        summary="Control of water hyacinth and salvinia in wetlands.",
        status="draft",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _import(_write(tmp_path, SMALL_SET))
    need = Need.objects.get(external_id="N-1")

    response = client.get(f"/en/matchmaking/requests/{need.pk}/")

    html = response.content.decode()
    assert "Managing invasive aquatic plants in wetlands" in html
    assert f"/en/learning/courses/{course.pk}/" in html
    assert "a closed course" not in html
