"""The API of matches: who sees which, filters, the workflow actions with their errors (400,
403, 404, 409 on a stale action), query counts and the OpenAPI schema."""

# Fixtures imported from matches_fixtures are redefined as test arguments, as pytest wants.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.core.management import call_command

from matchmaking.models import Match
from matchmaking.services import matches as services
from matchmaking.tests.matches_fixtures import (  # noqa: F401  (fixtures)
    CONTACT,
    accepted,
    interest,
    need,
    need_b,
    offer_x,
    offer_y,
    proposed,
    suggestion_x,
)
from needs.models import Need
from tests.factories import MatchNeedFactory

pytestmark = pytest.mark.django_db

MATCHES = "/api/v1/matches/"
S = Match.Status


def detail(match) -> str:
    return f"{MATCHES}{match.pk}/"


def act(match, name: str) -> str:
    return f"{MATCHES}{match.pk}/{name}/"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def as_(api_client, request, person: str):
    if person != "anonymous":
        api_client.force_authenticate(request.getfixturevalue(person))
    return api_client


# --- Reading ------------------------------------------------------------------------------------
def test_anonymous_is_refused(api_client, proposed):
    assert api_client.get(MATCHES).status_code in (401, 403)
    assert api_client.get(detail(proposed)).status_code in (401, 403)


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("helpdesk_user", {"proposed", "interest", "other"}),
        ("focal_point_a", {"proposed", "interest"}),
        ("colleague_a", {"proposed", "interest"}),
        ("member_x", {"proposed"}),  # not the interest the help desk has not proposed
        ("member_y", {"other"}),
        ("focal_point_b", {"other"}),
        ("learner", set()),
    ],
)
def test_list_and_retrieve_matrix(
    api_client, request, need, need_b, offer_x, offer_y, helpdesk_user, focal_point_a, person, sees
):
    matches = {
        "proposed": services.match_propose(need=need, offer=offer_x, by=helpdesk_user),
        "interest": services.match_express_interest(need=need, offer=offer_y, by=focal_point_a),
        "other": services.match_propose(need=need_b, offer=offer_y, by=helpdesk_user),
    }
    client = as_(api_client, request, person)
    response = client.get(MATCHES)
    assert response.status_code == 200
    assert ids(response) == {matches[name].pk for name in sees}
    for name, match in matches.items():
        assert client.get(detail(match)).status_code == (200 if name in sees else 404)


def test_what_each_side_reads(
    api_client, interest, helpdesk_user, member_x, member_y, focal_point_a
):
    services.match_propose(match=interest, by=helpdesk_user, message="Over to you.")
    api_client.force_authenticate(member_x)
    data = api_client.get(detail(interest)).json()
    assert data["status"] == "proposed"
    assert data["need"]["reference"] == interest.need.reference
    assert data["offer"]["provider_name"] == "Mangrove Alliance"
    assert data["proposal_message"] == "Over to you."
    assert data["interest_note"] == ""  # the requester's note to the help desk
    assert data["actions"] == ["accept", "decline"]
    history = api_client.get(act(interest, "history")).json()
    assert [event["action"] for event in history] == ["proposed"]
    assert history[0]["actor"] == "Hana Kim"

    api_client.force_authenticate(focal_point_a)
    data = api_client.get(detail(interest)).json()
    assert data["interest_note"] == "Could they train in Kiswahili?"
    assert data["actions"] == ["withdraw"]
    history = api_client.get(act(interest, "history")).json()
    assert [event["action"] for event in history] == ["interest", "proposed"]
    assert history[0]["note"] == "Could they train in Kiswahili?"
    assert (history[1]["from_status"], history[1]["to_status"]) == ("interest", "proposed")

    api_client.force_authenticate(member_y)
    assert api_client.get(act(interest, "history")).status_code == 404


def test_filters(
    api_client, need, need_b, offer_x, offer_y, helpdesk_user, member_x, organisation_y
):
    first = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    services.match_decline(match=first, by=member_x, reason="Booked.")
    second = services.match_propose(need=need_b, offer=offer_y, by=helpdesk_user)
    api_client.force_authenticate(helpdesk_user)
    assert ids(api_client.get(MATCHES, {"status": "declined"})) == {first.pk}
    assert ids(api_client.get(MATCHES, {"status": ["declined", "proposed"]})) == {
        first.pk,
        second.pk,
    }
    assert ids(api_client.get(MATCHES, {"need": need_b.pk})) == {second.pk}
    assert ids(api_client.get(MATCHES, {"need_reference": need.reference})) == {first.pk}
    assert ids(api_client.get(MATCHES, {"offer": offer_x.pk})) == {first.pk}
    assert ids(api_client.get(MATCHES, {"organisation": organisation_y.pk})) == {second.pk}
    assert api_client.get(MATCHES, {"colour": "blue"}).status_code == 400
    assert api_client.get(MATCHES, {"status": "nonsense"}).status_code == 400


def test_list_queries_do_not_grow(
    api_client, offer_x, helpdesk_user, country_a, member_x, django_assert_max_num_queries
):
    def add(count: int):
        for _number in range(count):
            services.match_propose(
                need=MatchNeedFactory(country=country_a), offer=offer_x, by=helpdesk_user
            )

    add(2)
    api_client.force_authenticate(member_x)
    # Memberships (visibility), the count, the rows (request, country, offer, provider selected).
    with django_assert_max_num_queries(6) as few:
        assert api_client.get(MATCHES).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api_client.get(MATCHES)
    assert response.json()["count"] == 22


# --- Interest -------------------------------------------------------------------------------------
def test_requester_creates_an_interest(api_client, need, offer_x, suggestion_x, focal_point_a):
    api_client.force_authenticate(focal_point_a)
    response = api_client.post(
        MATCHES, {"need": need.reference, "offer": offer_x.pk, "note": "Kiswahili?"}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["origin"], data["score"]) == ("interest", "requester", 0.82)
    assert data["interest_note"] == "Kiswahili?"
    # By id as well; a second one of the same pair is refused.
    again = api_client.post(MATCHES, {"need": need.pk, "offer": offer_x.pk}, format="json")
    assert again.status_code == 400
    assert "already matched" in str(again.json())


@pytest.mark.parametrize(
    ("person", "code"),
    [("anonymous", 403), ("focal_point_b", 403), ("member_x", 403), ("helpdesk_user", 403)],
)
def test_only_owners_create_interests(api_client, request, need, offer_x, person, code):
    response = as_(api_client, request, person).post(
        MATCHES, {"need": need.pk, "offer": offer_x.pk}, format="json"
    )
    assert response.status_code == code
    assert not Match.objects.exists()


def test_interest_input_is_strict(api_client, need, offer_x, focal_point_a):
    api_client.force_authenticate(focal_point_a)
    response = api_client.post(
        MATCHES, {"need": need.pk, "offer": offer_x.pk, "status": "agreed"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()
    response = api_client.post(MATCHES, {"need": "NEED-0000-00000", "offer": offer_x.pk})
    assert response.status_code == 400 and "need" in response.json()


def test_interest_in_an_unpublished_request_is_400(api_client, need, offer_x, focal_point_a):
    Need.objects.filter(pk=need.pk).update(status=Need.Status.SUBMITTED)
    api_client.force_authenticate(focal_point_a)
    response = api_client.post(MATCHES, {"need": need.pk, "offer": offer_x.pk}, format="json")
    assert response.status_code == 400
    assert "need" in response.json()


# --- Proposal -------------------------------------------------------------------------------------
def test_help_desk_proposes(api_client, need, offer_x, helpdesk_user, member_x):
    api_client.force_authenticate(helpdesk_user)
    response = api_client.post(
        f"{MATCHES}propose/",
        {"need": need.pk, "offer": offer_x.pk, "message": "A good fit."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "proposed"
    assert response.json()["origin"] == "helpdesk"


@pytest.mark.parametrize("person", ["focal_point_a", "member_x", "learner"])
def test_only_the_help_desk_proposes(api_client, request, need, offer_x, interest, person):
    client = as_(api_client, request, person)
    response = client.post(f"{MATCHES}propose/", {"need": need.pk, "offer": offer_x.pk})
    assert response.status_code == 403
    response = client.post(act(interest, "propose"), {}, format="json")
    assert response.status_code in (403, 404)  # the provider does not see the interest


def test_help_desk_passes_an_interest_on(api_client, interest, helpdesk_user):
    api_client.force_authenticate(helpdesk_user)
    response = api_client.post(act(interest, "propose"), {"message": "Over to you."}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "proposed"
    # Again: the match moved on.
    assert api_client.post(act(interest, "propose"), {}, format="json").status_code == 409


# --- Answer, confirmation, withdrawal ------------------------------------------------------------
def test_the_whole_workflow_through_the_api(
    api_client, proposed, member_x, focal_point_a, helpdesk_user
):
    api_client.force_authenticate(member_x)
    response = api_client.post(act(proposed, "accept"), CONTACT, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["provider_contact_name"] == "Xavier Dupont"

    api_client.force_authenticate(focal_point_a)
    response = api_client.post(act(proposed, "confirm"), {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "agreed"
    assert response.json()["need"]["status"] == "matched"

    api_client.force_authenticate(helpdesk_user)
    response = api_client.post(act(proposed, "withdraw"), {"reason": "Fell through."})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_accept_errors_are_named_as_the_api_names_them(api_client, proposed, member_x):
    api_client.force_authenticate(member_x)
    response = api_client.post(
        act(proposed, "accept"), {"contact_name": "X", "contact_email": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "contact_email" in response.json()
    response = api_client.post(
        act(proposed, "accept"),
        {"contact_name": "<b>X</b>", "contact_email": "x@example.org"},
        format="json",
    )
    assert response.status_code == 400
    assert "contact_name" in response.json()


def test_capacity_error_over_the_api(
    api_client, proposed, member_x, offer_x, country_a, helpdesk_user
):
    offer_x.max_concurrent_requests = 1
    offer_x.save(update_fields=["max_concurrent_requests"])
    other = services.match_propose(
        need=MatchNeedFactory(country=country_a), offer=offer_x, by=helpdesk_user
    )
    services.match_accept(match=other, by=member_x, **CONTACT)
    api_client.force_authenticate(member_x)
    response = api_client.post(act(proposed, "accept"), CONTACT, format="json")
    assert response.status_code == 400
    assert "no place left" in str(response.json())


@pytest.mark.parametrize(
    ("person", "code"),
    [("member_y", 404), ("focal_point_b", 404), ("focal_point_a", 403), ("helpdesk_user", 403)],
)
def test_only_the_provider_answers(api_client, request, proposed, person, code):
    client = as_(api_client, request, person)
    assert client.post(act(proposed, "decline"), {"reason": "No."}).status_code == code
    assert client.post(act(proposed, "accept"), CONTACT).status_code == code


def test_a_stale_action_is_409(api_client, proposed, member_x):
    api_client.force_authenticate(member_x)
    assert api_client.post(act(proposed, "decline"), {"reason": "Booked."}).status_code == 200
    response = api_client.post(act(proposed, "accept"), CONTACT, format="json")
    assert response.status_code == 409
    assert "Reload the page" in response.json()["detail"]


def test_confirm_takes_no_body_and_only_the_requester_side(
    api_client, accepted, focal_point_a, member_x
):
    api_client.force_authenticate(member_x)
    assert api_client.post(act(accepted, "confirm")).status_code == 403
    api_client.force_authenticate(focal_point_a)
    assert api_client.post(act(accepted, "confirm"), {"status": "agreed"}).status_code == 400
    assert api_client.post(act(accepted, "confirm")).status_code == 200
    assert api_client.post(act(accepted, "confirm")).status_code == 409


def test_requester_withdraws_before_the_answer_only(api_client, accepted, focal_point_a):
    api_client.force_authenticate(focal_point_a)
    response = api_client.post(act(accepted, "withdraw"), {"reason": "Changed our mind."})
    assert response.status_code == 403
    assert api_client.post(act(accepted, "withdraw"), {}).status_code == 400


def test_action_queries_are_bounded(api_client, proposed, member_x, django_assert_max_num_queries):
    api_client.force_authenticate(member_x)
    with django_assert_max_num_queries(25):
        assert api_client.post(act(proposed, "accept"), CONTACT, format="json").status_code == 200


# --- Schema ---------------------------------------------------------------------------------------
def test_the_schema_documents_the_matches_without_warnings(tmp_path, capsys):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target), "--validate")
    schema = target.read_text()
    for path in (
        "/api/v1/matches/:",
        "/api/v1/matches/{id}/:",
        "/api/v1/matches/propose/:",
        "/api/v1/matches/{id}/propose/:",
        "/api/v1/matches/{id}/accept/:",
        "/api/v1/matches/{id}/decline/:",
        "/api/v1/matches/{id}/confirm/:",
        "/api/v1/matches/{id}/withdraw/:",
        "/api/v1/matches/{id}/history/:",
    ):
        assert path in schema
    output = capsys.readouterr()
    problems = [
        line
        for line in (output.err + output.out).splitlines()
        if ("Warning" in line or "Error" in line)
        and ("matches" in line.lower() or "StatusEnum" in line or "Match" in line)
    ]
    assert problems == []
