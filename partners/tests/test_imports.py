"""Imports and exports of the partners' databases in CSV and XLSX (django-import-export).

Through the admin as Hana (help desk): the import page checks the file first and creates nothing;
confirming creates the rows; the same file again creates nothing; a file with a bad row shows the
row's number and the message, in the page's language, and imports nothing. Exports follow the
list's filters and hold codes. The tables of ``partners/imports.py`` are also used directly.
"""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
import tablib
from django.urls import reverse
from django.utils import timezone, translation

from partners.imports import EventTable, OpportunityTable, OrganisationTable, ResourceTable
from partners.models import Event, Opportunity, Organisation, RecordStatus, Resource
from tests.factories import (
    CountryFactory,
    EventFactory,
    OrganisationFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"  # positions of the formats on the import and export pages

EVENT_HEADERS = [
    "organisation",
    "language",
    "title_en",
    "title_fr",
    "description_en",
    "event_type",
    "starts_at",
    "ends_at",
    "time_zone",
    "is_online",
    "venue",
    "city",
    "country",
    "registration_url",
    "targets",
    "languages",
]
GOOD_EVENTS = [
    [
        "Mangrove Alliance",
        "en",
        "Mangrove restoration workshop",
        "Atelier sur la restauration des mangroves",
        "Three days on restoring mangroves.",
        "workshop",
        "2031-03-10 09:00",
        "2031-03-12 17:00",
        "Africa/Nairobi",
        "no",
        "Pwani University",
        "Kilifi",
        "KE",
        "https://mangrove-alliance.example/workshop",
        "GBF-T2;GBF-T3",
        "en;fr",
    ],
    [
        "Mangrove Alliance",
        "en",
        "Blue carbon webinar",
        "",
        "An hour on blue carbon.",
        "webinar",
        "2031-04-02 14:00",
        "2031-04-02 15:00",
        "UTC",
        "yes",
        "",
        "",
        "",
        "",
        "",
        "en",
    ],
]


def _csv_file(headers, rows, name="events.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
    upload.name = name
    return upload


def _xlsx_file(headers, rows, name="organisations.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = name
    return upload


def _upload(client, model_name, make_file, file_format, language="en"):
    """The first step of an import: the file is checked, nothing is written."""
    with translation.override(language):
        url = reverse(f"admin:partners_{model_name}_import")
    return client.post(url, {"format": file_format, "import_file": make_file()})


def _confirm(client, model_name, response):
    """The second step: confirm the import the first step checked."""
    confirm_form = response.context["confirm_form"]
    return client.post(
        reverse(f"admin:partners_{model_name}_process_import"),
        {name: confirm_form.initial.get(name, "") for name in confirm_form.fields},
        follow=True,
    )


@pytest.fixture
def hana(client, helpdesk_user, organisation_x, country_a):
    client.force_login(helpdesk_user)
    return client


# --- Through the admin ----------------------------------------------------------------------------
def test_importing_events_from_csv_checks_then_creates_then_creates_nothing_again(hana):
    def events_file():
        return _csv_file(EVENT_HEADERS, GOOD_EVENTS)

    form = hana.get(reverse("admin:partners_event_import")).content.decode()
    assert "regions by M49 code (002)" in form
    assert "the same title in its original language" in form

    checked = _upload(hana, "event", events_file, CSV)

    assert checked.status_code == 200
    page = checked.content.decode()
    assert "Mangrove restoration workshop" in page  # the preview
    assert "Confirm import" in page
    assert not Event.objects.exists()  # a dry run

    imported = _confirm(hana, "event", checked)

    assert "Import finished: 2 new, 0 updated, 0 deleted and 0 skipped events." in (
        imported.content.decode()
    )
    workshop = Event.objects.get(title_en="Mangrove restoration workshop")
    assert workshop.title_fr == "Atelier sur la restauration des mangroves"
    assert workshop.status == RecordStatus.DRAFT
    assert workshop.published_at is None
    assert workshop.created_by.email == "hana.kim@chm-portal.example"
    assert workshop.country.code == "KE"
    # Times without an offset are the event's own (Nairobi, UTC+3).
    assert workshop.starts_at == datetime.datetime(2031, 3, 10, 6, 0, tzinfo=datetime.UTC)
    assert sorted(workshop.targets.values_list("code", flat=True)) == ["GBF-T2", "GBF-T3"]
    assert sorted(workshop.languages.values_list("code", flat=True)) == ["en", "fr"]
    assert Event.objects.get(title_en="Blue carbon webinar").is_online

    again = _upload(hana, "event", events_file, CSV)
    assert again.content.decode().count("Skipped") >= 2
    second = _confirm(hana, "event", again)

    assert "Import finished: 0 new, 0 updated, 0 deleted and 2 skipped events." in (
        second.content.decode()
    )
    assert Event.objects.count() == 2


def test_importing_organisations_from_xlsx(hana, country_b):
    headers = [
        "name_en",
        "name_fr",
        "acronym",
        "organisation_type",
        "country",
        "regions_of_operation",
        "website",
        "description_en",
        "targets",
        "status",
    ]
    rows = [
        [
            "Coral Reef Watch",
            "Veille des récifs coralliens",
            "CRW",
            "ngo",
            "BR",
            2,
            "https://coral-reef-watch.example",
            "Monitoring reefs.",
            "GBF-T1",
            "approved",
        ],
        ["Savanna Seed Bank", None, None, "ngo", "KE", "002;019", None, None, None, None],
    ]

    checked = _upload(hana, "organisation", lambda: _xlsx_file(headers, rows), XLSX)

    assert "Confirm import" in checked.content.decode()
    assert not Organisation.objects.filter(name_en="Coral Reef Watch").exists()

    _confirm(hana, "organisation", checked)

    coral = Organisation.objects.get(name_en="Coral Reef Watch")
    assert coral.name_fr == "Veille des récifs coralliens"
    assert (coral.country.code, coral.organisation_type.code) == ("BR", "ngo")
    # A spreadsheet turns the M49 code 002 into the number 2.
    assert list(coral.regions_of_operation.values_list("code", flat=True)) == ["002"]
    assert coral.status == Organisation.Status.APPROVED  # approved by Hana, through the service
    seed_bank = Organisation.objects.get(name_en="Savanna Seed Bank")
    assert seed_bank.status == Organisation.Status.PENDING
    assert sorted(seed_bank.regions_of_operation.values_list("code", flat=True)) == [
        "002",
        "019",
    ]

    again = _upload(hana, "organisation", lambda: _xlsx_file(headers, rows), XLSX)
    second = _confirm(hana, "organisation", again)

    assert "0 new, 0 updated, 0 deleted and 2 skipped" in second.content.decode()

    imported = Organisation.objects.filter(name_en__in=["Coral Reef Watch", "Savanna Seed Bank"])
    assert imported.count() == 2


def test_a_file_with_bad_rows_shows_them_and_imports_nothing(hana):
    bad = [
        *GOOD_EVENTS,
        [
            "Mangrove Alliance",
            "en",
            "Seagrass field day",
            "",
            "A day on seagrass.",
            "workshop",
            "2031-05-10 09:00",
            "2031-05-09 17:00",  # ends before it starts
            "Africa/Nairobi",
            "no",
            "",
            "",
            "ZZ",  # no such country
            "",
            "",
            "",
        ],
    ]

    response = _upload(hana, "event", lambda: _csv_file(EVENT_HEADERS, bad), CSV)

    page = response.content.decode()
    assert "Some rows failed to validate" in page
    assert "<td>3 </td>" in page  # the third row of data
    assert "The event ends before it starts." in page
    assert "“ZZ” is not a code of the list of countries." in page
    assert "Confirm import" not in page
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert not Event.objects.exists()


def test_row_errors_are_in_the_language_of_the_page(hana):
    row = [*GOOD_EVENTS[0]]
    row[EVENT_HEADERS.index("registration_url")] = "not a link"

    response = _upload(hana, "event", lambda: _csv_file(EVENT_HEADERS, [row]), CSV, language="fr")

    page = response.content.decode()
    assert "Certaines lignes ont échoué à la validation" in page
    assert "Saisissez une URL valide." in page
    assert not Event.objects.exists()


def test_an_unreadable_file_is_an_error_of_the_form_not_a_crash(hana):
    garbage = io.BytesIO(b"\x00\x01 not a spreadsheet")
    garbage.name = "events.xlsx"

    response = hana.post(
        reverse("admin:partners_event_import"), {"format": XLSX, "import_file": garbage}
    )

    assert response.status_code == 200
    assert "Ensure you have chosen the correct format for the file." in response.content.decode()


def test_export_of_a_filtered_list_gives_codes(hana, organisation_x):
    published = ResourceFactory(
        organisation=organisation_x, title="Mangrove field guide", language="en"
    )
    published.targets.set(_targets("GBF-T2", "GBF-T1"))
    ResourceFactory(organisation=organisation_x, title="Draft guide", status=RecordStatus.DRAFT)

    export_url = reverse("admin:partners_resource_export") + "?status__exact=published"
    assert hana.get(export_url).status_code == 200

    response = hana.post(export_url, {"format": CSV})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["title_en"] for row in rows] == ["Mangrove field guide"]
    assert rows[0]["organisation"] == "Mangrove Alliance"
    assert rows[0]["resource_type"] == "toolkit"
    assert rows[0]["targets"] == "GBF-T1;GBF-T2"
    assert rows[0]["status"] == "published"


def test_exported_file_imports_again_without_changes(hana, organisation_x):
    EventFactory(organisation=organisation_x, title="Mangrove restoration workshop")
    exported = hana.post(reverse("admin:partners_event_export"), {"format": XLSX})
    assert exported.status_code == 200

    def exported_file():
        upload = io.BytesIO(exported.content)
        upload.name = "events.xlsx"
        return upload

    checked = _upload(hana, "event", exported_file, XLSX)
    done = _confirm(hana, "event", checked)

    assert "0 new, 0 updated, 0 deleted and 1 skipped" in done.content.decode()
    assert Event.objects.count() == 1


def test_only_those_who_may_add_records_import_them(client, reviewer_user, member_x):
    client.force_login(reviewer_user)  # content reviewers change resources but do not add them

    assert client.get(reverse("admin:partners_resource_import")).status_code == 403
    assert client.get(reverse("admin:partners_organisation_import")).status_code == 403
    assert client.get(reverse("admin:partners_resource_changelist")).status_code == 200

    client.force_login(member_x)  # not staff
    response = client.get(reverse("admin:partners_event_import"))
    assert response.status_code == 302


# --- The tables, directly -------------------------------------------------------------------------
def _targets(*codes):
    from chm_portal.vocabularies.models import GBFTarget

    return list(GBFTarget.objects.filter(code__in=codes))


def _events_dataset(rows=GOOD_EVENTS, headers=EVENT_HEADERS):
    return tablib.Dataset(*rows, headers=headers)


def test_dry_run_creates_nothing(organisation_x, country_a):
    result = EventTable().import_data(_events_dataset(), dry_run=True)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    assert not Event.objects.exists()


def test_rows_are_checked_by_the_model_and_the_codes(organisation_x, country_a):
    bad = [*GOOD_EVENTS[0]]
    bad[EVENT_HEADERS.index("registration_url")] = "javascript:alert(1)"
    bad[EVENT_HEADERS.index("targets")] = "GBF-T2;GBF-T99"
    bad[EVENT_HEADERS.index("event_type")] = "picnic"
    bad[EVENT_HEADERS.index("starts_at")] = "next Tuesday"

    result = EventTable().import_data(_events_dataset([GOOD_EVENTS[1], bad]), dry_run=False)

    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert invalid.error_dict == {
        "registration_url": ["Enter a valid URL."],
        "targets": ["Not codes of the list of GBF targets: GBF-T99."],
        "event_type": ["“picnic” is not a code of the list of event types."],
        "starts_at": ["“next Tuesday” is not a date and time: write it as 2026-05-31 17:00."],
    }
    assert not Event.objects.exists()  # the good row is not imported either


def test_rows_are_identified_by_id_then_by_organisation_and_original_title(organisation_x):
    event = EventFactory(organisation=organisation_x, title="Old title", status=RecordStatus.DRAFT)
    same_title = EventFactory(organisation=organisation_x, title="Blue carbon webinar")
    dataset = _events_dataset()
    dataset.insert_col(0, [str(event.pk), ""], header="id")

    result = EventTable().import_data(dataset)

    assert result.totals["update"] == 2 and result.totals["new"] == 0
    event.refresh_from_db()
    assert event.title_en == "Mangrove restoration workshop"
    same_title.refresh_from_db()
    assert same_title.is_online and same_title.time_zone == "UTC"
    assert Event.objects.count() == 2


def test_an_unknown_id_is_a_row_error(organisation_x, country_a):
    dataset = _events_dataset(GOOD_EVENTS[:1])
    dataset.insert_col(0, ["987654"], header="id")

    result = EventTable().import_data(dataset, dry_run=True)

    assert result.invalid_rows[0].error_dict == {"__all__": ["No event has the id “987654”."]}


def test_a_record_in_french_is_identified_by_its_french_title(organisation_x):
    headers = ["organisation", "language", "title_fr", "description_fr", "resource_type", "url"]
    row = [
        "Mangrove Alliance",
        "fr",
        "Guide des mangroves",
        "Un guide.",
        "toolkit",
        "https://mangrove-alliance.example/guide.pdf",
    ]

    ResourceTable().import_data(tablib.Dataset(row, headers=headers))
    result = ResourceTable().import_data(tablib.Dataset(row, headers=headers))

    assert result.totals["skip"] == 1
    resource = Resource.objects.get()
    assert (resource.language, resource.title_fr, resource.title_en) == (
        "fr",
        "Guide des mangroves",
        None,
    )


def test_the_title_in_the_original_language_is_required(organisation_x):
    headers = ["organisation", "language", "title_en", "description_en", "resource_type", "url"]
    row = [
        "Mangrove Alliance",
        "fr",
        "Mangrove guide",
        "A guide.",
        "toolkit",
        "https://mangrove-alliance.example/guide.pdf",
    ]

    result = ResourceTable().import_data(tablib.Dataset(row, headers=headers))

    assert result.invalid_rows[0].error_dict["title_fr"] == [
        "Write this in the record's original language."
    ]
    assert not Resource.objects.exists()


def test_a_status_column_publishes_through_the_service(organisation_x):
    headers = [
        "organisation",
        "title_en",
        "description_en",
        "opportunity_type",
        "deadline",
        "link",
        "status",
    ]
    in_a_month = (timezone.now() + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    rows = [
        [
            "Mangrove Alliance",
            "Mangrove fellowship",
            "A year in the field.",
            "fellowship",
            in_a_month,
            "https://mangrove-alliance.example/fellowship",
            "published",
        ],
        [
            "Mangrove Alliance",
            "Past call",
            "Too late.",
            "fellowship",
            "2020-01-31 17:00",
            "https://mangrove-alliance.example/call",
            "published",
        ],
    ]

    result = OpportunityTable().import_data(tablib.Dataset(*rows, headers=headers))

    assert result.invalid_rows[0].number == 2
    assert result.invalid_rows[0].error_dict == {
        "deadline": ["The deadline has passed: set a later one."]
    }
    assert not Opportunity.objects.exists()

    OpportunityTable().import_data(tablib.Dataset(rows[0], headers=headers))

    fellowship = Opportunity.objects.get()
    assert fellowship.status == RecordStatus.PUBLISHED
    assert fellowship.published_at is not None


def test_organisations_are_identified_by_name_and_headquarters_country(country_a, country_b):
    OrganisationFactory(name="Mangrove Alliance", country=country_a)
    headers = ["name_en", "organisation_type", "country", "acronym"]
    rows = [
        ["mangrove alliance", "ngo", "KE", "MA"],  # the same one
        ["Mangrove Alliance", "ngo", "BR", "MAB"],  # another, in Brazil
    ]

    result = OrganisationTable().import_data(tablib.Dataset(*rows, headers=headers))

    assert (result.totals["update"], result.totals["new"]) == (1, 1)
    assert Organisation.objects.get(country=country_a).acronym == "MA"
    brazil = Organisation.objects.get(country=country_b)
    assert (brazil.acronym, brazil.status) == ("MAB", Organisation.Status.PENDING)


def test_approving_an_organisation_by_import_needs_the_help_desk(country_a):
    headers = ["name_en", "organisation_type", "country", "status"]

    result = OrganisationTable().import_data(
        tablib.Dataset(["Reef Keepers", "ngo", "KE", "approved"], headers=headers)
    )

    assert result.invalid_rows[0].error_dict == {
        "status": ["Only the help desk approves or rejects organisations."]
    }
    assert not Organisation.objects.filter(name_en="Reef Keepers").exists()


def test_exports_escape_formulas_and_import_them_back(organisation_x):
    resource = ResourceFactory(organisation=organisation_x, title='=HYPERLINK("http://x")')

    dataset = ResourceTable().export(Resource.objects.all())

    assert dataset.dict[0]["title_en"] == '\'=HYPERLINK("http://x")'
    result = ResourceTable().import_data(tablib.Dataset().load(dataset.csv, format="csv"))
    assert result.totals["skip"] == 1
    resource.refresh_from_db()
    assert resource.title_en == '=HYPERLINK("http://x")'


def test_event_times_are_exported_in_the_event_time_zone(organisation_x):
    nairobi = zoneinfo.ZoneInfo("Africa/Nairobi")
    EventFactory(
        organisation=organisation_x,
        starts_at=datetime.datetime(2031, 3, 10, 9, 0, tzinfo=nairobi),
        ends_at=datetime.datetime(2031, 3, 10, 17, 0, tzinfo=nairobi),
        time_zone="Africa/Nairobi",
    )

    row = EventTable().export(Event.objects.all()).dict[0]

    assert (row["starts_at"], row["ends_at"]) == (
        "2031-03-10 09:00:00+03:00",
        "2031-03-10 17:00:00+03:00",
    )


def test_export_reads_a_constant_number_of_queries(organisation_x, django_assert_num_queries):
    for _ in range(6):
        ResourceFactory(organisation=organisation_x).targets.set(_targets("GBF-T1"))

    # the count for the pages of rows; resources with their organisation and type; then their
    # languages, targets and thematic areas
    with django_assert_num_queries(5):
        assert len(ResourceTable().export(Resource.objects.all())) == 6


def test_unknown_country_codes_of_operation_are_reported(country_a):
    headers = ["name_en", "organisation_type", "country", "countries_of_operation"]
    CountryFactory(code="TZ", name="Tanzania")

    result = OrganisationTable().import_data(
        tablib.Dataset(["Reef Keepers", "ngo", "KE", "TZ; XX ;QQ"], headers=headers),
        dry_run=True,
    )

    assert result.invalid_rows[0].error_dict == {
        "countries_of_operation": ["Not codes of the list of countries: XX, QQ."]
    }
