"""API of the records kept by hand (``/api/v1/evaluations/``, ``/api/v1/country-profiles/``):
published evaluations only, filters and pagination, the Parties with their maturity level, and
the write of a profile by the people who keep it (403 for the others, 400 with translated
errors for bad values)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import include, path
from django.utils import timezone
from rest_framework.routers import SimpleRouter

from chm_portal.vocabularies.models import Country
from monitoring.api.records import ROUTES
from monitoring.models import MATURITY_SUPPORT_ACTIONS, CountryProfile, Evaluation, MaturityLevel
from monitoring.tests.factories import CountryProfileFactory, EvaluationFactory
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db

EVALUATIONS = "/api/v1/evaluations/"
PROFILES = "/api/v1/country-profiles/"


def kenya(code: str = "KE") -> str:
    return f"{PROFILES}{code}/"


# --- Evaluations ----------------------------------------------------------------------------------
@pytest.fixture
def evaluations():
    return [
        EvaluationFactory(
            title="Help desk review", activity=4, evaluated_on=datetime.date(2025, 11, 30)
        ),
        EvaluationFactory(
            title="Courses evaluation", activity=13, evaluated_on=datetime.date(2026, 3, 1)
        ),
        EvaluationFactory(
            title="Matchmaking evaluation",
            subject=Evaluation.Subject.MATCHMAKING,
            activity=None,
            evaluated_on=datetime.date(2026, 5, 15),
        ),
        EvaluationFactory(title="Draft evaluation", status=Evaluation.Status.DRAFT),
    ]


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_evaluations_are_published_ones_latest_first(api_client, evaluations):
    response = api_client.get(EVALUATIONS)

    assert response.status_code == 200
    assert titles(response) == ["Matchmaking evaluation", "Courses evaluation", "Help desk review"]
    first = response.json()["results"][0]
    assert first["subject"] == "matchmaking"
    assert first["activity"] is None and first["activity_name"] is None
    assert first["page_url"].endswith(f"/dashboards/evaluations/{evaluations[2].pk}/")
    help_desk = response.json()["results"][2]
    assert (help_desk["activity"], help_desk["activity_name"]) == (4, "Help desk")


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"subject": "matchmaking"}, ["Matchmaking evaluation"]),
        ({"activity": "13"}, ["Courses evaluation"]),
        ({"from": "2026-01-01"}, ["Matchmaking evaluation", "Courses evaluation"]),
        ({"to": "2026-03-01"}, ["Courses evaluation", "Help desk review"]),
        ({"from": "2026-03-01", "to": "2026-03-01"}, ["Courses evaluation"]),
        ({"year": "2025"}, ["Help desk review"]),
    ],
)
def test_evaluations_filters(api_client, evaluations, query, expected):
    response = api_client.get(EVALUATIONS, query)
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(
    "query, field",
    [
        ({"from": "2026-06-01", "to": "2026-01-01"}, "to"),
        ({"activity": "15"}, "activity"),
        ({"from": "soon"}, "from"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_evaluation_filters_are_400_by_name(api_client, evaluations, query, field):
    response = api_client.get(EVALUATIONS, query)
    assert response.status_code == 400
    assert field in response.json()


def test_the_range_error_is_translated(api_client, evaluations):
    english = api_client.get(EVALUATIONS, {"from": "2026-06-01", "to": "2026-01-01"})
    french = api_client.get(
        EVALUATIONS, {"from": "2026-06-01", "to": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert english.json()["to"] == ["The end date must not be before the start date."]
    assert french.status_code == 400 and french.json()["to"]


def test_a_draft_evaluation_is_404(api_client, evaluations):
    assert api_client.get(f"{EVALUATIONS}{evaluations[3].pk}/").status_code == 404
    assert api_client.get(f"{EVALUATIONS}{evaluations[0].pk}/").status_code == 200


def test_evaluations_are_paginated_and_read_only(api_client, helpdesk_user):
    for number in range(7):
        EvaluationFactory(evaluated_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=number))

    first = api_client.get(EVALUATIONS, {"page_size": 5})
    second = api_client.get(EVALUATIONS, {"page_size": 5, "page": 2})
    api_client.force_authenticate(helpdesk_user)
    written = api_client.post(EVALUATIONS, {"title": "New"}, format="json")

    assert first.json()["count"] == 7
    assert len(first.json()["results"]) == 5 and first.json()["next"]
    assert len(second.json()["results"]) == 2 and second.json()["next"] is None
    assert written.status_code == 405


# --- Country profiles: reading --------------------------------------------------------------------
def test_every_party_is_listed_with_its_level(api_client, country_a, focal_point_a):
    CountryProfileFactory(
        country=country_a,
        maturity_level=3,
        national_chm_url="https://chm.kenya.example",
        updated_at=timezone.now(),
    )
    CountryFactory(code="XQ", name="Not a Party", is_cbd_party=False)
    parties = Country.objects.filter(is_cbd_party=True).count()

    listed = api_client.get(PROFILES, {"page_size": 100})
    shown = api_client.get(kenya())
    lower_case = api_client.get(kenya("ke"))

    assert listed.status_code == 200
    assert listed.json()["count"] == parties
    assert "XQ" not in [row["code"] for row in listed.json()["results"]]
    body = shown.json()
    assert body["maturity_level"] == 3 and body["is_described"] is True
    assert body["maturity_label"] == str(MaturityLevel.WEB_PRESENCE.label)
    assert body["recommended_support"] == str(MATURITY_SUPPORT_ACTIONS[MaturityLevel(3)])
    assert body["national_chm_url"] == "https://chm.kenya.example"
    assert body["region"] == "002"
    assert body["updated_at"]
    assert body["page_url"].endswith("/dashboards/countries/KE/")
    assert lower_case.json()["code"] == "KE"


def test_a_party_without_profile_is_level_0_not_described(api_client, country_b):
    body = api_client.get(kenya("BR")).json()
    assert (body["maturity_level"], body["is_described"], body["updated_at"]) == (0, False, None)


@pytest.mark.parametrize("code", ["XQ", "ZZ"])
def test_codes_that_are_not_parties_are_404(api_client, code):
    CountryFactory(code="XQ", name="Not a Party", is_cbd_party=False)
    assert api_client.get(kenya(code)).status_code == 404


def test_profiles_filters(api_client, country_a, country_b):
    CountryProfileFactory(country=country_a, maturity_level=3)
    CountryProfileFactory(country=country_b, maturity_level=3)
    ldc = CountryFactory(code="XL", name="Least developed Party", is_cbd_party=True, is_ldc=True)
    Country.objects.filter(is_ldc=True).exclude(pk=ldc.pk).update(is_ldc=False)

    def codes(query):
        response = api_client.get(PROFILES, {**query, "page_size": 100})
        assert response.status_code == 200
        return [row["code"] for row in response.json()["results"]]

    assert codes({"level": "3"}) == ["BR", "KE"]
    assert codes({"level": "3", "region": "019"}) == ["BR"]  # the Americas
    assert codes({"country_group": "LDC"}) == ["XL"]
    assert codes({"q": "kenya"}) == ["KE"]
    assert "KE" not in codes({"level": "0"})
    assert "XL" in codes({"level": "0"})  # no profile: level 0


@pytest.mark.parametrize(
    "query", [{"level": "7"}, {"region": "999"}, {"country_group": "G77"}, {"maturity": "3"}]
)
def test_bad_profile_filters_are_400(api_client, query):
    response = api_client.get(PROFILES, query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.parametrize("count", [2, 40])
def test_the_profiles_list_takes_the_same_queries(api_client, django_assert_num_queries, count):
    for number, country in enumerate(Country.objects.filter(is_cbd_party=True)[:count]):
        CountryProfileFactory(country=country, maturity_level=number % 6)
    # 1 count, 2 the page with region and profile joined.
    with django_assert_num_queries(2):
        response = api_client.get(PROFILES, {"page_size": 100})
    assert response.status_code == 200


# --- Country profiles: writing, the permission matrix ---------------------------------------------
PATCH = {"maturity_level": 4, "national_chm_url": "https://chm.kenya.example"}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("anonymous", 403),
        ("learner", 403),
        ("focal_point_b", 403),  # a focal point of another country
        ("member_x", 403),  # a partner
        ("focal_point_a", 200),
        ("helpdesk_user", 200),
        ("site_admin", 200),
    ],
)
def test_who_may_update_a_profile(request, api_client, country_a, name, expected):
    user = None if name == "anonymous" else request.getfixturevalue(name)
    if user is not None:
        api_client.force_authenticate(user)

    response = api_client.patch(kenya(), PATCH, format="json")

    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["maturity_level"] == 4
        assert response.json()["is_described"] is True
        profile = CountryProfile.objects.get(country=country_a)
        assert (profile.maturity_level, profile.updated_by) == (4, user)
    else:
        assert not CountryProfile.objects.filter(country=country_a).exists()


def test_put_and_delete_are_not_offered(api_client, focal_point_a, country_a):
    api_client.force_authenticate(focal_point_a)
    assert api_client.put(kenya(), PATCH, format="json").status_code == 405
    assert api_client.delete(kenya()).status_code == 405


@pytest.mark.parametrize(
    "data, field",
    [
        ({"maturity_level": 7}, "maturity_level"),
        ({"maturity_level": "high"}, "maturity_level"),
        ({"national_chm_url": "chm kenya"}, "national_chm_url"),
        ({"notes": "<script>alert(1)</script>"}, "notes"),
        ({"updated_by": 1}, "updated_by"),
    ],
)
def test_bad_values_are_400_by_field_and_nothing_is_saved(
    api_client, focal_point_a, country_a, data, field
):
    CountryProfileFactory(country=country_a, maturity_level=1, notes="Before")
    api_client.force_authenticate(focal_point_a)

    response = api_client.patch(kenya(), data, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    stored = CountryProfile.objects.get(country=country_a)
    assert (stored.maturity_level, stored.notes) == (1, "Before")


def test_errors_are_in_the_language_asked_for(api_client, focal_point_a, country_a):
    api_client.force_authenticate(focal_point_a)

    english = api_client.patch(kenya(), {"maturity_level": 7}, format="json")
    french = api_client.patch(
        kenya(), {"maturity_level": 7}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    spanish = api_client.patch(
        kenya(), {"national_chm_url": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="es"
    )

    assert english.json()["maturity_level"] == ["Ensure this value is less than or equal to 5."]
    assert french.json()["maturity_level"][0] != english.json()["maturity_level"][0]
    assert "5" in french.json()["maturity_level"][0]
    assert spanish.json()["national_chm_url"][0] != "Enter a valid URL."


def test_a_refusal_says_why(api_client, focal_point_b, country_a):
    api_client.force_authenticate(focal_point_b)
    response = api_client.patch(kenya(), PATCH, format="json")
    assert response.status_code == 403
    assert "focal points of Kenya" in response.json()["detail"]


# --- Schema ---------------------------------------------------------------------------------------
# These routes alone, so that the schema test speaks of them only (the whole API's schema is
# checked by partners/tests/test_api_records.py).
_router = SimpleRouter()
for _prefix, _viewset, _basename in ROUTES:
    _router.register(_prefix, _viewset, basename=_basename)
urlpatterns = [
    path("api/v1/", include(_router.urls)),
    path("dashboards/", include("monitoring.urls")),
]


def test_the_schema_of_these_routes_builds_without_warnings():
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--urlconf",
        __name__,
        "--file",
        "/dev/null",
    )
