"""The help desk's queue of requests for assistance in the admin, and the actions on it."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chm_portal.core.admin_tools import CONFLICT_FIELD
from chm_portal.vocabularies.models import GBFTarget, Priority
from needs import services
from needs.models import Need, NeedEvent, NeedMessage, NeedNote
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:needs_need_changelist")
OVERDUE_FLAG = "untriaged &gt; 10 working days"
A = NeedEvent.Action


def change_url(need: Need) -> str:
    return reverse("admin:needs_need_change", args=[need.pk])


def run_action(client, action: str, needs: list[Need], **data):
    return client.post(
        QUEUE,
        {"action": action, ACTION_CHECKBOX_NAME: [need.pk for need in needs], **data},
        follow=True,
    )


def events(need: Need, action: str) -> int:
    return NeedEvent.objects.filter(need=need, action=action).count()


@pytest.fixture
def submit(make_need):
    """``submit(by=..., country=..., title=..., **fields)``: a complete request, submitted."""

    def submit(**kwargs) -> Need:
        need = make_need(**kwargs)
        return services.need_submit(need=need, by=need.created_by)

    return submit


@pytest.fixture
def need_a(submit) -> Need:
    """Amani's request for Kenya."""
    return submit(title="Training in mangrove restoration")


@pytest.fixture
def need_a2(submit) -> Need:
    """Amani's second request for Kenya."""
    return submit(title="Monitoring of invasive species")


@pytest.fixture
def need_b(submit, focal_point_b, country_b) -> Need:
    """Beatriz's request for Brazil."""
    return submit(
        by=focal_point_b,
        country=country_b,
        title="Seed banks",
        requesting_organisation="Embrapa",
        contact_name=focal_point_b.full_name,
        contact_email=focal_point_b.email,
    )


# --- Access -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:needs_need_changelist",
        "admin:needs_assessment_changelist",
        "admin:needs_needevent_changelist",
    ],
)
@pytest.mark.parametrize("person", ["helpdesk_user", "site_admin"])
def test_help_desk_pages_open(client, request, need_a, url_name, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    ("model_name", "field_name", "term"),
    [
        ("need", "other_countries", "Tanz"),
        ("need", "targets", "GBF-T4"),
        ("need", "thematic_areas", ""),
        ("need", "capacity_levels", ""),
        ("need", "working_languages", "fr"),
        ("need", "beneficiary_types", ""),
        ("need", "priority", ""),
        ("need", "assigned_to", "Hana"),
        ("needsupport", "support_type", ""),
    ],
)
def test_the_help_desk_may_use_every_autocomplete(
    client, helpdesk_user, model_name, field_name, term
):
    client.force_login(helpdesk_user)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "needs", "model_name": model_name, "field_name": field_name, "term": term},
    )

    assert response.status_code == 200
    assert response.json()["results"]


def test_a_request_page_shows_its_history_and_the_possible_actions(client, helpdesk_user, need_a):
    services.need_add_note(need=need_a, by=helpdesk_user, body="Call the ministry first.")
    client.force_login(helpdesk_user)

    page = client.get(change_url(need_a)).content.decode()

    assert need_a.reference in page
    assert "Call the ministry first." in page  # internal notes
    assert "Created" in page and "Submitted" in page  # the history, internal events included
    assert 'value="publish"' in page
    assert 'value="reject"' in page


@pytest.mark.parametrize("person", ["focal_point_a", "learner", "reviewer_user"])
def test_others_do_not_reach_the_queue(client, request, need_a, person):
    client.force_login(request.getfixturevalue(person))

    for url in (QUEUE, change_url(need_a)):
        response = client.get(url)
        # Not staff: sent to sign in. Staff without the triage permission: refused.
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/admin/login/" in response.url


def test_anonymous_visitors_are_sent_to_sign_in(client, need_a):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert "/admin/login/" in response.url


# --- The queue ----------------------------------------------------------------------------------
def test_filters_narrow_the_queue(client, submit, helpdesk_user, need_a, need_b):
    fiji = CountryFactory(code="FJ")  # a small island developing State, in Oceania
    need_fiji = submit(by=helpdesk_user, country=fiji, requesting_organisation="Fisheries")
    services.need_publish(need=need_b, by=helpdesk_user)
    client.force_login(helpdesk_user)

    def shown(params) -> set[str]:
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        return {need.reference for need in response.context["cl"].result_list}

    assert shown({"status__exact": "submitted"}) == {need_a.reference, need_fiji.reference}
    assert shown({"region": "002"}) == {need_a.reference}  # Africa
    assert shown({"country_group": "SIDS"}) == {need_fiji.reference}
    assert shown({"assignee": "nobody"}) == {
        need_a.reference,
        need_b.reference,
        need_fiji.reference,
    }
    assert shown({"q": "Embrapa"}) == {need_b.reference}
    assert shown({"q": "Kenya"}) == {need_a.reference}


def test_assigned_to_me(client, helpdesk_user, second_helpdesk_user, need_a, need_b):
    services.need_assign(need=need_a, assignee=helpdesk_user, by=helpdesk_user)
    services.need_assign(need=need_b, assignee=second_helpdesk_user, by=helpdesk_user)
    client.force_login(helpdesk_user)

    mine = client.get(QUEUE, {"assignee": "me"}).context["cl"].result_list

    assert [need.reference for need in mine] == [need_a.reference]


def test_requests_past_the_commitment_are_flagged(client, helpdesk_user, need_a, need_a2, need_b):
    long_ago = timezone.now() - timedelta(days=30)
    Need.objects.filter(pk__in=[need_a.pk, need_b.pk]).update(submitted_at=long_ago)
    services.need_publish(need=need_b, by=helpdesk_user)  # decided: no longer overdue
    client.force_login(helpdesk_user)

    page = client.get(QUEUE).content.decode()
    overdue = client.get(QUEUE, {"age": "overdue"}).context["cl"].result_list
    recent = client.get(QUEUE, {"age": "recent"}).context["cl"].result_list

    assert page.count(OVERDUE_FLAG) == 1
    assert [need.reference for need in overdue] == [need_a.reference]
    assert [need.reference for need in recent] == [need_a2.reference]


def test_the_queue_sorts_by_age(client, helpdesk_user, need_a, need_a2):
    Need.objects.filter(pk=need_a2.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    client.force_login(helpdesk_user)
    age_column = client.get(QUEUE).context["cl"].list_display.index("age")

    oldest_first = client.get(QUEUE, {"o": f"-{age_column}"}).context["cl"].result_list

    assert [need.reference for need in oldest_first] == [need_a2.reference, need_a.reference]


def test_the_queue_costs_the_same_queries_for_3_or_30_requests(
    client, submit, helpdesk_user, second_helpdesk_user, country_b
):
    def make(count: int) -> None:
        for number in range(count):
            if number % 2:
                need = submit(title=f"Request {number}")  # Amani's, for Kenya
            else:  # on Brazil's behalf, by the help desk
                need = submit(by=helpdesk_user, country=country_b, title=f"Request {number}")
            if number % 3 == 0:
                services.need_assign(need=need, assignee=second_helpdesk_user, by=helpdesk_user)

    client.force_login(helpdesk_user)
    client.get(QUEUE)  # warm up the session

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE)
        assert response.status_code == 200
        return len(queries)

    make(3)
    with_3 = count_queries()
    make(27)
    with_30 = count_queries()

    # session, user, the user's groups (rules), the user's and the group permissions; the filter
    # choices (countries, regions, country groups, targets, thematic areas, support types,
    # assignees, sources) and the date hierarchy (range, days); the two counts; the page itself.
    assert with_30 == with_3 == 18


# --- Actions ------------------------------------------------------------------------------------
def test_assign_to_me_starts_triage_of_each_request(client, helpdesk_user, need_a, need_b):
    client.force_login(helpdesk_user)

    response = run_action(client, "assign_to_me", [need_a, need_b])

    assert "2 requests assigned to you." in response.content.decode()
    for need in (need_a, need_b):
        need.refresh_from_db()
        assert (need.status, need.assigned_to) == (Need.Status.IN_TRIAGE, helpdesk_user)
        assert events(need, A.ASSIGNED) == 1
        assert events(need, A.TRIAGE_STARTED) == 1


def test_assign_to_a_colleague(
    client, helpdesk_user, second_helpdesk_user, learner, need_a, need_b
):
    client.force_login(helpdesk_user)

    form_page = run_action(client, "assign_to_colleague", [need_a, need_b])
    not_staff = run_action(
        client, "assign_to_colleague", [need_a, need_b], apply="1", assignee=learner.pk
    )
    response = run_action(
        client, "assign_to_colleague", [need_a, need_b], apply="1", assignee=second_helpdesk_user.pk
    )

    assert need_a.reference in form_page.content.decode()
    assert not_staff.context["form"].errors  # only the help desk can be chosen
    assert "2 requests assigned to Hugo Lambert." in response.content.decode()
    assert set(Need.objects.values_list("assigned_to", flat=True)) == {second_helpdesk_user.pk}
    assert NeedEvent.objects.filter(action=A.ASSIGNED).count() == 2


def test_publish_several(client, helpdesk_user, need_a, need_b):
    client.force_login(helpdesk_user)

    response = run_action(client, "publish", [need_a, need_b])

    assert "2 requests published." in response.content.decode()
    for need in (need_a, need_b):
        need.refresh_from_db()
        assert need.status == Need.Status.PUBLISHED
        assert need.published_at is not None
        assert events(need, A.PUBLISHED) == 1


def test_a_request_someone_else_moved_on_is_reported_and_left_alone(
    client, helpdesk_user, second_helpdesk_user, need_a, need_b
):
    client.force_login(helpdesk_user)
    # Hana selected both; meanwhile Hugo rejected the first.
    services.need_reject(need=need_a, by=second_helpdesk_user, reason="Outside the scope.")

    response = run_action(client, "publish", [need_a, need_b])

    page = response.content.decode()
    assert "1 request published." in page
    assert f"is not possible for {need_a.reference}" in page
    need_a.refresh_from_db()
    need_b.refresh_from_db()
    assert (need_a.status, need_b.status) == (Need.Status.REJECTED, Need.Status.PUBLISHED)
    assert events(need_a, A.PUBLISHED) == 0


def test_request_clarification_emails_the_question(
    client, helpdesk_user, focal_point_a, need_a, need_a2, django_capture_on_commit_callbacks
):
    client.force_login(helpdesk_user)
    form_page = run_action(client, "request_clarification", [need_a, need_a2])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            client,
            "request_clarification",
            [need_a, need_a2],
            apply="1",
            message="Which counties would the training cover?",
        )

    assert "Question to the requester" in form_page.content.decode()
    assert "Clarification requested for 2 requests." in response.content.decode()
    for need in (need_a, need_a2):
        need.refresh_from_db()
        assert need.status == Need.Status.CLARIFICATION_REQUESTED
        assert events(need, A.CLARIFICATION_REQUESTED) == 1
        message = NeedMessage.objects.get(need=need)
        assert message.from_helpdesk and message.body == "Which counties would the training cover?"
    assert len(mail.outbox) == 2
    assert {email.to[0] for email in mail.outbox} == {focal_point_a.email}
    assert all("Which counties would the training cover?" in email.body for email in mail.outbox)
    assert f"/en/needs/{need_a.reference}/manage/" in mail.outbox[0].body + mail.outbox[1].body


def test_reject_requires_a_reason(client, helpdesk_user, need_a, need_b):
    client.force_login(helpdesk_user)

    without = run_action(client, "reject", [need_a, need_b], apply="1", reason="  ")
    need_a.refresh_from_db()
    assert need_a.status == Need.Status.SUBMITTED
    assert "reason" in without.context["form"].errors

    response = run_action(
        client, "reject", [need_a, need_b], apply="1", reason="Asks for funding, not capacity."
    )

    assert "2 requests rejected." in response.content.decode()
    for need in (need_a, need_b):
        need.refresh_from_db()
        assert need.status == Need.Status.REJECTED
        assert need.rejection_reason == "Asks for funding, not capacity."
        assert events(need, A.REJECTED) == 1


def test_mark_duplicate_points_to_the_original(client, helpdesk_user, need_a, need_a2, need_b):
    client.force_login(helpdesk_user)

    unknown = run_action(client, "mark_duplicate", [need_a2], apply="1", original="NEED-1999-1")
    response = run_action(
        client, "mark_duplicate", [need_a2, need_a], apply="1", original=need_a.reference.lower()
    )

    assert "original" in unknown.context["form"].errors
    page = response.content.decode()
    assert f"1 request closed as duplicate of {need_a.reference}." in page
    assert f"{need_a.reference}: A request cannot duplicate itself." in page
    need_a.refresh_from_db()
    need_a2.refresh_from_db()
    assert (need_a2.status, need_a2.duplicate_of) == (Need.Status.DUPLICATE, need_a)
    assert need_a.status == Need.Status.SUBMITTED
    assert events(need_a2, A.MARKED_DUPLICATE) == 1


def test_actions_from_a_request_page_come_back_to_it(client, helpdesk_user, need_a):
    client.force_login(helpdesk_user)
    from_page = {ACTION_CHECKBOX_NAME: [need_a.pk], "_from_change": "1"}

    form_page = client.post(QUEUE, {"action": "reject", **from_page})
    published = client.post(QUEUE, {"action": "publish", **from_page})
    stale_reject = client.post(
        QUEUE, {"action": "reject", "apply": "1", "reason": "Out of scope.", **from_page}
    )

    assert 'name="_from_change"' in form_page.content.decode()
    assert published.status_code == stale_reject.status_code == 302
    assert published.url == stale_reject.url == change_url(need_a)
    page = client.get(change_url(need_a)).content.decode()
    assert f"is not possible for {need_a.reference}" in page
    # Rejecting a published request is not possible: its page no longer offers it.
    assert 'value="reject"' not in page
    need_a.refresh_from_db()
    assert need_a.status == Need.Status.PUBLISHED


# --- The change form ----------------------------------------------------------------------------
def form_data(response) -> dict:
    """The POST data of the change form as the page shows it (main form and inlines)."""
    data = {}

    def add(form) -> None:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_edits_notes_and_messages_go_through_the_services(
    client, helpdesk_user, focal_point_a, need_a
):
    client.force_login(helpdesk_user)
    data = form_data(client.get(change_url(need_a)))
    data["title"] = "Training in mangrove restoration for rangers"
    data["assigned_to"] = str(helpdesk_user.pk)
    data.update(
        {
            "notes-TOTAL_FORMS": "1",
            "notes-0-body": "The ministry confirmed the budget.",
            "notes-0-need": str(need_a.pk),
            "messages-TOTAL_FORMS": "1",
            "messages-0-body": "We are looking at your request.",
            "messages-0-need": str(need_a.pk),
        }
    )

    response = client.post(change_url(need_a), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    need_a.refresh_from_db()
    assert need_a.title == "Training in mangrove restoration for rangers"
    assert (need_a.assigned_to, need_a.status) == (helpdesk_user, Need.Status.IN_TRIAGE)
    edited = NeedEvent.objects.get(need=need_a, action=A.EDITED)
    assert edited.is_internal and edited.actor == helpdesk_user
    assert events(need_a, A.ASSIGNED) == 1
    note = NeedNote.objects.get(need=need_a)
    assert (note.author, note.body) == (helpdesk_user, "The ministry confirmed the budget.")
    message = NeedMessage.objects.get(need=need_a)
    assert (message.author, message.from_helpdesk) == (helpdesk_user, True)


def test_saving_an_unchanged_form_records_nothing(client, helpdesk_user, need_a):
    client.force_login(helpdesk_user)
    before = NeedEvent.objects.filter(need=need_a).count()

    response = client.post(change_url(need_a), form_data(client.get(change_url(need_a))))

    assert response.status_code == 302
    assert NeedEvent.objects.filter(need=need_a).count() == before


def test_the_form_edits_only_what_the_services_write(client, helpdesk_user, need_a):
    client.force_login(helpdesk_user)
    form = client.get(change_url(need_a)).context["adminform"].form

    # Anything else would be silently dropped by save_related: add it to a service first.
    assert set(form.fields) <= {
        *services.EDITABLE_FIELDS,
        *services.RELATED_FIELDS,
        "assigned_to",
        CONFLICT_FIELD,  # the version the page was opened at: checked, never saved
    }
    for name in ("status", "reference", "submitted_at", "created_by", "escalated_at", "country"):
        assert name not in form.fields


# --- Assessments and history ----------------------------------------------------------------------
def test_assessments_show_their_progress_and_entries(
    client, helpdesk_user, focal_point_a, country_a
):
    assessment = services.assessment_start(country=country_a, cycle=2026, by=focal_point_a)
    high = Priority.objects.get(code="high")
    scores = {"capacity_individual": 1, "capacity_organisational": 2, "capacity_systemic": 0}
    services.assessment_save_entry(
        assessment=assessment,
        by=focal_point_a,
        target=GBFTarget.objects.get(number=4),
        priority=high,
        gap_description="No trained census officers.",
        **scores,
    )
    services.assessment_save_entry(
        assessment=assessment, by=focal_point_a, target=GBFTarget.objects.get(number=21)
    )
    client.force_login(helpdesk_user)

    listing = client.get(reverse("admin:needs_assessment_changelist")).content.decode()
    page = client.get(reverse("admin:needs_assessment_change", args=[assessment.pk]))

    assert "1 of 2 entries complete" in listing
    assert "No trained census officers." in page.content.decode()
    assert "3.0" in page.content.decode()  # the gap score: 4 - mean(1, 2, 0)
    assert not page.context["has_change_permission"]


def test_the_history_lists_events_waiting_for_their_emails(client, helpdesk_user, need_a):
    client.force_login(helpdesk_user)

    pending = client.get(reverse("admin:needs_needevent_changelist"), {"notified": "no"})

    # Nothing ran the notification tasks (no commit in tests): created and submitted wait.
    assert {event.action for event in pending.context["cl"].result_list} == {
        A.CREATED,
        A.SUBMITTED,
    }


def test_requests_are_neither_added_nor_deleted_in_the_admin(client, helpdesk_user, site_admin):
    for person in (helpdesk_user, site_admin):
        client.force_login(person)
        assert client.get(reverse("admin:needs_need_add")).status_code == 403
