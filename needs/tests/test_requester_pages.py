"""The requester's pages: the four-step request form, submission, "My requests", the page of one
request (messages, clarification, withdrawal) and attachments, for each of the named people."""

import uuid
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.functional import Promise

from chm_portal.vocabularies.models import GBFTarget, SupportType
from needs import services
from needs.forms import NeedPracticalitiesForm
from needs.models import Need, NeedAttachment, NeedEvent, NeedMessage
from needs.workflow import working_days_after
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("needs:create")
MY_REQUESTS = reverse("needs:my_requests")
LOGIN = reverse("account_login")

# A real (tiny) PDF: what the content check identifies as application/pdf.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The start of a Windows executable.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def step_url(need: Need, step: str) -> str:
    return reverse("needs:edit_step", args=[need.reference, step])


def about_data(country, **overrides) -> dict:
    data = {
        "country": country.pk,
        "title": "Training in mangrove restoration monitoring",
        "language": "en",
        "problem_statement": "Mangrove cover along the coast fell by a fifth since 2000.",
        "objectives": "Train county staff to monitor restoration sites.",
        "expected_outputs": "30 staff trained.",
        "outcomes_and_indicators": "Sites monitored twice a year.",
        "application_level": "national",
        "requesting_organisation": "Kenya Forest Service",
        "requester_kind": "government",
        "contact_name": "Amani Otieno",
        "contact_email": "amani.otieno@environment.go.ke",
        "contact_phone": "+254 20 000000",
        "creation_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def practicalities_data(**overrides) -> dict:
    data = {
        "desired_start": "2026-09-01",
        "desired_end": "2027-03-31",
        "estimated_budget": "45000",
        "budget_currency": "USD",
        "builds_on": "The national mangrove management plan.",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def make_need(by, country, **fields) -> Need:
    """A complete draft, ready to submit, made the way the pages make it."""
    values = {
        "problem_statement": "Too few trained staff.",
        "objectives": "Train staff.",
        "requesting_organisation": "Ministry of Environment",
        "contact_name": "Amani Otieno",
        "contact_email": "amani.otieno@environment.go.ke",
    }
    values.update(fields)
    title = values.pop("title", "Training in species identification")
    return services.need_create(by=by, country=country, title=title, fields=values)


@pytest.fixture
def draft_a(focal_point_a, country_a) -> Need:
    """A complete draft of Kenya, started by Amani."""
    return make_need(focal_point_a, country_a)


@pytest.fixture
def submitted_a(draft_a, focal_point_a) -> Need:
    return services.need_submit(need=draft_a, by=focal_point_a)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def iplc_member(db):
    """Ina, member of an approved indigenous peoples' organisation."""
    user = UserFactory(email="ina@forest-peoples.example", full_name="Ina Lemayian")
    organisation = OrganisationFactory(
        name="Forest Peoples' Council",
        organisation_type=OrganisationTypeFactory(code="iplc", name="IPLC organisation"),
        status="approved",
    )
    MembershipFactory(user=user, organisation=organisation)
    return user


# --- Landing page --------------------------------------------------------------------------------
def test_index_offers_the_requester_pages_to_focal_points(client, focal_point_a):
    client.force_login(focal_point_a)

    content = client.get(reverse("needs:index")).content.decode()

    assert "Activity 1" in content and "Activity 4" in content
    for name in ("registry", "create", "my_requests", "assessment_list"):
        assert reverse(f"needs:{name}") in content
    assert "Request the focal-point role" not in content


def test_index_tells_others_how_to_get_the_role(client, learner):
    client.force_login(learner)

    content = client.get(reverse("needs:index")).content.decode()

    assert reverse("needs:registry") in content
    assert reverse("needs:create") not in content
    assert f"{reverse('accounts:role_request')}?role=focal_point" in content


def test_index_invites_anonymous_visitors_to_sign_in(client):
    content = client.get(reverse("needs:index")).content.decode()

    assert reverse("needs:registry") in content
    assert reverse("needs:create") not in content
    assert f"{LOGIN}?next={reverse('accounts:role_request')}" in content


# --- The journey, step by step -------------------------------------------------------------------
def test_focal_point_goes_through_the_four_steps_to_submission(client, focal_point_a, country_a):
    client.force_login(focal_point_a)
    page = client.get(CREATE)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'aria-current="step"' in content
    # Amani is focal point of Kenya only: Kenya is chosen for him.
    assert page.context["form"]["country"].value() == country_a.pk
    token = page.context["form"]["creation_token"].value()

    response = client.post(CREATE, about_data(country_a, creation_token=token))

    need = Need.objects.get()
    assert response.status_code == 302
    assert response.url == step_url(need, "needed")
    assert need.status == Need.Status.DRAFT
    assert need.created_by == focal_point_a and need.country == country_a

    target = GBFTarget.objects.get(number=19)
    training = SupportType.objects.get(code="training")
    response = client.post(
        step_url(need, "needed"),
        {
            "targets": [target.pk],
            "support_types": [training.pk],
            f"support_{training.pk}": "Two field courses on drone monitoring.",
            "action": "continue",
        },
    )
    assert response.status_code == 302
    assert response.url == step_url(need, "practicalities")

    response = client.post(step_url(need, "practicalities"), practicalities_data())
    assert response.status_code == 302
    assert response.url == step_url(need, "review")

    review = client.get(step_url(need, "review")).content.decode()
    assert "Two field courses on drone monitoring." in review
    assert "45,000.00 USD" in review and "March 31, 2027" in review
    assert target.code in review
    assert reverse("needs:submit", args=[need.reference]) in review
    for step in ("about", "needed", "practicalities"):
        assert f'href="{step_url(need, step)}">Edit<' in review

    response = client.post(reverse("needs:submit", args=[need.reference]))

    assert response.status_code == 302
    assert response.url == reverse("needs:submitted", args=[need.reference])
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED
    assert need.desired_end == date(2027, 3, 31) and need.budget_currency == "USD"
    assert need.support_details.get().details == "Two field courses on drone monitoring."
    confirmation = client.get(response.url).content.decode()
    assert need.reference in confirmation
    assert "10 working days" in confirmation


def test_save_draft_stays_on_the_step(client, focal_point_a, draft_a):
    client.force_login(focal_point_a)

    response = client.post(step_url(draft_a, "practicalities"), practicalities_data(action="save"))

    assert response.status_code == 302
    assert response.url == step_url(draft_a, "practicalities")
    draft_a.refresh_from_db()
    assert draft_a.estimated_budget == 45000


def test_steps_show_their_saved_values(client, focal_point_a, draft_a):
    target = GBFTarget.objects.get(number=3)
    services.need_update(need=draft_a, by=focal_point_a, related={"targets": [target]})
    client.force_login(focal_point_a)

    needed = client.get(step_url(draft_a, "needed"))
    about = client.get(step_url(draft_a, "about"))

    assert needed.context["form"]["targets"].value() == [target.pk]
    assert about.context["form"]["title"].value() == draft_a.title
    assert "country" not in about.context["form"].fields  # the country does not change


def test_unknown_step_is_not_found(client, focal_point_a, draft_a):
    client.force_login(focal_point_a)

    assert client.get(step_url(draft_a, "budget")).status_code == 404


def test_creating_twice_with_the_same_token_creates_one_request(client, focal_point_a, country_a):
    client.force_login(focal_point_a)
    data = about_data(country_a)

    first = client.post(CREATE, data)
    second = client.post(CREATE, data)

    assert Need.objects.count() == 1
    assert first.url == second.url == step_url(Need.objects.get(), "needed")


def test_submitting_twice_submits_once_without_an_error(client, focal_point_a, draft_a):
    client.force_login(focal_point_a)
    url = reverse("needs:submit", args=[draft_a.reference])

    first = client.post(url)
    second = client.post(url)

    assert first.status_code == second.status_code == 302
    assert second.url == reverse("needs:submitted", args=[draft_a.reference])
    assert draft_a.events.filter(action=NeedEvent.Action.SUBMITTED).count() == 1


def test_submit_is_post_only(client, focal_point_a, draft_a):
    client.force_login(focal_point_a)

    assert client.get(reverse("needs:submit", args=[draft_a.reference])).status_code == 405


# --- Bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"desired_start": "2027-01-01", "desired_end": "2026-12-31"}, "desired_end"),
        ({"estimated_budget": "-5"}, "estimated_budget"),
        ({"budget_currency": "U$D"}, "budget_currency"),
        ({"budget_currency": "DOLLARS"}, "budget_currency"),
        ({"desired_start": "31/12/2026"}, "desired_start"),
    ],
)
def test_bad_practicalities_are_refused_and_nothing_is_saved(
    client, focal_point_a, draft_a, overrides, field
):
    client.force_login(focal_point_a)

    response = client.post(step_url(draft_a, "practicalities"), practicalities_data(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert 'class="error-summary"' in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.estimated_budget is None and draft_a.desired_start is None


def test_currency_in_lower_case_is_stored_in_capitals(client, focal_point_a, draft_a):
    client.force_login(focal_point_a)

    client.post(step_url(draft_a, "practicalities"), practicalities_data(budget_currency="eur"))

    draft_a.refresh_from_db()
    assert draft_a.budget_currency == "EUR"


def test_fields_carry_browser_validation_attributes(client, focal_point_a, draft_a):
    client.force_login(focal_point_a)

    about = client.get(step_url(draft_a, "about")).content.decode()
    practicalities = client.get(step_url(draft_a, "practicalities")).content.decode()

    assert 'maxlength="250"' in about and 'type="email"' in about
    assert 'type="date"' in practicalities
    assert 'min="0"' in practicalities
    assert 'pattern="[A-Za-z]{3}"' in practicalities


def test_missing_required_fields_on_create_are_shown(client, focal_point_a, country_a):
    client.force_login(focal_point_a)

    response = client.post(CREATE, {**about_data(country_a, title=""), "country": ""})

    assert response.status_code == 200
    assert {"title", "country"} <= set(response.context["form"].errors)
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "La fin ne peut pas précéder le début."),
        ("es", "El final no puede ser anterior al inicio."),
    ],
)
def test_bad_input_in_french_and_spanish_is_refused_in_that_language(
    client, focal_point_a, draft_a, language, message
):
    client.force_login(focal_point_a)
    url = reverse("needs:edit_step", args=[draft_a.reference, "practicalities"]).replace(
        "/en/", f"/{language}/", 1
    )

    response = client.post(
        url, practicalities_data(desired_start="2027-01-01", desired_end="2026-01-01")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["desired_end"] == [message]
    assert message in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.desired_start is None


def test_form_error_messages_are_lazy_translations():
    form = NeedPracticalitiesForm(
        data=practicalities_data(desired_start="2027-01-01", desired_end="2026-01-01")
    )

    assert not form.is_valid()
    assert isinstance(form.errors.as_data()["desired_end"][0].message, Promise)


def test_submitting_an_incomplete_request_shows_what_is_missing(client, focal_point_a, country_a):
    need = services.need_create(
        by=focal_point_a,
        country=country_a,
        title="Incomplete",
        fields={"requesting_organisation": "Ministry of Environment"},
    )
    client.force_login(focal_point_a)

    response = client.post(reverse("needs:submit", args=[need.reference]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="error-summary"' in content
    summary = content.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.count("Fill in “problem statement” before submitting.") == 1
    assert f"{step_url(need, 'about')}#id_problem_statement" in content
    need.refresh_from_db()
    assert need.status == Need.Status.DRAFT


def test_script_in_a_text_field_is_refused_and_nothing_is_created(client, focal_point_a, country_a):
    client.force_login(focal_point_a)

    response = client.post(CREATE, about_data(country_a, title="<script>alert('x')</script>"))

    assert response.status_code == 200
    assert "plain text" in " ".join(response.context["form"].errors["title"])
    assert not Need.objects.exists()


def test_text_is_escaped_on_the_pages(client, focal_point_a, country_a):
    # Markup that reached the database another way (an old import) is still shown as text.
    need = make_need(focal_point_a, country_a)
    Need.objects.filter(pk=need.pk).update(title="<script>alert('x')</script>")
    client.force_login(focal_point_a)

    for url in (reverse("needs:manage", args=[need.reference]), step_url(need, "review")):
        content = client.get(url).content.decode()
        assert "<script>alert(" not in content
        assert "&lt;script&gt;alert(" in content


def test_details_of_an_unticked_support_type_are_refused(client, focal_point_a, draft_a):
    training = SupportType.objects.get(code="training")
    client.force_login(focal_point_a)

    response = client.post(
        step_url(draft_a, "needed"), {f"support_{training.pk}": "Courses", "action": "save"}
    )

    assert response.status_code == 200
    assert f"support_{training.pk}" in response.context["form"].errors
    assert not draft_a.support_details.exists()


def test_unknown_codes_cannot_be_chosen(client, focal_point_a, draft_a):
    client.force_login(focal_point_a)

    response = client.post(step_url(draft_a, "needed"), {"targets": [999999]})

    assert response.status_code == 200
    assert "targets" in response.context["form"].errors


# --- Who may do what -----------------------------------------------------------------------------
def _requester_urls(need: Need) -> list[str]:
    return [
        reverse("needs:manage", args=[need.reference]),
        *(step_url(need, step) for step in ("about", "needed", "practicalities", "review")),
        reverse("needs:submitted", args=[need.reference]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, draft_a):
    for url in [CREATE, MY_REQUESTS, *_requester_urls(draft_a)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(LOGIN), url


def test_people_without_a_role_may_not_create_requests(client, learner):
    client.force_login(learner)

    assert client.get(CREATE).status_code == 403
    assert client.get(MY_REQUESTS).status_code == 200


def test_another_countrys_focal_point_does_not_see_the_request(
    client, focal_point_b, draft_a, media_root
):
    attachment = services.need_add_attachment(
        need=draft_a,
        by=draft_a.created_by,
        file=SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    client.force_login(focal_point_b)
    reference = draft_a.reference

    for url in _requester_urls(draft_a):
        assert client.get(url).status_code == 404, url
    post_urls = [
        reverse("needs:submit", args=[reference]),
        reverse("needs:withdraw", args=[reference]),
        reverse("needs:message", args=[reference]),
        reverse("needs:attachment_add", args=[reference]),
        reverse("needs:attachment_delete", args=[reference, attachment.pk]),
    ]
    for url in post_urls:
        assert client.post(url).status_code == 404, url
    download = reverse("needs:attachment_download", args=[reference, attachment.pk])
    assert client.get(download).status_code == 404
    assert NeedAttachment.objects.filter(pk=attachment.pk).exists()


def test_a_colleague_of_the_same_country_manages_and_edits(client, colleague_a, draft_a):
    client.force_login(colleague_a)

    for url in _requester_urls(draft_a)[:-1]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        step_url(draft_a, "about"), about_data(draft_a.country, title="Retitled by Baraka")
    )
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.title == "Retitled by Baraka"


def test_the_help_desk_manages_any_request(client, helpdesk_user, submitted_a):
    client.force_login(helpdesk_user)

    response = client.get(reverse("needs:manage", args=[submitted_a.reference]))

    assert response.status_code == 200
    # Staff see internal events (the creation) too.
    assert "Created" in response.content.decode()


def test_a_member_of_an_iplc_organisation_may_create(client, iplc_member, country_b):
    client.force_login(iplc_member)

    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, about_data(country_b, requester_kind="iplc"))

    need = Need.objects.get()
    assert response.status_code == 302
    assert need.created_by == iplc_member and need.requester_kind == "iplc"


def test_a_country_not_offered_cannot_be_chosen(client, focal_point_a, country_b):
    client.force_login(focal_point_a)

    response = client.post(CREATE, about_data(country_b))

    assert response.status_code == 200
    assert "country" in response.context["form"].errors
    assert not Need.objects.exists()


def test_a_submitted_request_is_no_longer_editable(client, focal_point_a, submitted_a):
    client.force_login(focal_point_a)

    response = client.get(step_url(submitted_a, "about"))

    assert response.status_code == 302
    assert response.url == reverse("needs:manage", args=[submitted_a.reference])


def test_a_published_request_is_public_but_its_management_page_is_not(
    client, focal_point_b, submitted_a, helpdesk_user
):
    services.need_publish(need=submitted_a, by=helpdesk_user)
    client.force_login(focal_point_b)

    assert client.get(reverse("needs:manage", args=[submitted_a.reference])).status_code == 403


# --- My requests ---------------------------------------------------------------------------------
def test_my_requests_lists_the_countrys_requests_with_stage_and_commitment(
    client, focal_point_a, colleague_a, country_a, country_b, focal_point_b
):
    mine = make_need(focal_point_a, country_a, title="Taxonomy training")
    colleagues = make_need(colleague_a, country_a, title="Seed bank equipment")
    services.need_submit(need=colleagues, by=colleague_a)
    make_need(focal_point_b, country_b, title="Brazilian request")
    client.force_login(focal_point_a)

    response = client.get(MY_REQUESTS)

    content = response.content.decode()
    assert mine.reference in content and colleagues.reference in content
    assert "Brazilian request" not in content
    assert "Step 2 of 5: with the help desk" in content
    assert "Step 1 of 5: being written" in content
    due = working_days_after(colleagues.submitted_at, 10).date()
    assert response.context["rows"][0].response_due == due


def test_my_requests_filters_by_status(client, focal_point_a, country_a, submitted_a):
    make_need(focal_point_a, country_a, title="Still a draft")
    client.force_login(focal_point_a)

    content = client.get(MY_REQUESTS, {"status": "submitted"}).content.decode()

    assert submitted_a.reference in content
    assert "Still a draft" not in content


@pytest.mark.parametrize("count", [3, 30])
def test_my_requests_queries_do_not_grow_with_rows(
    client, focal_point_a, country_a, count, django_assert_num_queries
):
    for number in range(count):
        make_need(focal_point_a, country_a, title=f"Request {number}")
    client.force_login(focal_point_a)

    # 1 session, 2 user, 3 the user's focal-point countries (kept on the user for the
    # permission checks too), 4 count for the paginator, 5 the page of requests with country,
    # region, priority, assignee and original joined, 6-10 the selector's prefetches (targets,
    # thematic areas, capacity levels, working languages, support asked for), 11 unread inbox
    # messages (header).
    with django_assert_num_queries(11):
        response = client.get(MY_REQUESTS)

    assert len(response.context["rows"]) == min(count, 25)


def test_working_days_skip_weekends():
    friday = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    assert working_days_after(friday, 1) == datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    assert working_days_after(friday, 10) == datetime(2026, 5, 15, 9, 0, tzinfo=UTC)


# --- The request's page: messages, clarification, withdrawal -------------------------------------
def test_the_manage_page_hides_internal_events_from_the_requester(
    client, focal_point_a, submitted_a, helpdesk_user
):
    services.need_assign(need=submitted_a, assignee=helpdesk_user, by=helpdesk_user)
    client.force_login(focal_point_a)

    response = client.get(reverse("needs:manage", args=[submitted_a.reference]))

    actions = [event.action for event in response.context["history"]]
    assert actions == [NeedEvent.Action.SUBMITTED]
    # In triage, the request still waits for the help desk's decision.
    assert response.context["response_due"] is not None


def test_the_focal_point_writes_to_the_help_desk(client, focal_point_a, submitted_a):
    client.force_login(focal_point_a)

    response = client.post(
        reverse("needs:message", args=[submitted_a.reference]), {"body": "Any news?"}
    )

    assert response.status_code == 302
    assert NeedMessage.objects.get(need=submitted_a).body == "Any news?"
    page = client.get(response.url).content.decode()
    assert "Any news?" in page


def test_an_empty_message_is_refused(client, focal_point_a, submitted_a):
    client.force_login(focal_point_a)

    response = client.post(reverse("needs:message", args=[submitted_a.reference]), {"body": " "})

    assert response.status_code == 200
    assert response.context["message_form"].errors
    assert not NeedMessage.objects.exists()


def test_the_focal_point_answers_a_clarification(client, focal_point_a, submitted_a, helpdesk_user):
    services.need_request_clarification(
        need=submitted_a, by=helpdesk_user, message="Which counties does the training cover?"
    )
    client.force_login(focal_point_a)
    manage = reverse("needs:manage", args=[submitted_a.reference])

    page = client.get(manage).content.decode()
    assert "Which counties does the training cover?" in page
    assert reverse("needs:answer", args=[submitted_a.reference]) in page

    response = client.post(
        reverse("needs:answer", args=[submitted_a.reference]),
        {"message": "Kwale, Kilifi and Lamu."},
    )

    assert response.status_code == 302 and response.url == manage
    submitted_a.refresh_from_db()
    assert submitted_a.status == Need.Status.SUBMITTED
    answer = NeedMessage.objects.get(need=submitted_a, from_helpdesk=False)
    assert answer.body == "Kwale, Kilifi and Lamu."


def test_answering_a_question_already_answered_asks_to_reload(
    client, focal_point_a, colleague_a, submitted_a, helpdesk_user
):
    services.need_request_clarification(need=submitted_a, by=helpdesk_user, message="Budget?")
    services.need_answer_clarification(need=submitted_a, by=colleague_a, message="45 000 USD")
    client.force_login(focal_point_a)

    response = client.post(
        reverse("needs:answer", args=[submitted_a.reference]), {"message": "Forty-five"}
    )

    # Baraka answered first: Amani is sent back to the request's page with a message.
    assert response.status_code == 302
    assert NeedMessage.objects.filter(from_helpdesk=False).count() == 1
    page = client.get(response.url).content.decode()
    assert "already answered" in page


def test_withdrawing_needs_the_box_ticked(client, focal_point_a, submitted_a):
    client.force_login(focal_point_a)
    url = reverse("needs:withdraw", args=[submitted_a.reference])

    refused = client.post(url, {"reason": "Funded elsewhere"})
    submitted_a.refresh_from_db()
    assert refused.status_code == 200
    assert "confirm" in refused.context["withdraw_form"].errors
    assert submitted_a.status == Need.Status.SUBMITTED

    response = client.post(url, {"reason": "Funded elsewhere", "confirm": "on"})

    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.status == Need.Status.WITHDRAWN
    assert submitted_a.events.get(action=NeedEvent.Action.WITHDRAWN).note == "Funded elsewhere"


def test_withdrawing_twice_shows_a_message_not_an_error(client, focal_point_a, submitted_a):
    client.force_login(focal_point_a)
    url = reverse("needs:withdraw", args=[submitted_a.reference])
    client.post(url, {"confirm": "on"})

    response = client.post(url, {"confirm": "on"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("needs:manage", args=[submitted_a.reference]), 302)]
    assert "is already withdrawn" in response.content.decode()
    assert submitted_a.events.filter(action=NeedEvent.Action.WITHDRAWN).count() == 1


def test_withdraw_is_post_only(client, focal_point_a, submitted_a):
    client.force_login(focal_point_a)

    assert client.get(reverse("needs:withdraw", args=[submitted_a.reference])).status_code == 405


# --- Attachments ---------------------------------------------------------------------------------
def _upload(client, need, name, content, content_type="application/pdf"):
    return client.post(
        reverse("needs:attachment_add", args=[need.reference]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), "title": ""},
    )


def test_a_pdf_is_attached_downloaded_and_removed(client, focal_point_a, draft_a, media_root):
    client.force_login(focal_point_a)

    response = _upload(client, draft_a, "concept-note.pdf", PDF_BYTES)

    assert response.status_code == 302
    attachment = NeedAttachment.objects.get(need=draft_a)
    assert attachment.content_type == "application/pdf"
    page = client.get(step_url(draft_a, "practicalities")).content.decode()
    assert "concept-note.pdf" in page
    download = client.get(
        reverse("needs:attachment_download", args=[draft_a.reference, attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF_BYTES

    response = client.post(
        reverse("needs:attachment_delete", args=[draft_a.reference, attachment.pk])
    )

    assert response.status_code == 302
    assert not NeedAttachment.objects.exists()


def test_an_executable_renamed_pdf_is_refused(client, focal_point_a, draft_a, media_root):
    client.force_login(focal_point_a)

    response = _upload(client, draft_a, "report.pdf", EXE_BYTES)

    assert response.status_code == 200
    assert response.context["attachment_form"].errors["file"]
    assert "is not a PDF file" in response.content.decode()
    assert not NeedAttachment.objects.exists()


def test_a_file_over_10_mb_is_refused(client, focal_point_a, draft_a, media_root):
    client.force_login(focal_point_a)

    response = _upload(client, draft_a, "big.pdf", PDF_BYTES + b"0" * (11 * 1024 * 1024))

    assert response.status_code == 200
    assert "it may be at most 10" in response.content.decode()
    assert not NeedAttachment.objects.exists()


def test_attachments_of_a_published_request_stay_private(
    client, focal_point_a, focal_point_b, draft_a, helpdesk_user, media_root
):
    attachment = services.need_add_attachment(
        need=draft_a,
        by=focal_point_a,
        file=SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    services.need_submit(need=draft_a, by=focal_point_a)
    services.need_publish(need=draft_a, by=helpdesk_user)
    url = reverse("needs:attachment_download", args=[draft_a.reference, attachment.pk])

    client.force_login(focal_point_b)
    assert client.get(url).status_code == 404
    client.force_login(helpdesk_user)
    assert client.get(url).status_code == 200
