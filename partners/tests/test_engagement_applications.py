"""Applications to opportunities through the portal's form: applying, withdrawing, the review by
the organisation (or by staff for the portal's own programme), the CV and the emails."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import Membership, OpportunityApplication, RecordStatus
from tests.factories import MembershipFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

S = OpportunityApplication.Status
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fellowship(organisation_x):
    """Mangrove Alliance's fellowship, taking applications on the portal for 30 days."""
    return OpportunityFactory(
        organisation=organisation_x,
        title_en="Mangrove restoration fellowship",
        title_fr="Bourse de restauration des mangroves",
        applications_on_portal=True,
        link="",
        places=2,
    )


@pytest.fixture
def programme(organisation_x):
    """The portal's own exchange programme (run with organisation X): staff review it."""
    return OpportunityFactory(
        organisation=organisation_x,
        title="CHM exchange programme 2026",
        applications_on_portal=True,
        is_portal_programme=True,
        link="",
    )


def _data(country, **extra):
    return {
        "country": country,
        "organisation_name": "Kenya Wildlife Service",
        "motivation": "I restore mangroves on the coast and want to learn monitoring.",
        **extra,
    }


def _apply(opportunity, person, country, **extra):
    return services.application_submit(
        opportunity=opportunity, by=person, data=_data(country, **extra)
    )


def _apply_url(opportunity) -> str:
    return reverse("partners:opportunity_apply", args=[opportunity.pk])


def _review_url(opportunity) -> str:
    return reverse("partners:opportunity_applications", args=[opportunity.pk])


# --- Applying -------------------------------------------------------------------------------------
def test_applying_needs_an_account(client, fellowship):
    response = client.get(_apply_url(fellowship))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_person_applies_with_the_form(client, fellowship, learner, country_a):
    client.force_login(learner)
    page = client.get(_apply_url(fellowship))
    assert page.status_code == 200
    assert 'name="motivation"' in page.content.decode()
    assert 'for="id_country"' in page.content.decode()

    response = client.post(
        _apply_url(fellowship),
        {
            "country": country_a.pk,
            "organisation_name": "Kenya Wildlife Service",
            "motivation": "I restore mangroves on the coast.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("partners:my_applications")
    application = OpportunityApplication.objects.get(opportunity=fellowship)
    assert application.applicant == learner
    assert application.country == country_a
    assert application.status == S.SUBMITTED
    assert application.motivation == "I restore mangroves on the coast."


def test_the_form_says_what_is_missing(client, fellowship, learner):
    client.force_login(learner)

    response = client.post(_apply_url(fellowship), {"motivation": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "This field is required." in page
    assert not OpportunityApplication.objects.exists()


def test_one_application_per_person(client, fellowship, learner, country_a):
    _apply(fellowship, learner, country_a)

    with pytest.raises(ValidationError) as raised:
        _apply(fellowship, learner, country_a)
    assert "You have already applied to this opportunity." in raised.value.messages

    client.force_login(learner)
    page = client.get(_apply_url(fellowship)).content.decode()
    assert "your application is “Submitted”" in page
    assert 'name="motivation"' not in page
    response = client.post(
        _apply_url(fellowship), {"country": country_a.pk, "motivation": "Once more."}
    )
    assert response.status_code == 400
    assert "You have already applied to this opportunity." in response.content.decode()
    assert OpportunityApplication.objects.count() == 1


def test_a_cv_must_really_be_a_pdf(client, fellowship, learner, country_a, media_root):
    client.force_login(learner)
    disguised = SimpleUploadedFile(
        "cv.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )

    response = client.post(
        _apply_url(fellowship),
        {"country": country_a.pk, "motivation": "Please.", "cv": disguised},
    )

    assert response.status_code == 400
    assert "The content of this file is not a PDF file." in response.content.decode()
    assert not OpportunityApplication.objects.exists()

    response = client.post(
        _apply_url(fellowship),
        {
            "country": country_a.pk,
            "motivation": "Please.",
            "cv": SimpleUploadedFile("cv.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    application = OpportunityApplication.objects.get()
    assert application.cv.name.startswith("partners/applications/")
    assert application.cv.read() == PDF_BYTES


def test_markup_in_the_motivation_is_refused(fellowship, learner, country_a):
    with pytest.raises(ValidationError) as raised:
        _apply(fellowship, learner, country_a, motivation="<script>alert(1)</script>")

    assert "motivation" in raised.value.message_dict
    assert not OpportunityApplication.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"deadline": timezone.now() - datetime.timedelta(hours=1)},
            "The deadline has passed: this opportunity no longer takes applications.",
        ),
        (
            {"status": RecordStatus.CLOSED},
            "This opportunity is closed: it no longer takes applications.",
        ),
        (
            {"status": RecordStatus.DRAFT},
            "This opportunity is not published: it does not take applications.",
        ),
        ({"opens_at": timezone.now() + datetime.timedelta(days=3)}, "Applications open on"),
    ],
)
def test_an_opportunity_that_is_not_open_takes_no_application(
    fellowship, learner, country_a, changes, message
):
    for name, value in changes.items():
        setattr(fellowship, name, value)
    fellowship.save()

    with pytest.raises(ValidationError) as raised:
        _apply(fellowship, learner, country_a)

    assert message in raised.value.messages[0]
    assert not OpportunityApplication.objects.exists()


def test_the_form_of_a_closed_opportunity_is_not_offered(client, fellowship, learner, country_a):
    fellowship.deadline = timezone.now() - datetime.timedelta(minutes=5)
    fellowship.save()
    client.force_login(learner)

    page = client.get(_apply_url(fellowship)).content.decode()
    assert "This opportunity does not take applications now." in page
    assert 'name="motivation"' not in page

    response = client.post(_apply_url(fellowship), {"country": country_a.pk, "motivation": "Hi"})
    assert response.status_code == 400
    assert "The deadline has passed" in response.content.decode()
    assert not OpportunityApplication.objects.exists()


def test_an_opportunity_with_a_link_has_no_form(client, organisation_x, learner, country_a):
    external = OpportunityFactory(organisation=organisation_x)  # applications through its link
    client.force_login(learner)

    assert client.get(_apply_url(external)).status_code == 404
    with pytest.raises(ValidationError):
        _apply(external, learner, country_a)


def test_a_draft_opportunity_is_not_found(client, organisation_x, learner):
    draft = OpportunityFactory(
        organisation=organisation_x, applications_on_portal=True, status=RecordStatus.DRAFT
    )
    client.force_login(learner)

    assert client.get(_apply_url(draft)).status_code == 404


# --- Withdrawing ----------------------------------------------------------------------------------
def test_the_applicant_withdraws_and_may_apply_again(client, fellowship, learner, country_a):
    application = _apply(fellowship, learner, country_a)
    client.force_login(learner)

    response = client.post(reverse("partners:application_withdraw", args=[application.pk]))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    page = client.get(reverse("partners:my_applications")).content.decode()
    assert "Withdrawn" in page
    assert "Apply again" in page

    again = _apply(fellowship, learner, country_a, motivation="I am available after all.")
    assert again.pk == application.pk
    assert again.status == S.SUBMITTED
    assert again.motivation == "I am available after all."


def test_no_one_else_withdraws_an_application(client, fellowship, learner, member_x, country_a):
    application = _apply(fellowship, learner, country_a)

    client.force_login(member_x)
    response = client.post(reverse("partners:application_withdraw", args=[application.pk]))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, by=member_x)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_a_declined_application_cannot_be_withdrawn(fellowship, learner, member_x, country_a):
    application = _apply(fellowship, learner, country_a)
    services.application_decide(application=application, by=member_x, accept=False)

    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, by=learner)


# --- My applications ------------------------------------------------------------------------------
def test_my_applications_lists_mine_only_in_constant_queries(
    client, organisation_x, learner, country_a, django_assert_max_num_queries
):
    client.force_login(learner)
    url = reverse("partners:my_applications")
    opportunities = OpportunityFactory.create_batch(
        12, organisation=organisation_x, applications_on_portal=True
    )
    _apply(opportunities[0], learner, country_a)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for opportunity in opportunities[1:]:
        _apply(opportunity, learner, country_a)
    someone_else = UserFactory()
    other = _apply(opportunities[0], someone_else, country_a)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Withdraw<span") == 12
    assert f"/applications/{other.pk}/withdraw/" not in page


def test_my_applications_needs_an_account(client):
    response = client.get(reverse("partners:my_applications"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Deciding -------------------------------------------------------------------------------------
def test_the_organisation_accepts_and_the_applicant_is_told_in_their_language(
    fellowship, learner, member_x, country_a, django_capture_on_commit_callbacks
):
    learner.preferred_language = "fr"
    learner.save()
    application = _apply(fellowship, learner, country_a)

    with django_capture_on_commit_callbacks(execute=True):
        decided = services.application_decide(
            application=application, by=member_x, accept=True, note="Welcome aboard."
        )

    assert decided.status == S.ACCEPTED
    assert decided.reviewed_by == member_x
    assert decided.reviewed_at is not None
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    assert application.review_note == "Welcome aboard."
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [learner.email]
    assert "Bourse de restauration des mangroves" in email.subject
    assert "Welcome aboard." in email.body
    assert "/fr/partners/applications/mine/" in email.body


def test_a_declined_applicant_is_told_too(
    fellowship, learner, member_x, country_a, django_capture_on_commit_callbacks
):
    application = _apply(fellowship, learner, country_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, by=member_x, accept=False)

    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert "not selected" in mail.outbox[0].subject
    assert "Mangrove restoration fellowship" in mail.outbox[0].body


def test_an_application_is_decided_once(fellowship, learner, member_x, country_a):
    application = _apply(fellowship, learner, country_a)
    services.application_decide(application=application, by=member_x, accept=True)

    with pytest.raises(ValidationError) as raised:
        services.application_decide(application=application, by=member_x, accept=False)

    assert "already “Accepted”" in raised.value.messages[0]
    application.refresh_from_db()
    assert application.status == S.ACCEPTED


def test_no_more_applicants_are_accepted_than_places(fellowship, member_x, country_a):
    applications = [_apply(fellowship, UserFactory(), country_a) for _ in range(3)]
    for application in applications[:2]:
        services.application_decide(application=application, by=member_x, accept=True)

    with pytest.raises(ValidationError) as raised:
        services.application_decide(application=applications[2], by=member_x, accept=True)

    assert "All 2 places are taken" in raised.value.messages[0]
    services.application_decide(application=applications[2], by=member_x, accept=False)


def test_markup_in_the_note_is_refused(fellowship, learner, member_x, country_a):
    application = _apply(fellowship, learner, country_a)

    with pytest.raises(ValidationError) as raised:
        services.application_decide(
            application=application, by=member_x, accept=True, note="<b>Yes</b>"
        )

    assert "note" in raised.value.message_dict
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_another_organisation_does_not_decide(fellowship, learner, member_y, country_a):
    application = _apply(fellowship, learner, country_a)

    with pytest.raises(PermissionDenied):
        services.application_decide(application=application, by=member_y, accept=True)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_only_staff_decide_on_the_portal_programme(
    programme, learner, member_x, helpdesk_user, site_admin, reviewer_user, country_a
):
    first = _apply(programme, learner, country_a)
    second = _apply(programme, UserFactory(), country_a)

    for outsider in (member_x, reviewer_user):
        with pytest.raises(PermissionDenied):
            services.application_decide(application=first, by=outsider, accept=True)

    assert (
        services.application_decide(application=first, by=helpdesk_user, accept=True).status
        == S.ACCEPTED
    )
    assert (
        services.application_decide(application=second, by=site_admin, accept=False).status
        == S.REJECTED
    )


# --- The review page: who may open it -------------------------------------------------------------
@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("anonymous", 302),
        ("learner", 404),
        ("member_x", 200),  # member of the owning organisation
        ("editor_x", 200),
        ("member_y", 404),  # member of another organisation
        ("helpdesk_user", 200),
        ("site_admin", 200),
    ],
)
def test_who_opens_the_review_page(client, request, fellowship, organisation_x, person, status):
    if person == "editor_x":
        editor = UserFactory()
        MembershipFactory(user=editor, organisation=organisation_x, role=Membership.Role.EDITOR)
        client.force_login(editor)
    elif person != "anonymous":
        client.force_login(request.getfixturevalue(person))

    response = client.get(_review_url(fellowship))

    assert response.status_code == status
    if status == 302:
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("member_x", 404),  # the programme is the portal's: its organisation does not review
        ("member_y", 404),
        ("learner", 404),
        ("reviewer_user", 404),
        ("helpdesk_user", 200),
        ("site_admin", 200),
    ],
)
def test_only_staff_open_the_review_page_of_the_programme(
    client, request, programme, person, status
):
    client.force_login(request.getfixturevalue(person))

    assert client.get(_review_url(programme)).status_code == status


def test_the_review_page_lists_the_applications_in_constant_queries(
    client, fellowship, member_x, country_a, django_assert_max_num_queries
):
    client.force_login(member_x)
    _apply(fellowship, UserFactory(full_name="Wanjiru Kamau"), country_a)
    with django_assert_max_num_queries(40) as few:
        client.get(_review_url(fellowship))
    for _ in range(12):
        _apply(fellowship, UserFactory(), country_a)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_review_url(fellowship))

    page = response.content.decode()
    assert "Wanjiru Kamau" in page
    assert "13 applications" in page
    assert page.count('value="accept"') == 13


def test_a_member_accepts_from_the_review_page(
    client, fellowship, learner, member_x, country_a, django_capture_on_commit_callbacks
):
    application = _apply(fellowship, learner, country_a)
    client.force_login(member_x)
    prefix = f"application-{application.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _review_url(fellowship),
            {
                "application": application.pk,
                f"{prefix}-decision": "accept",
                f"{prefix}-note": "See you in Mombasa.",
            },
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    assert application.review_note == "See you in Mombasa."
    assert len(mail.outbox) == 1
    page = client.get(_review_url(fellowship)).content.decode()
    assert "is accepted" in page
    assert 'value="accept"' not in page


def test_a_refused_decision_shows_the_error_by_the_application(
    client, fellowship, learner, member_x, country_a
):
    application = _apply(fellowship, learner, country_a)
    client.force_login(member_x)
    prefix = f"application-{application.pk}"

    response = client.post(
        _review_url(fellowship),
        {
            "application": application.pk,
            f"{prefix}-decision": "decline",
            f"{prefix}-note": "<i>no</i>",
        },
    )

    assert response.status_code == 400
    assert "Remove the HTML markup" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_a_member_of_another_organisation_cannot_post_a_decision(
    client, fellowship, learner, member_y, country_a
):
    application = _apply(fellowship, learner, country_a)
    client.force_login(member_y)
    prefix = f"application-{application.pk}"

    response = client.post(
        _review_url(fellowship),
        {"application": application.pk, f"{prefix}-decision": "accept"},
    )

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


# --- The CV ---------------------------------------------------------------------------------------
@pytest.fixture
def application_with_cv(fellowship, learner, country_a, media_root):
    return services.application_submit(
        opportunity=fellowship,
        by=learner,
        data=_data(country_a),
        cv=SimpleUploadedFile("cv-lea.pdf", PDF_BYTES, content_type="application/pdf"),
    )


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("learner", 200),  # the applicant
        ("member_x", 200),  # reviews the opportunity's applications
        ("helpdesk_user", 200),
        ("member_y", 404),
        ("focal_point_a", 404),
    ],
)
def test_who_downloads_a_cv(client, request, application_with_cv, person, status):
    client.force_login(request.getfixturevalue(person))

    response = client.get(reverse("partners:application_cv", args=[application_with_cv.pk]))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Disposition"].startswith("attachment")


def test_a_cv_is_never_public(client, application_with_cv):
    response = client.get(reverse("partners:application_cv", args=[application_with_cv.pk]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_organisation_does_not_download_cvs_of_the_programme(
    client, programme, learner, member_x, helpdesk_user, country_a, media_root
):
    application = services.application_submit(
        opportunity=programme,
        by=learner,
        data=_data(country_a),
        cv=SimpleUploadedFile("cv.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    url = reverse("partners:application_cv", args=[application.pk])

    client.force_login(member_x)
    assert client.get(url).status_code == 404
    client.force_login(helpdesk_user)
    assert client.get(url).status_code == 200
