"""Uploads beyond their limit, or whose content is not what their name says, are refused.

Every file the portal stores (``FileField``/``ImageField``) is listed in ``UPLOADS`` with the
page that uploads it, its allowed types and its size limit, both taken from the code. Each is
sent through its page as a browser would send it: the page's form is read, its current values
kept, and the file replaced by

- a file one byte over the limit (a real PDF or PNG header, then padding);
- a web page, a Windows executable and an SVG image with a script, each named ``.pdf``/``.png``;
- the same SVG and web page under their own extensions.

The page answers with the form again and a clear message in the page's language (English and
French), and nothing is stored: no row, no file in the media storage. The same holds for the
API (the pilot projects' signed agreement, sent as multipart) and for every admin form with a
file field.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from PIL import Image
from rest_framework.authtoken.models import Token

from elearning.services import authoring as elearning_authoring
from matchmaking.services import projects as matchmaking_projects
from needs import validators as needs_validators
from partners import models as partners_models
from tests.factories import (
    MatchNeedFactory,
    OpportunityFactory,
    PartnershipAgreementFactory,
    ProjectFactory,
    ResourceFactory,
    build_course,
)

from .html_forms import submit_with_file

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WEB_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


# --- Every upload of the portal -------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    """One file field and the page that uploads it."""

    field: str  # "app_label.Model.field"
    allowed: Mapping[str, str]  # extension -> MIME type, from the code
    max_size: int
    # (fixture request) -> (signed-in person, path of the page with the form, the form's field)
    page: Callable[[pytest.FixtureRequest], tuple]

    @property
    def model(self) -> type[models.Model]:
        app_label, model, _field = self.field.split(".")
        return apps.get_model(app_label, model)

    @property
    def model_field(self) -> models.FileField:
        return self.model._meta.get_field(self.field.split(".")[2])

    @property
    def extension(self) -> str:
        """The extension a disguised file takes: a document's or an image's."""
        return "pdf" if "pdf" in self.allowed else "png"

    def valid_header(self) -> bytes:
        return PDF if self.extension == "pdf" else png()


def _fixture(request, name):
    return request.getfixturevalue(name)


def _need_attachment(request):
    focal_point, country = _fixture(request, "focal_point_a"), _fixture(request, "country_a")
    need = MatchNeedFactory(
        country=country, created_by=focal_point, status="draft", published_at=None
    )
    return focal_point, reverse("needs:edit_step", args=[need.reference, "practicalities"]), "file"


def _organisation_logo(request):
    member, organisation = _fixture(request, "member_x"), _fixture(request, "organisation_x")
    return member, reverse("partners:organisation_edit", args=[organisation.pk]), "logo"


def _resource_file(request):
    member, organisation = _fixture(request, "member_x"), _fixture(request, "organisation_x")
    resource = ResourceFactory(organisation=organisation)
    return member, reverse("partners:record_edit", args=["resources", resource.pk]), "file"


def _agreement_document(request):
    member, organisation = _fixture(request, "member_x"), _fixture(request, "organisation_x")
    agreement = PartnershipAgreementFactory(organisation=organisation)
    return member, reverse("partners:record_edit", args=["agreements", agreement.pk]), "document"


def _application_cv(request):
    learner, organisation = _fixture(request, "learner"), _fixture(request, "organisation_x")
    opportunity = OpportunityFactory(
        organisation=organisation, applications_on_portal=True, link="", places=2
    )
    return learner, reverse("partners:opportunity_apply", args=[opportunity.pk]), "cv"


def _project_agreement(request):
    helpdesk = _fixture(request, "helpdesk_user")
    project = ProjectFactory()
    return helpdesk, reverse("matchmaking:project_edit", args=[project.pk]), "agreement_document"


def _course_image(request):
    member, organisation = _fixture(request, "member_x"), _fixture(request, "organisation_x")
    course = build_course(organisation, status="draft", quiz=False)
    return member, reverse("elearning:authoring_course_edit", args=[course.pk]), "image"


def _lesson_attachment(request):
    member, organisation = _fixture(request, "member_x"), _fixture(request, "organisation_x")
    course = build_course(organisation, status="draft", quiz=False)
    lesson = course.lessons.order_by("pk").first()
    return member, reverse("elearning:authoring_lesson_edit", args=[lesson.pk]), "attachment"


UPLOADS = [
    Upload(
        "needs.NeedAttachment.file",
        needs_validators.ALLOWED_ATTACHMENTS,
        needs_validators.MAX_ATTACHMENT_SIZE,
        _need_attachment,
    ),
    Upload(
        "partners.Organisation.logo",
        partners_models.ALLOWED_LOGOS,
        partners_models.MAX_LOGO_SIZE,
        _organisation_logo,
    ),
    Upload(
        "partners.Resource.file",
        partners_models.ALLOWED_RESOURCE_FILES,
        partners_models.MAX_RESOURCE_FILE_SIZE,
        _resource_file,
    ),
    Upload(
        "partners.PartnershipAgreement.document",
        partners_models.ALLOWED_DOCUMENTS,
        partners_models.MAX_DOCUMENT_SIZE,
        _agreement_document,
    ),
    Upload(
        "partners.OpportunityApplication.cv",
        partners_models.ALLOWED_DOCUMENTS,
        partners_models.MAX_DOCUMENT_SIZE,
        _application_cv,
    ),
    Upload(
        "matchmaking.Project.agreement_document",
        matchmaking_projects.AGREEMENT_TYPES,
        matchmaking_projects.MAX_AGREEMENT_SIZE,
        _project_agreement,
    ),
    Upload(
        "elearning.Course.image",
        elearning_authoring.ALLOWED_IMAGES,
        elearning_authoring.MAX_IMAGE_SIZE,
        _course_image,
    ),
    Upload(
        "elearning.Lesson.attachment",
        elearning_authoring.ALLOWED_ATTACHMENTS,
        elearning_authoring.MAX_ATTACHMENT_SIZE,
        _lesson_attachment,
    ),
]
UPLOAD_IDS = [upload.field for upload in UPLOADS]


def test_every_file_field_is_checked_here():
    """A new FileField or ImageField must join UPLOADS."""
    file_fields = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    }
    assert file_fields == set(UPLOAD_IDS)


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _rows(upload: Upload) -> set:
    """The rows of the model that hold a file in the field (nothing should be added)."""
    name = upload.model_field.name
    return set(upload.model.objects.exclude(**{name: ""}).values_list("pk", name))


# --- Messages -------------------------------------------------------------------------------------
TOO_LARGE = {"en": "it may be at most", "fr": "il ne peut pas dépasser"}
WRONG_CONTENT = {
    "en": ("The content of this file is not a", "Upload a valid image"),
    "fr": ("Le contenu de ce fichier ne correspond pas", "Transférez une image valide"),
}
WRONG_TYPE = {
    "en": ("Upload a file of one of these types", "Upload a valid image"),
    "fr": ("de ces types", "Transférez une image valide"),
}


def _refused(response, upload: Upload, media_root: Path, rows_before: set, messages) -> None:
    # The form again (some pages answer an invalid form with 400), not a redirect or an error.
    assert response.status_code in (200, 400), (upload.field, response.status_code)
    text = html.unescape(response.content.decode())
    assert any(message in text for message in messages), (upload.field, messages)
    assert _rows(upload) == rows_before, f"{upload.field}: a row was changed"
    assert stored_files(media_root) == [], f"{upload.field}: a file was stored"


@pytest.mark.parametrize("upload", UPLOADS, ids=UPLOAD_IDS)
def test_a_file_over_the_limit_is_refused_with_a_clear_message(request, client, media_root, upload):
    person, path, field = upload.page(request)
    client.force_login(person)
    rows_before = _rows(upload)

    with translation.override("fr"):
        response = submit_with_file(client, reverse_in("fr", path), field, oversize(upload))

    _refused(response, upload, media_root, rows_before, (TOO_LARGE["fr"],))


def oversize(upload: Upload) -> SimpleUploadedFile:
    """A file of the right type, one byte over the limit."""
    header = upload.valid_header()
    content = header + b"0" * (upload.max_size + 1 - len(header))
    return SimpleUploadedFile(f"big.{upload.extension}", content)


def reverse_in(language: str, path: str) -> str:
    """``path`` (``/en/...``) in ``language``."""
    return f"/{language}/" + path.split("/", 2)[2]


DISGUISES = [
    ("web page", WEB_PAGE),
    ("executable", EXECUTABLE),
    ("svg with a script", SVG_WITH_SCRIPT),
]


@pytest.mark.parametrize(("disguise", "content"), DISGUISES, ids=[d[0] for d in DISGUISES])
@pytest.mark.parametrize("upload", UPLOADS, ids=UPLOAD_IDS)
def test_a_disguised_file_is_refused(request, client, media_root, upload, disguise, content):
    person, path, field = upload.page(request)
    client.force_login(person)
    rows_before = _rows(upload)

    response = submit_with_file(
        client, path, field, SimpleUploadedFile(f"report.{upload.extension}", content)
    )

    _refused(response, upload, media_root, rows_before, WRONG_CONTENT["en"])


@pytest.mark.parametrize(
    ("name", "content"), [("drawing.svg", SVG_WITH_SCRIPT), ("page.html", WEB_PAGE)]
)
@pytest.mark.parametrize("upload", UPLOADS, ids=UPLOAD_IDS)
def test_a_file_of_another_type_is_refused(request, client, media_root, upload, name, content):
    person, path, field = upload.page(request)
    client.force_login(person)
    rows_before = _rows(upload)

    with translation.override("fr"):
        response = submit_with_file(
            client, reverse_in("fr", path), field, SimpleUploadedFile(name, content)
        )

    _refused(response, upload, media_root, rows_before, WRONG_TYPE["fr"])


def test_a_valid_file_is_accepted_through_the_same_form(request, client, media_root):
    """The harness itself: the same submission with a real PDF stores it."""
    upload = next(u for u in UPLOADS if u.field == "partners.Resource.file")
    person, path, field = upload.page(request)
    client.force_login(person)

    response = submit_with_file(client, path, field, SimpleUploadedFile("guide.pdf", PDF))

    assert response.status_code == 302
    assert len(stored_files(media_root)) == 1


# --- The API --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("signed.pdf", WEB_PAGE, "The content of this file is not a PDF file."),
        ("signed.pdf", EXECUTABLE, "The content of this file is not a PDF file."),
        ("signed.svg", SVG_WITH_SCRIPT, "Upload a file of one of these types: DOCX, ODT, PDF."),
        ("signed.pdf", None, "it may be at most 10.0"),
    ],
    ids=["web page", "executable", "svg", "over the limit"],
)
def test_the_api_refuses_bad_agreements_and_stores_nothing(
    helpdesk_user, media_root, name, content, message
):
    from rest_framework.test import APIClient

    project = ProjectFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=helpdesk_user)}")

    upload = next(u for u in UPLOADS if u.field == "matchmaking.Project.agreement_document")
    file = oversize(upload) if content is None else SimpleUploadedFile(name, content)

    response = client.patch(
        f"/api/v1/projects/{project.pk}/",
        {"agreement_document": file},
        format="multipart",
    )

    assert response.status_code == 400, response.content[:300]
    errors = response.json()
    assert any(message in error for error in errors["agreement_document"]), errors
    project.refresh_from_db()
    assert not project.agreement_document
    assert stored_files(media_root) == []


# --- The admin ------------------------------------------------------------------------------------
def _admin_forms() -> list[tuple[str, Callable]]:
    """``(model label, request -> form class)`` of every admin page and inline."""
    forms = []
    for model, model_admin in admin.site._registry.items():
        forms.append(
            (model._meta.label, lambda request, ma=model_admin: ma.get_form(request, None))
        )
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            forms.append(
                (
                    inline.model._meta.label,
                    lambda request, inline=inline: inline.get_formset(request, None).form,
                )
            )
    return forms


def _admin_file_inputs(request) -> list[tuple[str, str, type]]:
    """``(model label, field name, form class)`` of every file input of the admin."""
    inputs = []
    for label, form_class_for in _admin_forms():
        form_class = form_class_for(request)
        for field in apps.get_model(label)._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.name in form_class.base_fields:
                inputs.append((label, field.name, form_class))
    return inputs


def _admin_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def test_the_admin_file_inputs_are_found(site_admin):
    found = {
        f"{label}.{name}" for label, name, _form in _admin_file_inputs(_admin_request(site_admin))
    }
    assert found <= set(UPLOAD_IDS)
    assert found >= {
        "elearning.Course.image",
        "elearning.Lesson.attachment",
        "matchmaking.Project.agreement_document",
        "partners.Organisation.logo",
        "partners.Resource.file",
    }


@pytest.mark.parametrize("upload", UPLOADS, ids=UPLOAD_IDS)
@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("report.pdf", WEB_PAGE),
        ("report.png", SVG_WITH_SCRIPT),
        ("drawing.svg", SVG_WITH_SCRIPT),
        ("programme.pdf", EXECUTABLE),
        ("", None),
    ],
    ids=["web page", "svg as png", "svg", "executable", "over the limit"],
)
def test_admin_forms_refuse_bad_files(site_admin, upload, file_name, content):
    """Every admin form (pages and inlines) offering the field refuses the file."""
    label, name = upload.field.rsplit(".", 1)
    forms = [
        form_class
        for found_label, found_name, form_class in _admin_file_inputs(_admin_request(site_admin))
        if (found_label, found_name) == (label, name)
    ]
    for form_class in forms:
        file = oversize(upload) if content is None else SimpleUploadedFile(file_name, content)
        form = form_class(data={}, files={name: file})

        assert not form.is_valid()
        assert name in form.errors, (form_class, form.errors)
