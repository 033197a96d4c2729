"""Pages of the Bio-Bridge workflow: a request's "Suggestions and matches", the provider's
proposals, a match's page and its forms. The permission matrix of each page, the forms of each
side, stale pages, and constant query counts.

People: Amani (focal point of Kenya, author of the request) and Baraka (his colleague) are the
requester side; Beatriz (Brazil) is another country's focal point; Xavier's organisation X owns
the offer; Yara's organisation Y is another provider; Hana is the help desk; Lea has no role.
"""

# Fixtures imported from matches_fixtures are redefined as test arguments, as pytest wants.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.urls import reverse

from matchmaking.models import Match, Suggestion
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
from tests.factories import MatchNeedFactory, OfferFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

S = Match.Status


def page_of(need) -> str:
    return reverse("matchmaking:need_suggestions", args=[need.pk])


def detail(match) -> str:
    return reverse("matchmaking:match_detail", args=[match.pk])


def login(client, request, person: str):
    if person != "anonymous":
        client.force_login(request.getfixturevalue(person))


# --- "Suggestions and matches" of a request -------------------------------------------------------
PRIVATE = ("focal_point_a", "colleague_a", "helpdesk_user", "site_admin")
PUBLIC_ONLY = ("anonymous", "learner", "focal_point_b", "member_x")


@pytest.mark.parametrize("person", PRIVATE + PUBLIC_ONLY)
def test_need_page_of_a_public_request(client, request, need, suggestion_x, interest, person):
    login(client, request, person)
    response = client.get(page_of(need))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wetland bird monitoring training" in html  # the suggested offer, for everyone
    assert "82% fit" in html
    assert "Shares target GBF-T4" in html  # the reasons, in words
    if person in PRIVATE:
        assert "Matches" in html and detail(interest) in html
        # The history, with the requester's note to the help desk (both may read it).
        assert "History of the matches" in html
        assert "Could they train in Kiswahili?" in html
    else:
        assert detail(interest) not in html
        assert "History of the matches" not in html
        assert "Could they train in Kiswahili?" not in html
        assert "I&#x27;m interested" not in html and "I'm interested" not in html


@pytest.mark.parametrize(
    ("person", "code"),
    [
        ("anonymous", 404),
        ("learner", 404),
        ("focal_point_b", 404),
        ("member_x", 404),
        ("focal_point_a", 200),
        ("colleague_a", 200),
        ("helpdesk_user", 200),
    ],
)
def test_need_page_of_a_restricted_request(client, request, need, person, code):
    Need.objects.filter(pk=need.pk).update(visibility=Need.Visibility.RESTRICTED)
    login(client, request, person)
    assert client.get(page_of(need)).status_code == code


def test_a_draft_request_shows_no_suggestions_to_its_owner(
    client, need, focal_point_a, suggestion_x
):
    Need.objects.filter(pk=need.pk).update(status=Need.Status.SUBMITTED)
    client.force_login(focal_point_a)
    html = client.get(page_of(need)).content.decode()
    assert "Suggestions are shown once the help desk has published the request." in html
    assert "Wetland bird monitoring training" not in html
    client.logout()
    assert client.get(page_of(need)).status_code == 404


def test_owners_get_an_interest_form_per_suggestion_without_an_open_match(
    client, need, suggestion_x, offer_y, focal_point_a
):
    Suggestion.objects.create(
        need=need, offer=offer_y, rank=2, score=0.5, reasons=[], algorithm_version="test-1"
    )
    client.force_login(focal_point_a)
    html = client.get(page_of(need)).content.decode()
    assert html.count('action="' + reverse("matchmaking:express_interest", args=[need.pk])) == 2

    services.match_express_interest(need=need, offer=offer_y, by=focal_point_a)
    html = client.get(page_of(need)).content.decode()
    assert html.count('action="' + reverse("matchmaking:express_interest", args=[need.pk])) == 1
    assert "Match: Interest expressed" in html


def test_the_help_desk_sees_no_interest_form(client, need, suggestion_x, helpdesk_user):
    client.force_login(helpdesk_user)
    html = client.get(page_of(need)).content.decode()
    assert reverse("matchmaking:express_interest", args=[need.pk]) not in html


def test_expressing_interest_from_the_page(client, need, suggestion_x, offer_x, focal_point_a):
    client.force_login(focal_point_a)
    response = client.post(
        reverse("matchmaking:express_interest", args=[need.pk]),
        {"offer": offer_x.pk, "note": "Training in Kiswahili?"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == page_of(need)
    assert "The help desk is told of your interest" in response.content.decode()
    match = Match.objects.get()
    assert (match.status, match.interest_note) == (S.INTEREST, "Training in Kiswahili?")

    # Twice: refused with the reason, nothing more created.
    response = client.post(
        reverse("matchmaking:express_interest", args=[need.pk]), {"offer": offer_x.pk}, follow=True
    )
    assert "already matched" in response.content.decode()
    assert Match.objects.count() == 1


@pytest.mark.parametrize(
    ("person", "code"),
    [("focal_point_b", 404), ("member_x", 404), ("learner", 404), ("helpdesk_user", 403)],
)
def test_others_cannot_express_interest(client, request, need, offer_x, person, code):
    login(client, request, person)
    response = client.post(
        reverse("matchmaking:express_interest", args=[need.pk]), {"offer": offer_x.pk}
    )
    assert response.status_code == code
    assert not Match.objects.exists()


def test_anonymous_is_sent_to_sign_in_to_express_interest(client, need, offer_x):
    response = client.post(
        reverse("matchmaking:express_interest", args=[need.pk]), {"offer": offer_x.pk}
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_need_page_queries_do_not_grow_with_suggestions_and_matches(
    client, need, focal_point_a, helpdesk_user, django_assert_max_num_queries
):
    def add(rank: int):
        offer = OfferFactory(provider=OrganisationFactory())
        Suggestion.objects.create(
            need=need,
            offer=offer,
            rank=rank,
            score=0.9 - rank / 100,
            reasons=[["support_type", "training"]],
            algorithm_version="test-1",
        )
        if rank % 2:
            services.match_propose(need=need, offer=offer, by=helpdesk_user)

    add(1)
    client.force_login(focal_point_a)
    client.get(page_of(need))
    # Session, user; focal points, groups; the request; suggestions; matches; history; the
    # header's inbox count; memberships (the IPLC predicate).
    with django_assert_max_num_queries(12) as few:
        client.get(page_of(need))
    for rank in range(2, 12):
        add(rank)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page_of(need))
    assert response.content.decode().count('class="card" id="suggestion-') == 11


# --- The provider's proposals ---------------------------------------------------------------------
def test_a_provider_sees_only_proposals_to_its_organisation(
    client, need, need_b, offer_x, offer_y, helpdesk_user, focal_point_b, member_x, member_y
):
    to_x = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
    to_y = services.match_propose(need=need_b, offer=offer_y, by=helpdesk_user)
    # An interest in X's offer that the help desk has not proposed yet.
    other_offer_of_x = OfferFactory(provider=offer_x.provider, title="Mangrove nursery mentoring")
    unproposed = services.match_express_interest(
        need=need_b, offer=other_offer_of_x, by=focal_point_b
    )

    client.force_login(member_x)
    html = client.get(reverse("matchmaking:proposals")).content.decode()
    assert detail(to_x) in html
    assert detail(to_y) not in html
    assert detail(unproposed) not in html
    assert "1 match" in html
    # The pages of the others' matches answer 404.
    assert client.get(detail(to_y)).status_code == 404
    assert client.get(detail(unproposed)).status_code == 404

    client.force_login(member_y)
    html = client.get(reverse("matchmaking:proposals")).content.decode()
    assert detail(to_y) in html and detail(to_x) not in html


def test_proposals_filter_by_status_and_paginate(
    client, offer_x, helpdesk_user, member_x, country_a, django_assert_max_num_queries
):
    for number in range(25):
        need = MatchNeedFactory(country=country_a, title=f"Request {number}")
        match = services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
        if number < 3:
            services.match_decline(match=match, by=member_x, reason="Booked.")
    client.force_login(member_x)
    # Session, user, memberships, the count and the page's rows, the header's inbox count.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("matchmaking:proposals"))
    html = response.content.decode()
    assert "25 matches" in html and "Page 1 of 2" in html
    declined = client.get(reverse("matchmaking:proposals") + "?status=declined").content.decode()
    assert "3 matches" in declined
    assert client.get(reverse("matchmaking:proposals") + "?status=nonsense").status_code == 200


def test_proposals_for_people_without_organisation(client, learner):
    assert client.get(reverse("matchmaking:proposals")).status_code == 302
    client.force_login(learner)
    html = client.get(reverse("matchmaking:proposals")).content.decode()
    assert "You are not a member of a partner organisation" in html


# --- A match's page: who sees it ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("person", "code"),
    [
        ("helpdesk_user", 200),
        ("site_admin", 200),
        ("focal_point_a", 200),
        ("colleague_a", 200),
        ("member_x", 200),
        ("member_y", 404),
        ("focal_point_b", 404),
        ("learner", 404),
    ],
)
def test_match_page_matrix(client, request, proposed, person, code):
    login(client, request, person)
    assert client.get(detail(proposed)).status_code == code


def test_match_page_sends_anonymous_visitors_to_sign_in(client, proposed):
    response = client.get(detail(proposed))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("person", "code"),
    [("helpdesk_user", 200), ("focal_point_a", 200), ("member_x", 404), ("member_y", 404)],
)
def test_an_interest_is_hidden_from_the_provider(client, request, interest, person, code):
    login(client, request, person)
    assert client.get(detail(interest)).status_code == code


def test_the_providers_note_and_the_requesters_note(client, interest, helpdesk_user, member_x):
    services.match_propose(match=interest, by=helpdesk_user, message="Over to you.")
    client.force_login(member_x)
    html = client.get(detail(interest)).content.decode()
    assert "Over to you." in html
    # The requester's note to the help desk stays between them.
    assert "Could they train in Kiswahili?" not in html
    assert "Interest expressed" not in html.split("History")[1]
    client.force_login(helpdesk_user)
    assert "Could they train in Kiswahili?" in client.get(detail(interest)).content.decode()


# --- A match's page: the forms of each side ------------------------------------------------------
def forms_on(client, match) -> set[str]:
    html = client.get(detail(match)).content.decode()
    return {
        name
        for name in ("accept", "decline", "confirm", "withdraw")
        if f'action="{reverse(f"matchmaking:match_{name}", args=[match.pk])}"' in html
    }


def test_each_side_sees_its_own_forms(client, proposed, member_x, focal_point_a, helpdesk_user):
    client.force_login(member_x)
    assert forms_on(client, proposed) == {"accept", "decline"}
    client.force_login(focal_point_a)
    assert forms_on(client, proposed) == {"withdraw"}
    client.force_login(helpdesk_user)
    assert forms_on(client, proposed) == {"withdraw"}

    services.match_accept(match=proposed, by=member_x, **CONTACT)
    client.force_login(member_x)
    assert forms_on(client, proposed) == set()
    client.force_login(focal_point_a)
    assert forms_on(client, proposed) == {"confirm"}
    html = client.get(detail(proposed)).content.decode()
    assert "xavier@mangrove-alliance.example" in html  # the contact person


def test_provider_accepts_from_the_page(client, proposed, member_x):
    client.force_login(member_x)
    response = client.post(
        reverse("matchmaking:match_accept", args=[proposed.pk]),
        {"status": "proposed", **CONTACT, "message": "We start in March."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == detail(proposed)
    assert "You accepted the match" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == S.ACCEPTED


def test_accept_form_errors_show_the_page_again(client, proposed, member_x):
    client.force_login(member_x)
    response = client.post(
        reverse("matchmaking:match_accept", args=[proposed.pk]),
        {"status": "proposed", "contact_name": "", "contact_email": "nope"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    proposed.refresh_from_db()
    assert proposed.status == S.PROPOSED


def test_capacity_error_shows_on_the_form(
    client, proposed, member_x, offer_x, country_a, helpdesk_user
):
    offer_x.max_concurrent_requests = 1
    offer_x.save(update_fields=["max_concurrent_requests"])
    other = services.match_propose(
        need=MatchNeedFactory(country=country_a), offer=offer_x, by=helpdesk_user
    )
    services.match_accept(match=other, by=member_x, **CONTACT)
    client.force_login(member_x)
    response = client.post(
        reverse("matchmaking:match_accept", args=[proposed.pk]), {"status": "proposed", **CONTACT}
    )
    assert response.status_code == 400
    assert "has no place left" in response.content.decode()


def test_a_stale_page_is_refused_with_reload(client, proposed, member_x):
    services.match_decline(match=proposed, by=member_x, reason="Booked.")
    client.force_login(member_x)
    # Xavier's colleague still had the page showing "proposed" open.
    response = client.post(
        reverse("matchmaking:match_accept", args=[proposed.pk]),
        {"status": "proposed", **CONTACT},
        follow=True,
    )
    assert "Reload the page" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == S.DECLINED


def test_a_page_showing_an_older_status_is_stale_even_if_the_action_is_possible(
    client, interest, helpdesk_user, focal_point_a
):
    services.match_propose(match=interest, by=helpdesk_user)
    client.force_login(focal_point_a)
    response = client.post(
        reverse("matchmaking:match_withdraw", args=[interest.pk]),
        {"status": "interest", "reason": "Found funding."},
        follow=True,
    )
    assert "Reload the page" in response.content.decode()
    interest.refresh_from_db()
    assert interest.status == S.PROPOSED


@pytest.mark.parametrize(
    ("person", "code"), [("member_y", 404), ("focal_point_a", 403), ("helpdesk_user", 403)]
)
def test_only_the_provider_answers_from_the_page(client, request, proposed, person, code):
    login(client, request, person)
    response = client.post(
        reverse("matchmaking:match_decline", args=[proposed.pk]),
        {"status": "proposed", "reason": "No."},
    )
    assert response.status_code == code
    proposed.refresh_from_db()
    assert proposed.status == S.PROPOSED


def test_requester_confirms_from_the_page(client, accepted, focal_point_a, need):
    client.force_login(focal_point_a)
    response = client.post(
        reverse("matchmaking:match_confirm", args=[accepted.pk]), {"status": "accepted"}
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == S.AGREED
    need.refresh_from_db()
    assert need.status == Need.Status.MATCHED


def test_withdraw_needs_a_reason_and_the_need_page_offers_it(client, interest, focal_point_a, need):
    client.force_login(focal_point_a)
    html = client.get(page_of(need)).content.decode()
    assert reverse("matchmaking:match_withdraw", args=[interest.pk]) in html
    response = client.post(
        reverse("matchmaking:match_withdraw", args=[interest.pk]),
        {"status": "interest", "reason": ""},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("matchmaking:match_withdraw", args=[interest.pk]),
        {"status": "interest", "reason": "Found funding."},
    )
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.status == S.WITHDRAWN


def test_match_page_has_constant_queries(
    client, proposed, member_x, helpdesk_user, django_assert_max_num_queries
):
    client.force_login(member_x)
    with django_assert_max_num_queries(10) as first:
        client.get(detail(proposed))
    services.match_accept(match=proposed, by=member_x, **CONTACT)
    with django_assert_max_num_queries(len(first.captured_queries) + 1):
        assert client.get(detail(proposed)).status_code == 200


# --- The list of matches --------------------------------------------------------------------------
def test_match_list_shows_what_each_person_may_see(
    client, proposed, need_b, offer_y, helpdesk_user, focal_point_a, member_y, learner
):
    other = services.match_propose(need=need_b, offer=offer_y, by=helpdesk_user)
    url = reverse("matchmaking:match_list")
    client.force_login(helpdesk_user)
    html = client.get(url).content.decode()
    assert detail(proposed) in html and detail(other) in html
    client.force_login(focal_point_a)
    html = client.get(url).content.decode()
    assert detail(proposed) in html and detail(other) not in html
    client.force_login(member_y)
    html = client.get(url).content.decode()
    assert detail(other) in html and detail(proposed) not in html
    client.force_login(learner)
    assert "No match yet." in client.get(url).content.decode()


def test_pages_are_translated(client, proposed, member_x):
    client.force_login(member_x)
    html = client.get("/fr" + detail(proposed)[3:]).content.decode()
    assert '<html lang="fr"' in html
