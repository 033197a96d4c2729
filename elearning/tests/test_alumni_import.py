"""Import of past participants of offline activities (CSV/XLSX) through the alumni admin, as
Hana (help desk): the file is checked first and nothing written; confirming imports it; the same
file again adds nothing; a bad row shows its number and message and nothing is imported; rows
link to accounts by email. Also through ``services.alumni.import_participants``."""

import csv
import io

import openpyxl
import pytest
import tablib
from django.urls import reverse
from django.utils import translation

from elearning.models import Alumnus, Participation
from elearning.services.alumni import import_participants

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"  # positions of the formats on the import page
HEADERS = [
    "full_name",
    "email",
    "country",
    "organisation",
    "position",
    "kind",
    "activity",
    "year",
    "held_in",
]
GOOD = [
    [
        "Wanjiru Kamau",
        "wanjiru@example.org",
        "KE",
        "Kenya Wildlife Service",
        "Ecologist",
        "fellowship",
        "Bio-Bridge fellowship",
        "2022",
        "BR",
    ],
    [
        "Wanjiru Kamau",
        "wanjiru@example.org",
        "KE",
        "",
        "",
        "workshop",
        "Mangrove restoration workshop",
        "2023",
        "KE",
    ],
    ["João Silva", "joao@example.org", "br", "", "", "Workshop", "Seagrass workshop", "2021", ""],
]


def _csv(rows, headers=HEADERS, name="alumni.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
    upload.name = name
    return upload


def _xlsx(rows, headers=HEADERS, name="alumni.xlsx"):
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


def _upload(client, make_file, file_format=CSV, language="en"):
    with translation.override(language):
        url = reverse("admin:elearning_alumnus_import")
    return client.post(url, {"format": file_format, "import_file": make_file()})


def _confirm(client, response):
    confirm_form = response.context["confirm_form"]
    return client.post(
        reverse("admin:elearning_alumnus_process_import"),
        {name: confirm_form.initial.get(name, "") for name in confirm_form.fields},
        follow=True,
    )


@pytest.fixture
def hana(client, helpdesk_user, country_a, country_b):
    client.force_login(helpdesk_user)
    return client


def test_a_file_is_checked_then_imported_then_adds_nothing_again(hana):
    form = hana.get(reverse("admin:elearning_alumnus_import")).content.decode()
    assert "course, fellowship, workshop, project or other" in form

    checked = _upload(hana, lambda: _csv(GOOD))

    page = checked.content.decode()
    assert "Confirm import" in page
    assert "Bio-Bridge fellowship" in page  # the preview
    assert not Alumnus.objects.exists()  # a dry run

    _confirm(hana, checked)

    assert Alumnus.objects.count() == 2
    wanjiru = Alumnus.objects.get(email="wanjiru@example.org")
    assert (wanjiru.full_name, wanjiru.country.code, wanjiru.organisation_name) == (
        "Wanjiru Kamau",
        "KE",
        "Kenya Wildlife Service",  # the second row's empty cell left it as it was
    )
    assert wanjiru.in_directory is False
    assert sorted(wanjiru.participations.values_list("kind", "year", "country__code")) == [
        ("fellowship", 2022, "BR"),
        ("workshop", 2023, "KE"),
    ]
    assert all(Participation.objects.values_list("imported", flat=True))
    joao = Alumnus.objects.get(email="joao@example.org")
    assert joao.participations.get().kind == "workshop"  # codes are case-insensitive

    again = _upload(hana, lambda: _csv(GOOD))
    second = _confirm(hana, again)

    assert "0 new, 0 updated, 0 deleted and 3 skipped" in second.content.decode()
    assert Alumnus.objects.count() == 2
    assert Participation.objects.count() == 3


def test_a_new_activity_of_a_known_person_is_added_to_them(hana):
    _confirm(hana, _upload(hana, lambda: _csv(GOOD)))
    row = ["Wanjiru K.", "WANJIRU@example.org", "", "", "", "project", "Pilot project", "2024", ""]

    _confirm(hana, _upload(hana, lambda: _csv([row])))

    wanjiru = Alumnus.objects.get(email="wanjiru@example.org")
    assert wanjiru.full_name == "Wanjiru K."
    assert wanjiru.country.code == "KE"  # empty cell: unchanged
    assert wanjiru.participations.count() == 3
    assert Alumnus.objects.count() == 2


def test_a_file_with_bad_rows_shows_them_and_imports_nothing(hana):
    bad = [
        *GOOD,
        ["", "not-an-address", "ZZ", "", "", "party", "<b>Launch</b>", "1850", "KE"],
    ]

    response = _upload(hana, lambda: _csv(bad))

    page = response.content.decode()
    assert "Some rows failed to validate" in page
    assert "<td>4 </td>" in page  # the fourth row of data
    assert "“ZZ” is not a code of the list of countries." in page
    assert "“party” is not a kind of activity" in page
    assert "Enter a valid email address." in page
    assert "Remove the HTML markup" in page
    assert "Ensure this value is greater than or equal to 1990." in page
    assert "Confirm import" not in page
    assert not Alumnus.objects.exists()
    assert not Participation.objects.exists()


def test_errors_are_in_the_language_of_the_page(hana):
    row = [*GOOD[0]]
    row[HEADERS.index("email")] = "not-an-address"

    response = _upload(hana, lambda: _csv([row]), language="fr")

    page = response.content.decode()
    assert "Saisissez une adresse électronique valide." in page
    assert "Enter a valid email address." not in page
    assert not Alumnus.objects.exists()


def test_rows_are_linked_to_accounts_by_email(hana, learner):
    row = ["Lea Martin", "Lea.Martin@example.org", "KE", "", "", "workshop", "Workshop", "2020", ""]

    _confirm(hana, _upload(hana, lambda: _xlsx([row]), XLSX))

    assert Alumnus.objects.get().user == learner


def test_a_file_without_the_email_column_is_refused(hana):
    headers = [name for name in HEADERS if name != "email"]
    rows = [[value for name, value in zip(HEADERS, GOOD[0], strict=True) if name != "email"]]

    response = _upload(hana, lambda: _csv(rows, headers=headers))

    assert "Confirm import" not in response.content.decode()
    assert not Alumnus.objects.exists()


def test_only_the_help_desk_sees_the_import(client, reviewer_user):
    client.force_login(reviewer_user)
    assert client.get(reverse("admin:elearning_alumnus_import")).status_code == 403


def test_the_service_imports_a_dataset_dry_run_first(helpdesk_user, country_a, country_b):
    dataset = tablib.Dataset(*GOOD, headers=HEADERS)

    checked = import_participants(dataset=dataset, by=helpdesk_user)
    assert not checked.has_errors() and not checked.has_validation_errors()
    assert not Alumnus.objects.exists()

    import_participants(dataset=dataset, by=helpdesk_user, dry_run=False)
    assert Alumnus.objects.count() == 2
    assert Participation.objects.count() == 3
