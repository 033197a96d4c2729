"""The help desk's admin of matches: the list and its filters, read-only matches with their
history, the actions (propose an interest, withdraw), and a request's page with its ranked
suggestions, a "Propose" button per offer, and its matches."""

# Fixtures imported from matches_fixtures are redefined as test arguments, as pytest wants.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.core import mail
from django.urls import reverse

from matchmaking.admin.matches import NeedMatchmakingAdmin
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
CHANGELIST = "admin:matchmaking_match_changelist"


def changelist() -> str:
    return reverse(CHANGELIST)


def change(match) -> str:
    return reverse("admin:matchmaking_match_change", args=[match.pk])


def need_change(need) -> str:
    return reverse("admin:needs_need_change", args=[need.pk])


def test_the_needs_admin_is_the_matchmaking_one():
    assert isinstance(admin.site._registry[Need], NeedMatchmakingAdmin)


# --- The list of matches --------------------------------------------------------------------------
def test_changelist_with_filters_and_search(
    client, proposed, need_b, offer_y, helpdesk_user, focal_point_a, organisation_y
):
    other = services.match_propose(need=need_b, offer=offer_y, by=helpdesk_user)
    interest = services.match_express_interest(need=proposed.need, offer=offer_y, by=focal_point_a)
    client.force_login(helpdesk_user)
    response = client.get(changelist())
    assert response.status_code == 200
    html = response.content.decode()
    assert proposed.need.reference in html and need_b.reference in html

    assert list(client.get(changelist() + "?status__exact=interest").context["cl"].result_list) == [
        interest
    ]
    by_provider = client.get(changelist() + f"?offer__provider__id__exact={organisation_y.pk}")
    assert set(by_provider.context["cl"].result_list) == {other, interest}
    by_country = client.get(changelist() + f"?need__country__id__exact={need_b.country_id}")
    assert list(by_country.context["cl"].result_list) == [other]
    searched = client.get(changelist() + "?q=Amazon")
    assert list(searched.context["cl"].result_list) == [other]
    assert client.get(changelist() + "?origin__exact=helpdesk").status_code == 200
    assert client.get(changelist() + "?region=002").status_code == 200


def test_changelist_queries_do_not_grow(
    client, offer_x, helpdesk_user, country_a, django_assert_max_num_queries
):
    def add(count: int):
        for _number in range(count):
            services.match_propose(
                need=MatchNeedFactory(country=country_a), offer=offer_x, by=helpdesk_user
            )

    add(2)
    client.force_login(helpdesk_user)
    client.get(changelist())
    with django_assert_max_num_queries(40) as few:
        client.get(changelist())
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(changelist())
    assert response.context["cl"].result_count == 17


def test_a_match_is_read_only_with_its_history(client, accepted, helpdesk_user):
    client.force_login(helpdesk_user)
    response = client.get(change(accepted))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="status"' not in html
    assert "Xavier Dupont" in html
    assert "Accepted by the provider" in html  # the history inline
    assert client.get(reverse("admin:matchmaking_match_add")).status_code == 403
    # Posting the change form changes nothing.
    client.post(change(accepted), {"status": "agreed"})
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


@pytest.mark.parametrize("person", ["focal_point_a", "member_x", "learner"])
def test_only_staff_reach_the_admin(client, request, proposed, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(changelist()).status_code == 302


# --- Actions --------------------------------------------------------------------------------------
def test_withdraw_action_asks_a_reason_and_reports_failures(
    client, proposed, need_b, offer_y, helpdesk_user, focal_point_a, member_y
):
    interest = services.match_express_interest(need=proposed.need, offer=offer_y, by=focal_point_a)
    declined = services.match_propose(need=need_b, offer=offer_y, by=helpdesk_user)
    services.match_decline(match=declined, by=member_y, reason="No.")
    client.force_login(helpdesk_user)
    selection = {
        "action": "withdraw",
        helpers.ACTION_CHECKBOX_NAME: [proposed.pk, interest.pk, declined.pk],
    }
    ask = client.post(changelist(), selection)
    assert ask.status_code == 200
    assert "Reason for withdrawing" in ask.content.decode()

    done = client.post(
        changelist(), {**selection, "apply": "1", "reason": "Wrong offers."}, follow=True
    )
    html = done.content.decode()
    assert "2 matches withdrawn." in html
    assert "Reload the page" in html  # the declined one could not be withdrawn
    statuses = dict(Match.objects.values_list("pk", "status"))
    assert statuses == {proposed.pk: S.WITHDRAWN, interest.pk: S.WITHDRAWN, declined.pk: S.DECLINED}


def test_propose_action_passes_interests_on(client, interest, helpdesk_user, member_x):
    client.force_login(helpdesk_user)
    response = client.post(
        changelist(),
        {
            "action": "propose_interests",
            helpers.ACTION_CHECKBOX_NAME: [interest.pk],
            "apply": "1",
            "message": "Over to you.",
        },
        follow=True,
    )
    assert "1 match proposed to its provider." in response.content.decode()
    interest.refresh_from_db()
    assert (interest.status, interest.proposal_message) == (S.PROPOSED, "Over to you.")


# --- A request's page: suggestions and matches ---------------------------------------------------
def test_need_page_shows_ranked_suggestions_with_a_propose_button(
    client, need, suggestion_x, offer_y, helpdesk_user, focal_point_a
):
    Suggestion.objects.create(
        need=need,
        offer=offer_y,
        rank=2,
        score=0.41,
        reasons=[["language", "fr"]],
        algorithm_version="test-1",
    )
    services.match_express_interest(need=need, offer=offer_y, by=focal_point_a)
    client.force_login(helpdesk_user)
    response = client.get(need_change(need))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Suggested offers, best first" in html
    assert "82%" in html and "Shares target GBF-T4" in html and "Delivered in French" in html
    propose_x = reverse(
        "admin:needs_need_propose", kwargs={"need_id": need.pk, "offer_id": suggestion_x.offer_id}
    )
    propose_y = reverse(
        "admin:needs_need_propose", kwargs={"need_id": need.pk, "offer_id": offer_y.pk}
    )
    assert propose_x in html
    assert propose_y not in html  # already matched: its status is shown instead
    assert "Interest expressed" in html
    assert "Matches of the request" in html


def test_propose_page_asks_a_message_then_proposes(
    client, need, suggestion_x, offer_x, helpdesk_user, member_x, django_capture_on_commit_callbacks
):
    url = reverse("admin:needs_need_propose", kwargs={"need_id": need.pk, "offer_id": offer_x.pk})
    client.force_login(helpdesk_user)
    page = client.get(url)
    assert page.status_code == 200
    assert "Suggestion number 1, score 0.82." in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Your training fits."})
    match = Match.objects.get()
    assert response.status_code == 302 and response["Location"] == change(match)
    assert (match.status, match.origin) == (S.PROPOSED, Match.Origin.SUGGESTION)
    assert [email.to for email in mail.outbox] == [[member_x.email]]

    # Twice: the form says why.
    again = client.post(url, {"message": ""})
    assert again.status_code == 200
    assert "already matched" in again.content.decode()


def test_propose_page_is_for_the_help_desk(client, need, offer_x, focal_point_a, reviewer_user):
    url = reverse("admin:needs_need_propose", kwargs={"need_id": need.pk, "offer_id": offer_x.pk})
    client.force_login(focal_point_a)
    assert client.get(url).status_code == 302  # not staff: to the admin's sign-in
    client.force_login(reviewer_user)
    assert client.get(url).status_code == 403
    assert not Match.objects.exists()


def test_need_changelist_shows_open_matches_in_constant_queries(
    client, helpdesk_user, country_a, offer_x, django_assert_max_num_queries
):
    def add(count: int):
        for _number in range(count):
            need = MatchNeedFactory(country=country_a)
            services.match_propose(need=need, offer=offer_x, by=helpdesk_user)
            services.match_propose(
                need=need, offer=OfferFactory(provider=OrganisationFactory()), by=helpdesk_user
            )

    add(2)
    client.force_login(helpdesk_user)
    url = reverse("admin:needs_need_changelist")
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        response = client.get(url)
    assert [need.open_match_count for need in response.context["cl"].result_list] == [2, 2]
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url + "?status__exact=published")
    assert response.status_code == 200
