"""The API of requests for assistance and assessments: who may do what, filters, workflow actions.

The permission matrix: anonymous visitors, Lea (signed in, no role), Amani (focal point of Kenya)
and his colleague, Beatriz (focal point of Brazil, another tenant), Hana (help desk).
"""

import uuid

import pytest

from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import Country, GBFTarget, Priority
from needs import services
from needs.models import Assessment, Need
from needs.tests.test_registry import registry_need

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs/"
ASSESSMENTS = "/api/v1/assessments/"

NEW_REQUEST = {
    "country": "KE",
    "title": "Seed bank for dryland grasses",
    "description": "Seeds of native grasses are lost when drought kills the plants.",
    "objectives": "Set up a community seed bank in Makueni.",
    "requesting_organisation": "Kenya Forestry Research Institute",
    "contact_name": "Amani Otieno",
    "contact_email": "amani.otieno@environment.go.ke",
    "estimated_budget": "45000.00",
    "budget_currency": "USD",
    "targets": ["GBF-T2", "GBF-T4"],
    "thematic_areas": ["restoration"],
    "support_types": ["training", "equipment"],
    "support_details": [{"code": "equipment", "details": "Seed drying cabinets."}],
    "capacity_levels": ["organizational"],
    "languages": ["en", "sw"],
}


def detail(need) -> str:
    return f"{NEEDS}{need.reference}/"


def action(need, name: str) -> str:
    return f"{NEEDS}{need.reference}/{name}/"


@pytest.fixture
def brazilian_draft(make_need, focal_point_b, country_b):
    """Beatriz's Brazilian draft."""
    return make_need(by=focal_point_b, country=country_b, title="Amazon river dolphins")


# --- Reading ------------------------------------------------------------------------------------
def test_anonymous_reads_published_public_requests_only(
    api_client, published_need, make_need, country_a
):
    draft_need = make_need(title="Still a draft")
    restricted = registry_need(country_a, title="Restricted", visibility=Need.Visibility.RESTRICTED)
    rejected = registry_need(country_a, title="Rejected", status=Need.Status.REJECTED)

    response = api_client.get(NEEDS)

    assert response.status_code == 200
    assert [item["reference"] for item in response.json()["results"]] == [published_need.reference]
    assert api_client.get(detail(published_need)).status_code == 200
    for hidden in (draft_need, restricted, rejected):
        assert api_client.get(detail(hidden)).status_code == 404


def test_owners_and_help_desk_also_list_what_they_may_see(
    api_client, published_need, make_need, brazilian_draft, focal_point_a, helpdesk_user
):
    draft_need = make_need(title="Still a draft")
    api_client.force_authenticate(focal_point_a)
    mine = {item["reference"] for item in api_client.get(NEEDS).json()["results"]}
    assert mine == {published_need.reference, draft_need.reference}

    api_client.force_authenticate(helpdesk_user)
    everything = api_client.get(NEEDS, {"status": ["draft"]}).json()["results"]
    assert {item["reference"] for item in everything} == {
        draft_need.reference,
        brazilian_draft.reference,
    }


def test_output_uses_codes_and_record_format_names(api_client, published_need):
    item = api_client.get(detail(published_need)).json()

    assert item["reference"] == published_need.reference
    assert item["status"] == "published"
    assert item["description"].startswith("County officers cannot identify")
    assert item["country"] == "KE"
    assert item["region"] == "002"
    assert item["targets"] == ["GBF-T4", "GBF-T21"]
    assert item["thematic_areas"] == ["inland_waters", "monitoring_data"]
    assert item["support_types"] == ["training"]
    assert item["support_details"] == [
        {"code": "training", "details": "Two field courses of five days at Lake Nakuru."}
    ]
    assert item["capacity_levels"] == ["individual"]
    assert item["languages"] == ["en", "sw"]
    assert item["url"] == f"http://testserver{detail(published_need)}"
    assert item["page_url"] == f"http://testserver/en/needs/{published_need.reference}/"


def test_private_fields_only_for_owners_and_help_desk(
    api_client, published_need, focal_point_a, colleague_a, helpdesk_user, focal_point_b, learner
):
    private = {"contact_name", "contact_email", "contact_phone", "estimated_budget"}
    assert private.isdisjoint(api_client.get(detail(published_need)).json())
    for outsider in (focal_point_b, learner):
        api_client.force_authenticate(outsider)
        assert private.isdisjoint(api_client.get(detail(published_need)).json())
    for insider in (focal_point_a, colleague_a, helpdesk_user):
        api_client.force_authenticate(insider)
        body = api_client.get(detail(published_need)).json()
        assert body["contact_email"] == "amani.otieno@environment.go.ke", insider


def test_filters_are_the_registry_filters(api_client, country_a, country_b):
    registry_need(country_a, title="Kenyan", targets=["GBF-T1"])
    registry_need(country_b, title="Brazilian", targets=["GBF-T3"])

    by_target = api_client.get(NEEDS, {"target": "GBF-T3"}).json()["results"]
    by_region = api_client.get(NEEDS, {"region": "002"}).json()["results"]
    by_search = api_client.get(NEEDS, {"q": "seagrass", "country": "BR"}).json()["results"]

    assert [item["title"] for item in by_target] == ["Brazilian"]
    assert [item["title"] for item in by_region] == ["Kenyan"]
    assert [item["title"] for item in by_search] == ["Brazilian"]


def test_unknown_filter_parameter_is_400(api_client):
    response = api_client.get(NEEDS, {"targett": "GBF-T1"})

    assert response.status_code == 400
    assert "targett" in response.json()


def test_unknown_target_code_is_400(api_client):
    response = api_client.get(NEEDS, {"target": "GBF-T99"})

    assert response.status_code == 400
    assert "target" in response.json()


def test_anonymous_may_not_filter_by_a_non_public_status(api_client):
    assert api_client.get(NEEDS, {"status": "draft"}).status_code == 400
    assert api_client.get(NEEDS, {"status": "published"}).status_code == 200


@pytest.mark.parametrize("number_of_requests", [5, 40])
def test_list_query_count_does_not_grow(
    api_client, country_a, number_of_requests, django_assert_num_queries
):
    for _number in range(number_of_requests):
        registry_need(country_a, targets=["GBF-T1", "GBF-T2"], support=["training"])

    # 1 count, 1 page (country, region, priority, assignee, duplicate joined), 7 prefetches:
    # targets, thematic areas, capacity levels, working languages, support (with types),
    # beneficiaries, other countries.
    with django_assert_num_queries(9):
        response = api_client.get(NEEDS, {"page_size": 50})

    assert len(response.json()["results"]) == number_of_requests


# --- Creating and changing ----------------------------------------------------------------------
def test_anonymous_cannot_create(api_client, country_a):
    response = api_client.post(NEEDS, NEW_REQUEST, format="json")

    assert response.status_code in (401, 403)
    assert not Need.objects.exists()


def test_person_without_role_cannot_create(api_client, learner, country_a):
    api_client.force_authenticate(learner)

    assert api_client.post(NEEDS, NEW_REQUEST, format="json").status_code == 403
    assert not Need.objects.exists()


def test_focal_point_creates_a_draft_for_their_country(api_client, focal_point_a):
    api_client.force_authenticate(focal_point_a)

    response = api_client.post(NEEDS, NEW_REQUEST, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["country"] == "KE"
    assert body["targets"] == ["GBF-T2", "GBF-T4"]
    assert body["support_details"] == [
        {"code": "training", "details": ""},
        {"code": "equipment", "details": "Seed drying cabinets."},
    ]
    assert body["languages"] == ["en", "sw"]
    assert body["contact_email"] == "amani.otieno@environment.go.ke"
    need = Need.objects.get(reference=body["reference"])
    assert need.created_by == focal_point_a
    assert need.problem_statement == NEW_REQUEST["description"]
    assert str(need.estimated_budget) == "45000.00"


def test_focal_point_cannot_create_for_another_country(api_client, focal_point_a, country_b):
    api_client.force_authenticate(focal_point_a)

    response = api_client.post(NEEDS, {**NEW_REQUEST, "country": "BR"}, format="json")

    assert response.status_code == 403
    assert not Need.objects.exists()


def test_status_in_the_body_is_refused_and_nothing_is_created(api_client, focal_point_a):
    api_client.force_authenticate(focal_point_a)

    response = api_client.post(
        NEEDS, {**NEW_REQUEST, "status": "published", "reference": "MINE"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"status", "reference"}
    assert not Need.objects.exists()


def test_unknown_codes_in_the_body_are_400(api_client, focal_point_a):
    api_client.force_authenticate(focal_point_a)

    response = api_client.post(
        NEEDS,
        {**NEW_REQUEST, "targets": ["GBF-T99"], "support_details": [{"code": "cash"}]},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"targets", "support_details"}
    assert not Need.objects.exists()


def test_idempotency_key_creates_once(api_client, focal_point_a):
    api_client.force_authenticate(focal_point_a)
    key = str(uuid.uuid4())

    first = api_client.post(NEEDS, NEW_REQUEST, format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = api_client.post(NEEDS, NEW_REQUEST, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert first.json()["reference"] == second.json()["reference"]
    assert Need.objects.count() == 1
    bad = api_client.post(NEEDS, NEW_REQUEST, format="json", HTTP_IDEMPOTENCY_KEY="once")
    assert bad.status_code == 400


def test_owner_patches_their_draft(api_client, draft_need, colleague_a):
    api_client.force_authenticate(colleague_a)

    response = api_client.patch(
        detail(draft_need),
        {"title": "Waterbird census", "targets": ["GBF-T21"], "description": "New text."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["targets"] == ["GBF-T21"]
    draft_need.refresh_from_db()
    assert draft_need.title == "Waterbird census"
    assert draft_need.problem_statement == "New text."
    # What was not sent is unchanged.
    assert draft_need.objectives.startswith("Train 40 officers")
    assert list(draft_need.support_details.values_list("support_type__code", flat=True)) == [
        "training"
    ]


def test_patching_another_tenants_draft_is_404(api_client, brazilian_draft, focal_point_a):
    api_client.force_authenticate(focal_point_a)

    response = api_client.patch(detail(brazilian_draft), {"title": "Mine now"}, format="json")

    assert response.status_code == 404
    brazilian_draft.refresh_from_db()
    assert brazilian_draft.title == "Amazon river dolphins"


def test_status_and_country_cannot_be_patched(api_client, draft_need, focal_point_a):
    api_client.force_authenticate(focal_point_a)

    response = api_client.patch(
        detail(draft_need), {"status": "published", "country": "BR"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"status", "country"}
    draft_need.refresh_from_db()
    assert (draft_need.status, draft_need.country.code) == ("draft", "KE")


def test_published_request_is_no_longer_editable_by_its_owner(
    api_client, published_need, focal_point_a, helpdesk_user
):
    api_client.force_authenticate(focal_point_a)
    assert api_client.patch(detail(published_need), {"title": "x"}, format="json").status_code == (
        403
    )

    api_client.force_authenticate(helpdesk_user)
    response = api_client.patch(detail(published_need), {"title": "Edited"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Edited"


def test_put_needs_the_title(api_client, draft_need, focal_point_a):
    api_client.force_authenticate(focal_point_a)

    assert api_client.put(detail(draft_need), {"objectives": "x"}, format="json").status_code == 400
    response = api_client.put(detail(draft_need), {"title": "Put title"}, format="json")
    assert response.status_code == 200
    assert response.json()["objectives"].startswith("Train 40 officers")


# --- Workflow actions ---------------------------------------------------------------------------
def test_requester_submits_and_help_desk_publishes(
    api_client, draft_need, focal_point_a, helpdesk_user
):
    api_client.force_authenticate(focal_point_a)
    assert api_client.post(action(draft_need, "publish"), {}, format="json").status_code == 403

    submitted = api_client.post(action(draft_need, "submit"), {}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"

    api_client.force_authenticate(helpdesk_user)
    published = api_client.post(action(draft_need, "publish"), {}, format="json")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_at"]


def test_second_publish_is_a_conflict(api_client, submitted_need, helpdesk_user):
    api_client.force_authenticate(helpdesk_user)

    first = api_client.post(action(submitted_need, "publish"), {}, format="json")
    second = api_client.post(action(submitted_need, "publish"), {}, format="json")

    assert first.status_code == 200
    assert second.status_code == 409
    assert submitted_need.reference in second.json()["detail"]
    assert "Published" in second.json()["detail"]
    assert submitted_need.events.filter(action="published").count() == 1


def test_submitting_an_incomplete_draft_names_the_api_fields(api_client, make_need, focal_point_a):
    need = make_need(problem_statement="")
    api_client.force_authenticate(focal_point_a)

    response = api_client.post(action(need, "submit"), {}, format="json")

    assert response.status_code == 400
    assert "description" in response.json()
    need.refresh_from_db()
    assert need.status == "draft"


def test_clarification_round_trip(api_client, submitted_need, helpdesk_user, focal_point_a):
    api_client.force_authenticate(helpdesk_user)
    asked = api_client.post(
        action(submitted_need, "request-clarification"),
        {"message": "Which lakes exactly?"},
        format="json",
    )
    assert asked.json()["status"] == "clarification_requested"

    api_client.force_authenticate(focal_point_a)
    assert api_client.post(action(submitted_need, "answer"), {}, format="json").status_code == 400
    answered = api_client.post(
        action(submitted_need, "answer"), {"message": "Nakuru and Naivasha."}, format="json"
    )
    assert answered.status_code == 200
    assert answered.json()["status"] == "submitted"


def test_help_desk_assigns_rejects_and_marks_duplicates(
    api_client, make_need, focal_point_a, helpdesk_user, second_helpdesk_user, learner
):
    original = make_need(title="Original")
    copy = services.need_submit(need=make_need(title="Copy"), by=focal_point_a)
    other = services.need_submit(need=make_need(title="Other"), by=focal_point_a)
    api_client.force_authenticate(helpdesk_user)

    assert (
        api_client.post(action(copy, "assign"), {"assignee": learner.pk}, format="json").status_code
        == 400
    )
    assigned = api_client.post(
        action(copy, "assign"), {"assignee": second_helpdesk_user.pk}, format="json"
    )
    assert assigned.json()["status"] == "in_triage"

    duplicate = api_client.post(
        action(copy, "mark-duplicate"), {"original": original.reference}, format="json"
    )
    assert duplicate.status_code == 200
    assert duplicate.json()["duplicate_of"] == original.reference
    missing = api_client.post(
        action(other, "mark-duplicate"), {"original": "NEED-0000-00000"}, format="json"
    )
    assert missing.status_code == 400

    assert api_client.post(action(other, "reject"), {}, format="json").status_code == 400
    rejected = api_client.post(action(other, "reject"), {"reason": "Out of scope."}, format="json")
    assert rejected.json()["status"] == "rejected"


def test_requester_withdraws(api_client, submitted_need, focal_point_a, focal_point_b):
    api_client.force_authenticate(focal_point_b)
    assert api_client.post(action(submitted_need, "withdraw"), {}, format="json").status_code == 404

    api_client.force_authenticate(focal_point_a)
    response = api_client.post(
        action(submitted_need, "withdraw"), {"reason": "Funded elsewhere."}, format="json"
    )
    assert response.json()["status"] == "withdrawn"


def test_actions_refuse_unknown_keys(api_client, submitted_need, helpdesk_user):
    api_client.force_authenticate(helpdesk_user)

    response = api_client.post(action(submitted_need, "publish"), {"status": "x"}, format="json")

    assert response.status_code == 400
    submitted_need.refresh_from_db()
    assert submitted_need.status == "submitted"


def test_anonymous_cannot_act(api_client, submitted_need):
    response = api_client.post(action(submitted_need, "publish"), {}, format="json")

    assert response.status_code in (401, 403)


# --- Assessments --------------------------------------------------------------------------------
def _assessment_with_entries(country, by) -> Assessment:
    assessment = services.assessment_start(country=country, cycle=2026, by=by)
    high = Priority.objects.get(code="high")
    for code, scores in (("GBF-T1", (1, 1, 1)), ("GBF-T2", (4, 4, 4)), ("GBF-T7", (0, 2, None))):
        services.assessment_save_entry(
            assessment=assessment,
            by=by,
            target=GBFTarget.objects.get(code=code),
            capacity_individual=scores[0],
            capacity_organisational=scores[1],
            capacity_systemic=scores[2],
            priority=high,
        )
    return assessment


def test_assessments_are_for_their_focal_points_and_the_help_desk(
    api_client, country_a, focal_point_a, focal_point_b, helpdesk_user, learner
):
    assessment = _assessment_with_entries(country_a, focal_point_a)
    url = f"{ASSESSMENTS}{assessment.pk}/"

    assert api_client.get(ASSESSMENTS).status_code in (401, 403)
    for outsider in (focal_point_b, learner):
        api_client.force_authenticate(outsider)
        assert api_client.get(ASSESSMENTS).json()["results"] == []
        assert api_client.get(url).status_code == 404
    for insider in (focal_point_a, helpdesk_user):
        api_client.force_authenticate(insider)
        body = api_client.get(url).json()
        assert body["country"] == "KE"
        assert [entry["target"] for entry in body["entries"]] == ["GBF-T1", "GBF-T2", "GBF-T7"]
        assert body["entries"][0]["gap_score"] == 3.0
        assert body["entries"][0]["priority"] == "high"
        assert body["largest_gaps"] == [
            {"target": "GBF-T1", "gap": 3.0},
            {"target": "GBF-T7", "gap": 3.0},
            {"target": "GBF-T2", "gap": 0.0},
        ]


def test_focal_point_starts_an_assessment_and_saves_entries(
    api_client, focal_point_a, focal_point_b, country_b, learner
):
    api_client.force_authenticate(focal_point_a)
    assert (
        api_client.post(ASSESSMENTS, {"country": "BR", "cycle": 2026}, format="json").status_code
        == 403
    )
    created = api_client.post(ASSESSMENTS, {"country": "KE", "cycle": 2026}, format="json")
    assert created.status_code == 201
    entries_url = f"{ASSESSMENTS}{created.json()['id']}/entries/"

    saved = api_client.post(
        entries_url,
        {"target": "GBF-T3", "capacity_individual": 2, "priority": "medium"},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["gap_score"] == 2.0
    invalid = api_client.post(
        entries_url, {"target": "GBF-T3", "capacity_individual": 9}, format="json"
    )
    assert invalid.status_code == 400

    api_client.force_authenticate(focal_point_b)
    assert api_client.post(entries_url, {"target": "GBF-T3"}, format="json").status_code == 404
    api_client.force_authenticate(learner)
    assert (
        api_client.post(ASSESSMENTS, {"country": "KE", "cycle": 2027}, format="json").status_code
        == 403
    )


@pytest.mark.parametrize("number_of_countries", [2, 6])
def test_assessment_list_query_count_does_not_grow(
    api_client, helpdesk_user, number_of_countries, django_assert_num_queries
):
    for country in Country.objects.filter(is_cbd_party=True).order_by("code")[:number_of_countries]:
        _assessment_with_entries(country, helpdesk_user)
    # A fresh user object, as on every request (roles are cached on the object).
    api_client.force_authenticate(User.objects.get(pk=helpdesk_user.pk))

    # 1 group check (help desk), 1 count, 1 page (countries joined), 1 prefetch of entries (with
    # target, area, priority), 1 query for the largest gaps of the page.
    with django_assert_num_queries(5):
        response = api_client.get(ASSESSMENTS)

    assert len(response.json()["results"]) == number_of_countries


def test_script_in_the_description_is_refused_and_nothing_is_created(api_client, focal_point_a):
    api_client.force_authenticate(focal_point_a)

    response = api_client.post(
        NEEDS, {**NEW_REQUEST, "description": "<script>alert(1)</script>"}, format="json"
    )

    assert response.status_code == 400
    assert "plain text" in str(response.json())
    assert not Need.objects.exists()
