"""Certificates: codes and their checksum, issuing only on completion, revoking, the PDF and the
public verification page."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from chm_portal.alerts.models import InboxMessage
from elearning import tasks
from elearning.models import Certificate, EnrolmentStatus
from elearning.services import certificates as services
from tests.factories import EnrolmentFactory, UserFactory, build_course

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def completed(user, **course_fields):
    course = build_course(**course_fields)
    return EnrolmentFactory(
        course=course, user=user, status=S.COMPLETED, completed_at=timezone.now()
    )


@pytest.fixture
def certificate(learner):
    return services.issue_certificate(enrolment=completed(learner))


# --- Codes --------------------------------------------------------------------------------------
def test_codes_are_formatted_unique_and_carry_a_checksum():
    codes = {services.new_certificate_code() for _i in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert CODE.match(code)
        assert services.normalise_certificate_code(code) == code


def test_reading_a_code_forgives_case_spaces_dashes_and_look_alike_letters():
    code = services.new_certificate_code()
    typed = code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    assert services.normalise_certificate_code(typed) == code
    assert services.normalise_certificate_code(code.replace("-", "")) == code


def test_a_changed_character_is_caught_by_the_checksum():
    code = services.new_certificate_code()
    caught = 0
    alphabet = services.CODE_ALPHABET
    for position in [0, 5, 10, 15, 18]:
        if code[position] == "-":
            continue
        replacement = alphabet[(alphabet.index(code[position]) + 1) % len(alphabet)]
        tampered = code[:position] + replacement + code[position + 1 :]
        caught += services.normalise_certificate_code(tampered) is None
    assert caught >= 4  # 1 in 1024 could slip through; four of five positions at least
    assert services.normalise_certificate_code("ABCD-EFGH") is None
    assert services.normalise_certificate_code("UUUU-UUUU-UUUU-UUUU") is None
    assert services.normalise_certificate_code("") is None


# --- Issuing ------------------------------------------------------------------------------------
def test_a_certificate_is_refused_for_an_enrolment_not_completed(learner):
    enrolment = EnrolmentFactory(course=build_course(), user=learner)
    with pytest.raises(ValidationError, match="completed"):
        services.issue_certificate(enrolment=enrolment)
    assert not Certificate.objects.exists()


def test_a_certificate_is_refused_when_the_course_offers_none(learner):
    with pytest.raises(ValidationError, match="does not offer"):
        services.issue_certificate(enrolment=completed(learner, certificate_offered=False))


def test_issuing_is_idempotent_and_copies_name_course_provider(
    learner, django_capture_on_commit_callbacks
):
    enrolment = completed(learner)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.issue_certificate(enrolment=enrolment)
    second = services.issue_certificate(enrolment=enrolment)

    assert first.pk == second.pk and CODE.match(first.code)
    assert first.learner_name == "Lea Martin"
    assert first.course_title == enrolment.course.title
    assert first.provider_name == enrolment.course.provider.name
    assert len(mail.outbox) == 1 and first.code in mail.outbox[0].body
    assert InboxMessage.objects.filter(recipient=learner).count() == 1


def test_the_certificate_email_is_in_the_learners_language(django_capture_on_commit_callbacks):
    learner = UserFactory(full_name="Élodie Fèvre", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_certificate(enrolment=completed(learner))
    assert "/fr/learning/my/certificates/" in mail.outbox[0].body
    assert f"/fr/certificates/verify/{certificate.code}/" in mail.outbox[0].body


def test_only_the_help_desk_revokes_with_a_reason(certificate, helpdesk_user, learner):
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(certificate=certificate, by=learner, reason="Fraud")
    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate=certificate, by=helpdesk_user, reason="  ")
    with pytest.raises(ValidationError):
        services.revoke_certificate(
            certificate=certificate, by=helpdesk_user, reason="<script>x</script>"
        )
    services.revoke_certificate(certificate=certificate, by=helpdesk_user, reason="Copied answers")
    certificate.refresh_from_db()
    assert certificate.revoked_at and certificate.revocation_reason == "Copied answers"
    with pytest.raises(ValidationError, match="already revoked"):
        services.revoke_certificate(certificate=certificate, by=helpdesk_user, reason="Again")


def test_verify_finds_certificates_and_not_tampered_codes(certificate):
    assert services.verify(certificate.code.lower().replace("-", " ")) == certificate
    assert services.verify("0000-0000-0000-0000") is None


# --- The PDF ------------------------------------------------------------------------------------
def test_the_owner_downloads_the_pdf(client, learner, certificate):
    client.force_login(learner)
    response = client.get(reverse("elearning:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert certificate.code in response["Content-Disposition"]


def test_an_accented_name_renders_in_the_pages_language(client):
    learner = UserFactory(full_name="Zoë Ñúñez-Ørsted")
    certificate = services.issue_certificate(enrolment=completed(learner))
    client.force_login(learner)
    with translation.override("fr"):
        url = reverse("elearning:certificate_pdf", args=[certificate.pk])
    assert url.startswith("/fr/")
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"Vera" in response.content  # the TrueType font is embedded


def test_nobody_else_gets_the_pdf(client, certificate, member_x, helpdesk_user):
    url = reverse("elearning:certificate_pdf", args=[certificate.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in
    for person in (member_x, helpdesk_user):
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_a_revoked_certificate_has_no_pdf(client, learner, certificate, helpdesk_user):
    services.revoke_certificate(certificate=certificate, by=helpdesk_user, reason="Error")
    client.force_login(learner)
    assert (
        client.get(reverse("elearning:certificate_pdf", args=[certificate.pk])).status_code == 404
    )


# --- The verification page ----------------------------------------------------------------------
def test_the_verification_page_confirms_name_course_provider_and_date(client, certificate):
    response = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lea Martin" in html and certificate.course_title in html
    assert certificate.provider_name in html
    assert "valid certificate" in html
    assert 'name="robots" content="noindex"' in html


def test_a_code_typed_loosely_is_found(client, certificate):
    loose = certificate.code.lower().replace("-", "")
    assert client.get(reverse("certificates:verify", args=[loose])).status_code == 200


def test_tampered_and_unknown_codes_answer_404_with_a_clear_message(client, certificate):
    tampered = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    for code in (tampered, services.new_certificate_code(), "hello"):
        response = client.get(reverse("certificates:verify", args=[code]))
        assert response.status_code == 404
        assert "No valid certificate has this code" in response.content.decode()


def test_a_revoked_certificate_says_so(client, certificate, helpdesk_user):
    services.revoke_certificate(certificate=certificate, by=helpdesk_user, reason="Copied answers")
    response = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 410
    html = response.content.decode()
    assert "This certificate was revoked" in html and "Copied answers" in html


def test_the_verification_form_sends_to_the_page_or_explains(client, certificate):
    form_url = reverse("certificates:verify_form")
    assert client.get(form_url).status_code == 200
    typed = certificate.code.lower().replace("-", " ")
    response = client.get(form_url, {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[certificate.code])
    response = client.get(form_url, {"code": "ABCD"})
    assert response.status_code == 200
    assert "not a valid certificate code" in response.content.decode()


def test_the_certificate_task_delivered_twice_sends_once(learner):
    certificate = services.issue_certificate(enrolment=completed(learner))  # not committed: no send
    assert mail.outbox == []
    assert tasks.send_certificate_issued(certificate.pk) is True
    assert tasks.send_certificate_issued(certificate.pk) is False
    assert len(mail.outbox) == 1
    assert InboxMessage.objects.filter(recipient=learner).count() == 1
