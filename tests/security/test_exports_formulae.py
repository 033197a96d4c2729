"""Text that a spreadsheet would run as a formula comes out of every export as plain text.

A title such as ``=HYPERLINK("http://x","y")``, ``+1+1``, ``-2`` or ``@SUM(A1)`` is written in
every free-text column of the records (``tests/security/free_text.py``), and each way the portal
writes a spreadsheet is read back:

- the public databases' CSV downloads (``chm_portal.core.databases``, through
  ``chm_portal.core.exports.stream_csv``);
- the dashboards' downloads: an indicator's values with their labels, and the gap analysis;
- the admin's CSV and XLSX exports (django-import-export), for every admin that offers them.

In CSV, such a cell starts with a single quote (OWASP "CSV injection"); in XLSX it is a text cell,
never a formula cell. Imports take the quote off again (``partners/imports.py``).

django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` stays off: it only drops a
leading ``=`` (not ``+``, ``-``, ``@``, tab or return), cannot be undone on import, and turns
every cell into text (an empty cell becomes ``None``). The portal's tables neutralise the cells
themselves (``_PortalTable.export_field``); the admin test below checks every exporting admin,
so a table that does not would fail it.
"""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse
from import_export.admin import ExportMixin

from chm_portal.core.databases import registered
from chm_portal.core.exports import FORMULA_TRIGGERS, neutralise_formula
from chm_portal.vocabularies.models import GBFTarget
from commitments.tests.factories import PublishedCommitmentFactory
from monitoring.indicators import get_indicator
from monitoring.models import GapCell
from monitoring.tests.factories import IndicatorValueFactory
from tests.factories import (
    CourseFactory,
    EventFactory,
    InitiativeFactory,
    MatchNeedFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    PartnershipAgreementFactory,
    ResourceFactory,
)

from .free_text import free_text_fields, overwrite_free_text

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)"]


def _formula_text(number: int):
    """Every free-text column of a row starts with formula ``number`` (then the row id)."""
    formula = FORMULAS[number % len(FORMULAS)]
    return lambda model, f: (formula, "") if (f.max_length or 999) > len(formula) + 10 else None


def _with_formulas(rows) -> list:
    """``rows`` with a formula in every free-text column (and in their organisations' names)."""
    for number, row in enumerate(rows):
        overwrite_free_text(type(row), _formula_text(number), pks=[row.pk])
        for owner in ("provider", "organisation"):
            organisation = getattr(row, f"{owner}_id", None)
            if organisation is not None:
                overwrite_free_text(
                    type(getattr(row, owner)), _formula_text(number), pks=[organisation]
                )
    return rows


def assert_no_formula_cells(where: str, cells: list[str]) -> None:
    """No cell a spreadsheet would evaluate; every formula shows as quoted text."""
    for cell in cells:
        assert not cell.startswith(FORMULA_TRIGGERS), f"{where}: the cell {cell!r} is a formula"
    text = "\n".join(cells)
    for formula in FORMULAS:
        assert "'" + formula in text, f"{where}: {formula!r} is not in the file"


def csv_cells(response) -> list[str]:
    body = response.getvalue() if response.streaming else response.content
    reader = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    return [cell for row in reader for cell in row]


# --- The public databases ------------------------------------------------------------------------
RECORDS = {
    "organisations": lambda: [OrganisationFactory() for _ in FORMULAS],
    "offers": lambda: [OfferFactory() for _ in FORMULAS],
    "initiatives": lambda: [InitiativeFactory() for _ in FORMULAS],
    "resources": lambda: [ResourceFactory() for _ in FORMULAS],
    "opportunities": lambda: [OpportunityFactory() for _ in FORMULAS],
    "events": lambda: [EventFactory() for _ in FORMULAS],
    "agreements": lambda: [PartnershipAgreementFactory() for _ in FORMULAS],
    "needs": lambda: [MatchNeedFactory() for _ in FORMULAS],
    "courses": lambda: [CourseFactory() for _ in FORMULAS],
    "commitments": lambda: [PublishedCommitmentFactory() for _ in FORMULAS],
}


def test_every_public_database_has_records_here():
    assert {database.key for database in registered()} == set(RECORDS)


@pytest.mark.parametrize("database", registered(), ids=lambda database: database.key)
def test_public_csv_exports_neutralise_formulas(client, database):
    _with_formulas(RECORDS[database.key]())

    response = client.get(reverse(database.url_name("export_csv")))

    assert response.status_code == 200
    assert_no_formula_cells(database.key, csv_cells(response))


# --- The dashboards' downloads --------------------------------------------------------------------
def test_indicator_download_neutralises_formulas_in_labels(client):
    """Indicator 2.1 (partners by type of organisation) labels its rows with the types' names."""
    indicator = get_indicator("2.1")
    assert indicator is not None
    day = datetime.date(2026, 3, 31)
    IndicatorValueFactory(indicator="2.1", date=day, value=4)
    for number, formula in enumerate(FORMULAS):
        kind = OrganisationTypeFactory(code=f"formula-{number}", name=formula)
        IndicatorValueFactory(indicator="2.1", date=day, value=1, dimension="kind", key=kind.code)

    response = client.get(reverse("monitoring:indicator-data", args=["2.1", "csv"]))

    assert response.status_code == 200
    cells = csv_cells(response)
    assert_no_formula_cells("indicator 2.1", cells)


def test_gap_analysis_download_neutralises_formulas_in_target_titles(client):
    day = datetime.date(2026, 6, 30)
    targets = list(GBFTarget.objects.order_by("number")[: len(FORMULAS)])
    for target, formula in zip(targets, FORMULAS, strict=True):
        target.title = formula
        target.save()
        GapCell.objects.create(date=day, target=target.code, measure="needs", value=2)

    response = client.get(reverse("monitoring:gaps"), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert_no_formula_cells("gap analysis", csv_cells(response))


# --- The admin's spreadsheets (django-import-export) ----------------------------------------------
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # positions of the formats on the export page


def _exporting_admins() -> list:
    return sorted(
        (
            model_admin
            for model_admin in admin.site._registry.values()
            if isinstance(model_admin, ExportMixin)
        ),
        key=lambda model_admin: model_admin.model._meta.label,
    )


ADMIN_RECORDS = {
    "partners.Organisation": RECORDS["organisations"],
    "partners.Resource": RECORDS["resources"],
    "partners.Opportunity": RECORDS["opportunities"],
    "partners.Event": RECORDS["events"],
}


def test_every_exporting_admin_has_records_here():
    assert {a.model._meta.label for a in _exporting_admins()} == set(ADMIN_RECORDS)


@pytest.mark.parametrize(
    "model_admin", _exporting_admins(), ids=lambda model_admin: model_admin.model._meta.label
)
def test_admin_csv_and_xlsx_exports_neutralise_formulas(client, helpdesk_user, model_admin):
    model = model_admin.model
    assert free_text_fields(model)
    _with_formulas(ADMIN_RECORDS[model._meta.label]())
    client.force_login(helpdesk_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")

    exported_csv = client.post(url, {"format": CSV_FORMAT})
    exported_xlsx = client.post(url, {"format": XLSX_FORMAT})

    assert exported_csv.status_code == 200, exported_csv.content[:500]
    assert exported_csv["Content-Type"].startswith("text/csv")
    assert_no_formula_cells(f"{model._meta.label} CSV", csv_cells(exported_csv))
    assert exported_xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported_xlsx.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formulas == [], f"{model._meta.label} XLSX has formula cells {formulas}"
    assert_no_formula_cells(
        f"{model._meta.label} XLSX", [str(cell.value) for cell in cells if cell.data_type == "s"]
    )


# --- The helper itself ----------------------------------------------------------------------------
@pytest.mark.parametrize("formula", FORMULAS)
def test_neutralise_formula_quotes_each_trigger(formula):
    assert neutralise_formula(formula) == "'" + formula
