"""Members create, edit and translate their organisation's records in the browser; bad input
comes back with a clear error on the field, and nothing is saved."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chm_portal.vocabularies.models import (
    EventType,
    GBFTarget,
    OpportunityType,
    ResourceType,
    SupportType,
)
from partners import services
from partners.databases import record_url
from partners.forms.records import RECORD_FORMS
from partners.models import (
    Event,
    Initiative,
    Offer,
    Opportunity,
    RecordStatus,
    Resource,
)
from partners.selectors import MANAGED_RECORD_TYPES
from partners.services.records import PROTECTED_FIELDS, translated_fields
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
FUTURE = timezone.localdate() + datetime.timedelta(days=90)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _day(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _moment(days: int) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def valid_post(kind: str, **changes) -> dict:
    """What a member fills in for a new record of ``kind``, with ``changes``."""
    data = {
        "language": "en",
        "title_en": "Mangrove restoration clinic",
        "description_en": "Hands-on support to plan mangrove restoration.",
        "action": "draft",
    }
    data.update(
        {
            "offers": {"cost": "free", "contribution": "in_kind", "budget_currency": "USD"},
            "initiatives": {"stage": "ongoing", "budget_currency": "USD"},
            "resources": {
                "resource_type": ResourceType.objects.get(code="toolkit").pk,
                "url": "https://mangroves.example/toolkit",
                "licence": "CC-BY-4.0",
            },
            "opportunities": {
                "opportunity_type": OpportunityType.objects.get(code="fellowship").pk,
                "deadline": _moment(30),
                "link": "https://mangroves.example/apply",
            },
            "events": {
                "event_type": EventType.objects.get(code="workshop").pk,
                "time_zone": "Africa/Nairobi",
                "starts_at": _moment(20),
                "ends_at": _moment(21),
                "is_online": "on",
            },
            "agreements": {"kind": "mou", "signed_on": _day(-10)},
        }[kind]
    )
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def create_url(organisation, kind: str) -> str:
    return reverse("partners:record_create", args=[organisation.pk, kind])


def edit_url(kind: str, record) -> str:
    return reverse("partners:record_edit", args=[kind, record.pk])


def records_of(organisation, kind: str):
    model = MANAGED_RECORD_TYPES[kind]
    return model.objects.of_organisations([organisation.pk])


def field_errors(response, name: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(name, [])]


def assert_refused(response, field: str, message: str) -> None:
    """The page comes back with the error in the summary and next to the field."""
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), response.context[
        "form"
    ].errors
    html = response.content.decode()
    assert 'role="alert"' in html
    assert f'id="id_{field}_error"' in html
    assert "Nothing was saved yet" in html


# --- Forms cover every field ---------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(RECORD_FORMS))
def test_each_form_has_every_field_a_member_sets(kind, organisation_x):
    model = MANAGED_RECORD_TYPES[kind]
    form = RECORD_FORMS[kind](organisation=organisation_x, may_moderate=True)
    translated = set(translated_fields(model))
    expected = {
        field.name
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if field.editable
        and field.name not in PROTECTED_FIELDS
        and field.name != model.ORGANISATION_FIELD
        and field.name not in translated
        and not any(field.name.startswith(f"{name}_") for name in translated)
    }
    expected |= {f"{name}_{code}" for name in translated for code in ("en", "fr", "es")}
    assert expected <= set(form.fields)


# --- Creating ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(RECORD_FORMS))
def test_a_member_creates_a_draft_of_each_type(client, member_x, organisation_x, kind):
    client.force_login(member_x)

    response = client.post(create_url(organisation_x, kind), valid_post(kind))

    record = records_of(organisation_x, kind).get()
    assert response.status_code == 302
    assert response.url == record_url(record)
    assert record.title == "Mangrove restoration clinic"
    assert record.status == RecordStatus.DRAFT
    assert record.published_at is None
    assert record.created_by == member_x
    # The message shows on the next page.
    page = client.get(reverse("partners:manage_records", args=[organisation_x.pk]))
    assert "is saved as a draft" in page.content.decode()


@pytest.mark.parametrize("kind", list(RECORD_FORMS))
def test_save_and_publish_publishes_at_once(client, member_x, organisation_x, kind):
    client.force_login(member_x)

    response = client.post(create_url(organisation_x, kind), valid_post(kind, action="publish"))

    record = records_of(organisation_x, kind).get()
    assert response.status_code == 302
    assert response.url == record_url(record)
    assert record.status == RecordStatus.PUBLISHED
    assert record.published_at is not None
    assert record.is_public


def test_an_offer_keeps_its_vocabularies_and_translations(client, member_x, organisation_x):
    client.force_login(member_x)
    training = SupportType.objects.filter(is_active=True).first()
    target = GBFTarget.objects.get(number=3)

    client.post(
        create_url(organisation_x, "offers"),
        valid_post(
            "offers",
            language="fr",
            title_en="",
            description_en="",
            title_fr="Clinique de restauration des mangroves",
            description_fr="Un appui pratique.",
            title_es="Clínica de restauración de manglares",
            support_types=[training.pk],
            targets=[target.pk],
            available_from=_day(1),
            available_until=_day(60),
        ),
    )

    offer = Offer.objects.get(provider=organisation_x)
    assert offer.language == "fr"
    assert offer.title_fr == "Clinique de restauration des mangroves"
    assert offer.title_es == "Clínica de restauración de manglares"
    assert list(offer.support_types.all()) == [training]
    assert list(offer.targets.all()) == [target]
    assert offer.available_until == timezone.localdate() + datetime.timedelta(days=60)


def test_event_times_are_read_in_the_event_time_zone(client, member_x, organisation_x):
    client.force_login(member_x)
    nairobi = zoneinfo.ZoneInfo("Africa/Nairobi")
    year = timezone.localdate().year + 1

    client.post(
        create_url(organisation_x, "events"),
        valid_post(
            "events",
            time_zone="Africa/Nairobi",
            starts_at=f"{year}-05-04T09:00",
            ends_at=f"{year}-05-04T17:30",
        ),
    )

    event = Event.objects.get(organisation=organisation_x)
    assert event.starts_at == datetime.datetime(year, 5, 4, 9, 0, tzinfo=nairobi)
    assert event.starts_at == datetime.datetime(year, 5, 4, 6, 0, tzinfo=datetime.UTC)
    assert event.ends_at == datetime.datetime(year, 5, 4, 17, 30, tzinfo=nairobi)
    # The edit page shows them again on the Nairobi clock.
    html = client.get(edit_url("events", event)).content.decode()
    assert f'value="{year}-05-04T09:00"' in html
    assert f'value="{year}-05-04T17:30"' in html
    assert '<option value="Africa/Nairobi" selected>' in html


def test_time_zones_are_offered_sorted(client, member_x, organisation_x):
    client.force_login(member_x)

    form = client.get(create_url(organisation_x, "events")).context["form"]

    zones = [value for value, _label in form.fields["time_zone"].choices]
    assert zones == sorted(zones)
    assert {"Africa/Nairobi", "America/Sao_Paulo", "UTC"} <= set(zones)


def test_opportunity_deadline_is_in_the_active_time_zone(client, member_x, organisation_x):
    client.force_login(member_x)
    year = timezone.localdate().year + 1

    client.post(
        create_url(organisation_x, "opportunities"),
        valid_post("opportunities", deadline=f"{year}-03-31T23:59"),
    )

    opportunity = Opportunity.objects.get(organisation=organisation_x)
    assert opportunity.deadline == datetime.datetime(
        year, 3, 31, 23, 59, tzinfo=timezone.get_current_timezone()
    )


def test_a_resource_file_is_uploaded(client, member_x, organisation_x):
    client.force_login(member_x)

    client.post(
        create_url(organisation_x, "resources"),
        valid_post("resources", url="", file=SimpleUploadedFile("guide.pdf", PDF)),
    )

    resource = Resource.objects.get(organisation=organisation_x)
    assert resource.file.name.endswith(".pdf")
    assert resource.file.read().startswith(b"%PDF")


# --- Editing -------------------------------------------------------------------------------------
def test_a_member_edits_a_record_and_its_status_stays(client, member_x, organisation_x):
    initiative = InitiativeFactory(organisation=organisation_x, title="Blue carbon")
    partner = OrganisationFactory(name="Reef Keepers")
    client.force_login(member_x)

    page = client.get(edit_url("initiatives", initiative))
    assert page.status_code == 200
    assert 'value="Blue carbon"' in page.content.decode()
    assert "Save changes" in page.content.decode()

    response = client.post(
        edit_url("initiatives", initiative),
        valid_post(
            "initiatives",
            title_en="Blue carbon coalition",
            description_en="Coastal wetlands for the climate.",
            results_en="Four national inventories.",
            partner_organisations=[partner.pk],
            start_date=_day(-100),
            end_date=_day(200),
            budget="250000",
            website="https://blue-carbon.example",
            action="save",
        ),
    )

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Blue carbon coalition"
    assert initiative.results == "Four national inventories."
    assert list(initiative.partner_organisations.all()) == [partner]
    assert initiative.status == RecordStatus.PUBLISHED


def test_a_draft_is_saved_and_published_from_its_edit_page(client, member_x, organisation_x):
    offer = OfferFactory(provider=organisation_x, status=RecordStatus.DRAFT, published_at=None)
    client.force_login(member_x)

    client.post(edit_url("offers", offer), valid_post("offers", action="publish"))

    offer.refresh_from_db()
    assert offer.status == RecordStatus.PUBLISHED
    assert offer.title == "Mangrove restoration clinic"


def test_a_draft_that_cannot_be_published_keeps_its_saved_text(client, member_x, organisation_x):
    opportunity = OpportunityFactory(
        organisation=organisation_x, status=RecordStatus.DRAFT, title="Old title"
    )
    client.force_login(member_x)

    response = client.post(
        edit_url("opportunities", opportunity),
        valid_post("opportunities", title_en="New title", deadline=_moment(-1), action="publish"),
    )

    assert_refused(response, "deadline", "The deadline has passed")
    assert 'value="New title"' in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.title == "Old title"
    assert opportunity.status == RecordStatus.DRAFT


def test_only_the_help_desk_marks_the_portal_programme(
    client, member_x, helpdesk_user, organisation_x
):
    opportunity = OpportunityFactory(organisation=organisation_x)
    client.force_login(member_x)

    assert (
        "is_portal_programme"
        not in client.get(edit_url("opportunities", opportunity)).context["form"].fields
    )
    client.post(
        edit_url("opportunities", opportunity),
        valid_post(
            "opportunities", applications_on_portal="on", is_portal_programme="on", action="save"
        ),
    )
    opportunity.refresh_from_db()
    assert opportunity.applications_on_portal is True
    assert opportunity.is_portal_programme is False
    with pytest.raises(ValidationError) as raised:
        services.record_update(record=opportunity, by=member_x, data={"is_portal_programme": True})
    assert "is_portal_programme" in raised.value.message_dict

    client.force_login(helpdesk_user)
    client.post(
        edit_url("opportunities", opportunity),
        valid_post(
            "opportunities", applications_on_portal="on", is_portal_programme="on", action="save"
        ),
    )
    opportunity.refresh_from_db()
    assert opportunity.is_portal_programme is True


def test_translations_are_added_on_their_own_page(client, member_x, organisation_x):
    event = EventFactory(organisation=organisation_x, title="Mangrove week")
    client.force_login(member_x)
    url = reverse("partners:record_translate", args=["events", event.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Mangrove week" in page.content.decode()
    assert "title_en" not in page.context["form"].fields  # the original is not a translation

    response = client.post(
        url,
        {"title_fr": "Semaine des mangroves", "description_fr": "Ateliers.", "title_es": ""},
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title_fr == "Semaine des mangroves"
    assert event.title_en == "Mangrove week"


def test_a_translation_with_markup_is_refused(client, member_x, organisation_x):
    event = EventFactory(organisation=organisation_x)
    client.force_login(member_x)

    response = client.post(
        reverse("partners:record_translate", args=["events", event.pk]),
        {"title_fr": "<script>alert(1)</script>"},
    )

    assert response.status_code == 200
    assert "Remove the HTML markup" in " ".join(field_errors(response, "title_fr"))
    event.refresh_from_db()
    assert not event.title_fr


# --- Bad input -----------------------------------------------------------------------------------
def test_an_invalid_link_is_refused(client, member_x, organisation_x):
    client.force_login(member_x)

    response = client.post(
        create_url(organisation_x, "resources"), valid_post("resources", url="not a web address")
    )

    assert_refused(response, "url", "Enter a valid URL")
    assert 'value="Mangrove restoration clinic"' in response.content.decode()
    assert not Resource.objects.exists()


def test_a_past_deadline_is_refused_when_publishing(client, member_x, organisation_x):
    client.force_login(member_x)

    response = client.post(
        create_url(organisation_x, "opportunities"),
        valid_post("opportunities", deadline=_moment(-2), action="publish"),
    )

    assert_refused(response, "deadline", "The deadline has passed: set a later one.")
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("kind", "changes", "field", "message"),
    [
        (
            "offers",
            {"available_from": _day(30), "available_until": _day(10)},
            "available_until",
            "The end of availability is before its start.",
        ),
        (
            "initiatives",
            {"start_date": _day(30), "end_date": _day(10)},
            "end_date",
            "The end date is before the start date.",
        ),
        (
            "events",
            {"starts_at": _moment(30), "ends_at": _moment(29)},
            "ends_at",
            "The event ends before it starts.",
        ),
        (
            "agreements",
            {"signed_on": _day(-10), "ends_on": _day(-20)},
            "ends_on",
            "The agreement ends before it was signed.",
        ),
    ],
)
def test_an_end_before_the_start_is_refused(
    client, member_x, organisation_x, kind, changes, field, message
):
    client.force_login(member_x)

    response = client.post(create_url(organisation_x, kind), valid_post(kind, **changes))

    assert_refused(response, field, message)
    assert not records_of(organisation_x, kind).exists()


@pytest.mark.parametrize(
    ("kind", "field", "limit_name", "extra"),
    [
        ("resources", "file", "MAX_RESOURCE_FILE_SIZE", {"url": ""}),
        ("agreements", "document", "MAX_DOCUMENT_SIZE", {}),
    ],
)
def test_an_oversize_upload_is_refused(
    client, member_x, organisation_x, monkeypatch, kind, field, limit_name, extra
):
    monkeypatch.setattr(f"partners.models.{limit_name}", 1024)
    client.force_login(member_x)
    big = SimpleUploadedFile("report.pdf", PDF + b"0" * 2048, content_type="application/pdf")

    response = client.post(
        create_url(organisation_x, kind), valid_post(kind, **extra, **{field: big})
    )

    assert_refused(response, field, "it may be at most 1.0\xa0KB")
    assert "choose your file again" in response.content.decode()
    assert not records_of(organisation_x, kind).exists()


@pytest.mark.parametrize(
    ("kind", "field", "extra"),
    [("resources", "file", {"url": ""}), ("agreements", "document", {})],
)
def test_a_disguised_upload_is_refused(client, member_x, organisation_x, kind, field, extra):
    client.force_login(member_x)
    page = SimpleUploadedFile(
        "report.pdf", b"<html><script>steal()</script></html>", content_type="application/pdf"
    )

    response = client.post(
        create_url(organisation_x, kind), valid_post(kind, **extra, **{field: page})
    )

    assert_refused(response, field, "The content of this file is not a PDF file.")
    assert not records_of(organisation_x, kind).exists()


def test_script_in_a_text_field_is_refused(client, member_x, organisation_x):
    client.force_login(member_x)

    response = client.post(
        create_url(organisation_x, "offers"),
        valid_post("offers", description_en='Support <script>alert("x")</script>'),
    )

    assert_refused(response, "description_en", "Remove the HTML markup")
    assert not Offer.objects.exists()


def test_the_title_in_the_original_language_is_required(client, member_x, organisation_x):
    client.force_login(member_x)

    response = client.post(
        create_url(organisation_x, "events"),
        valid_post("events", language="fr", title_en="Mangrove week", description_fr="Ateliers."),
    )

    assert_refused(response, "title_fr", "Write this in the record's original language.")
    assert field_errors(response, "title_en") == []
    assert not Event.objects.exists()


def test_the_service_names_the_missing_original_text():
    with pytest.raises(ValidationError) as raised:
        services.record_create(
            model=Initiative,
            organisation=OrganisationFactory(),
            by=None,
            data={"language": "es", "title_en": "Blue carbon", "description_es": "Carbono."},
        )
    assert "title_es" in raised.value.message_dict
