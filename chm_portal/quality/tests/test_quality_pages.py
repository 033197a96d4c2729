"""Pages of quality reviews: the reviewers' queue (who may see it, filters, constant queries),
opening a review of a published resource or event, the checklist form and its buttons, what the
item's team sees and answers, the history of an item, the admin, and French and Spanish.

People (``conftest.py``): Rui reviews content; Xavier belongs to Mangrove Alliance, which owns
the resource; Yara belongs to another organisation; Lea is a learner; and anonymous visitors.
"""

import pytest
from django.urls import reverse

from chm_portal.quality import services
from chm_portal.quality.models import QualityReview, QualityStandard, ReviewCheck
from tests.factories import EventFactory, ResourceFactory

pytestmark = pytest.mark.django_db

S = QualityReview.Status
R = ReviewCheck.Result
QUEUE = reverse("quality:queue")


@pytest.fixture
def resource(organisation_x):
    return ResourceFactory(organisation=organisation_x, title="Seagrass monitoring manual")


@pytest.fixture
def review(resource, reviewer_user):
    return services.request_review(item=resource, by=reviewer_user)


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def checklist_data(review, result=R.MEETS, **extra):
    data = {"summary": "", "improvements_requested": ""}
    for check in review.checks.all():
        data[f"result_{check.standard_id}"] = result
        data[f"comment_{check.standard_id}"] = ""
    data.update(extra)
    return data


# --- The queue --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("person", "expected"),
    [("reviewer_user", 200), ("site_admin", 200), ("member_x", 403), ("learner", 403)],
)
def test_the_queue_is_for_reviewers(client, request, person, expected, review):
    response = login(client, request.getfixturevalue(person)).get(QUEUE)
    assert response.status_code == expected
    if expected == 200:
        assert "Seagrass monitoring manual" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, review):
    for url in (QUEUE, reverse("quality:review", args=[review.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_queue_lists_open_reviews_first_oldest_first_with_constant_queries(
    client, reviewer_user, organisation_x, django_assert_max_num_queries
):
    resources = [ResourceFactory(organisation=organisation_x) for _ in range(25)]
    reviews = [services.request_review(item=item, by=reviewer_user) for item in resources]
    done = reviews[0]
    services.record_checks(
        review=done,
        reviewer=reviewer_user,
        results={c.standard_id: (R.MEETS, "") for c in done.checks.all()},
    )
    services.complete_review(review=done, reviewer=reviewer_user, status=S.APPROVED)
    login(client, reviewer_user)
    # Session, user, groups (the rule), count, page with content types and people.
    with django_assert_max_num_queries(9):
        response = client.get(QUEUE)
    page = list(response.context["page_obj"])
    assert len(page) == 20
    assert done not in page  # open ones only by default
    assert page[0] == reviews[1]
    with django_assert_max_num_queries(9):
        response = client.get(QUEUE, {"status": "all", "page": 2})
    assert list(response.context["page_obj"])[-1] == done  # closed ones come last


def test_the_queue_filters_by_kind_and_status(client, reviewer_user, organisation_x, review):
    event_review = services.request_review(
        item=EventFactory(organisation=organisation_x, title="Reef webinar"), by=reviewer_user
    )
    login(client, reviewer_user)
    rows = client.get(QUEUE, {"kind": "event", "status": "open"}).context["page_obj"]
    assert list(rows) == [event_review]
    rows = client.get(QUEUE, {"status": "approved"}).context["page_obj"]
    assert list(rows) == []


def test_a_reviewer_finds_a_published_resource_and_opens_its_review(
    client, reviewer_user, resource
):
    login(client, reviewer_user)
    response = client.get(QUEUE, {"start_kind": "resource", "start_q": "seagrass"})
    assert response.context["candidates"] == [resource]
    assert "Review “Seagrass monitoring manual”" in response.content.decode()
    response = client.post(reverse("quality:start"), {"kind": "resource", "object_id": resource.pk})
    review = QualityReview.objects.get()
    assert response["Location"] == reverse("quality:review", args=[review.pk])
    assert review.status == S.IN_PROGRESS and review.reviewer == reviewer_user
    # Again: the open review is shown rather than a second one.
    response = client.post(reverse("quality:start"), {"kind": "resource", "object_id": resource.pk})
    assert response["Location"] == reverse("quality:review", args=[review.pk])
    assert QualityReview.objects.count() == 1


def test_draft_records_and_courses_cannot_be_opened_from_the_queue(
    client, reviewer_user, organisation_x, member_x
):
    draft = ResourceFactory(organisation=organisation_x, status="draft")
    login(client, reviewer_user)
    response = client.post(reverse("quality:start"), {"kind": "resource", "object_id": draft.pk})
    assert response.status_code == 404
    response = client.post(reverse("quality:start"), {"kind": "course", "object_id": 1})
    assert response.status_code == 404
    login(client, member_x)
    response = client.post(reverse("quality:start"), {"kind": "resource", "object_id": draft.pk})
    assert response.status_code == 403
    assert not QualityReview.objects.exists()


# --- One review ---------------------------------------------------------------------------------
def test_the_reviewer_fills_in_the_checklist_and_requests_improvements(
    client, reviewer_user, review
):
    login(client, reviewer_user)
    url = reverse("quality:review", args=[review.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Accessible: captions, alt text, plain language" in html
    assert 'name="decision" value="changes_requested"' in html
    # Deciding without saying which improvements: refused, the checklist is kept.
    response = client.post(url, checklist_data(review, decision="changes_requested"))
    assert response.status_code == 200
    assert "Say which improvements the authors should make." in response.content.decode()
    review.refresh_from_db()
    assert review.is_open
    assert review.checks.filter(result=R.MEETS).count() == review.checks.count()
    response = client.post(
        url,
        checklist_data(
            review,
            R.PARTLY,
            decision="changes_requested",
            improvements_requested="Add alt text to the maps.",
        ),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == S.CHANGES_REQUESTED
    assert review.improvements_requested == "Add alt text to the maps."


def test_saving_a_partial_checklist_and_a_missing_result_on_approval(client, reviewer_user, review):
    login(client, reviewer_user)
    url = reverse("quality:review", args=[review.pk])
    data = checklist_data(review)
    first = review.checks.first()
    data[f"result_{first.standard_id}"] = ""
    assert client.post(url, {**data, "decision": "save"}).status_code == 302
    review.refresh_from_db()
    assert review.status == S.IN_PROGRESS and review.reviewer == reviewer_user
    response = client.post(url, {**data, "decision": "approved"})
    assert response.status_code == 200
    assert "Give a result for this standard." in response.content.decode()
    assert client.post(url, checklist_data(review, decision="approved")).status_code == 302
    review.refresh_from_db()
    assert review.status == S.APPROVED


def test_the_item_team_reads_the_review_and_says_what_they_improved(
    client, reviewer_user, member_x, review
):
    services.record_checks(
        review=review,
        reviewer=reviewer_user,
        results={c.standard_id: (R.PARTLY, "Figures lack alt text.") for c in review.checks.all()},
    )
    services.complete_review(
        review=review,
        reviewer=reviewer_user,
        status=S.CHANGES_REQUESTED,
        improvements_requested="Add alt text to the figures.",
    )
    login(client, member_x)
    url = reverse("quality:review", args=[review.pk])
    html = client.get(url).content.decode()
    assert "Figures lack alt text." in html
    assert 'name="decision"' not in html  # no checklist form for the team
    assert reverse("quality:improvements", args=[review.pk]) in html
    # The team cannot decide.
    assert client.post(url, checklist_data(review, decision="approved")).status_code == 403
    response = client.post(reverse("quality:improvements", args=[review.pk]), {})
    assert response.status_code == 400
    response = client.post(
        reverse("quality:improvements", args=[review.pk]),
        {"improvements_made": "Alt text added to all twelve figures."},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.improvements_made == "Alt text added to all twelve figures."


@pytest.mark.parametrize("person", ["member_y", "learner"])
def test_outsiders_do_not_see_reviews(client, request, person, review, resource):
    login(client, request.getfixturevalue(person))
    assert client.get(reverse("quality:review", args=[review.pk])).status_code == 404
    assert (
        client.get(reverse("quality:item_history", args=["resource", resource.pk])).status_code
        == 404
    )
    response = client.post(
        reverse("quality:improvements", args=[review.pk]), {"improvements_made": "x"}
    )
    assert response.status_code == 404


def test_the_history_of_an_item(client, reviewer_user, member_x, review, resource):
    services.record_checks(
        review=review,
        reviewer=reviewer_user,
        results={c.standard_id: (R.MEETS, "") for c in review.checks.all()},
    )
    services.complete_review(
        review=review, reviewer=reviewer_user, status=S.APPROVED, summary="Clear and current."
    )
    url = reverse("quality:item_history", args=["resource", resource.pk])
    for person in (reviewer_user, member_x):
        response = login(client, person).get(url)
        assert response.status_code == 200
        assert "Clear and current." in response.content.decode()
    assert client.get(reverse("quality:item_history", args=["nothing", 1])).status_code == 404


@pytest.mark.parametrize("language", ["fr", "es"])
def test_pages_render_in_french_and_spanish(client, reviewer_user, review, resource, language):
    login(client, reviewer_user)
    for url in (
        f"/{language}/quality/",
        f"/{language}/quality/reviews/{review.pk}/",
        f"/{language}/quality/items/resource/{resource.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
    html = client.get(f"/{language}/quality/reviews/{review.pk}/").content.decode()
    assert {"fr": "Accessible : sous-titres", "es": "Accesible: subtítulos"}[language] in html


# --- Admin ------------------------------------------------------------------------------------
def test_the_admin_lists_reviews_read_only_and_edits_standards(client, site_admin, review):
    login(client, site_admin)
    response = client.get(reverse("admin:quality_qualityreview_changelist"), {"kind": "resource"})
    assert response.status_code == 200
    assert "Seagrass monitoring manual" in response.content.decode()
    response = client.get(reverse("admin:quality_qualityreview_change", args=[review.pk]))
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()  # read-only
    assert client.get(reverse("admin:quality_qualitystandard_changelist")).status_code == 200
    standard = QualityStandard.objects.get(code="accessible")
    response = client.get(reverse("admin:quality_qualitystandard_change", args=[standard.pk]))
    assert response.status_code == 200
    assert 'name="title_fr"' in response.content.decode()


@pytest.mark.parametrize("model", ["resource", "event"])
def test_reviewers_open_reviews_of_resources_and_events_from_the_admin(
    client, reviewer_user, organisation_x, model
):
    factory = ResourceFactory if model == "resource" else EventFactory
    records = [factory(organisation=organisation_x) for _ in range(2)]
    already = services.request_review(item=records[1], by=reviewer_user)
    login(client, reviewer_user)

    response = client.post(
        reverse(f"admin:partners_{model}_changelist"),
        {"action": "open_quality_review", "_selected_action": [r.pk for r in records]},
        follow=True,
    )

    assert response.status_code == 200
    opened = QualityReview.objects.exclude(pk=already.pk).get()
    assert (opened.object_id, opened.status, opened.reviewer) == (
        records[0].pk,
        QualityReview.Status.IN_PROGRESS,
        reviewer_user,
    )
    assert opened.checks.exists()
    messages = [str(message) for message in response.context["messages"]]
    assert any("1 quality review opened" in message for message in messages)
    assert any(message.startswith(str(records[1])) for message in messages)


def test_the_review_action_is_offered_to_reviewers_only(
    client, helpdesk_user, reviewer_user, resource
):
    client.force_login(helpdesk_user)
    assert (
        "open_quality_review"
        not in client.get(reverse("admin:partners_resource_changelist")).content.decode()
    )
    login(client, reviewer_user)
    assert (
        "open_quality_review"
        in client.get(reverse("admin:partners_resource_changelist")).content.decode()
    )
