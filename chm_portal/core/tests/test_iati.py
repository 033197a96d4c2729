"""The IATI activity builder and validator: documents that validate against the vendored
IATI 2.03 schema, documents that do not, and the rules the schema does not check."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from lxml import etree

from chm_portal.core import iati

TODAY = datetime.date(2026, 5, 1)


def activity(**changes) -> iati.Activity:
    fields = {
        "identifier": iati.iati_identifier("INITIATIVE-7"),
        "titles": (
            iati.Narrative("Mangroves <b>& co</b>", "en"),
            iati.Narrative("Mangroves", "fr"),
        ),
        "descriptions": (
            iati.Description(iati.DESCRIPTION_GENERAL, (iati.Narrative("Restore.", "en"),)),
        ),
        "participants": (iati.Participant(iati.ROLE_IMPLEMENTING, (iati.Narrative("MA", "en"),)),),
        "status": iati.STATUS_IMPLEMENTATION,
        "dates": iati.activity_dates(
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2027, 6, 30),
            started=True,
            ended=False,
            recorded_on=datetime.date(2025, 1, 1),
            today=TODAY,
        ),
        "default_language": "zh-hans",
        "countries": (iati.Place("KE"), iati.Place("BR"), iati.Place("TZ")),
        "sectors": (
            iati.Sector(iati.SECTOR_VOCABULARY_DAC, iati.DAC_BIODIVERSITY),
            iati.Sector("99", "GBF-T1", (iati.Narrative("Spatial planning", "en"),), "https://x"),
            iati.Sector("99", "GBF-T2", (iati.Narrative("Restoration", "en"),), "https://x"),
            iati.Sector("99", "GBF-T3", (iati.Narrative("30 by 30", "en"),), "https://x"),
        ),
        "budget": iati.Budget(
            Decimal("100000.00"), "EUR", datetime.date(2025, 1, 1), datetime.date(2027, 6, 30)
        ),
        "links": (iati.Link("https://portal.example/en/partners/initiatives/7/", ()),),
    }
    fields.update(changes)
    if not fields["links"][0].titles:
        fields["links"] = (iati.Link(fields["links"][0].url, fields["titles"]),)
    return iati.Activity(**fields)


def parse(document: bytes) -> etree._Element:
    return etree.fromstring(document)


def test_a_full_activity_is_valid_iati_2_03():
    document = iati.document([activity()])

    assert iati.validate_iati(document) == []
    root = parse(document)
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    assert root.find("iati-activity/iati-identifier").text.endswith("-INITIATIVE-7")


def test_the_validator_rejects_what_the_schema_forbids():
    document = iati.document([activity()])
    # No activity status: a required element.
    broken = document.replace(b'<activity-status code="2"/>', b"")
    errors = iati.validate_iati(broken)
    assert errors and "activity-date" in errors[0]
    # Elements out of the schema's order.
    root = parse(document)
    item = root.find("iati-activity")
    item.insert(0, item.find("activity-status"))
    assert iati.validate_iati(etree.tostring(root)) != []
    # No activity at all, and text that is not XML.
    assert iati.validate_iati(b'<iati-activities version="2.03"/>') != []
    assert iati.validate_iati(b"<iati-activities") != []


def test_markup_like_text_is_escaped_as_text():
    document = iati.document([activity()])

    assert b"Mangroves &lt;b&gt;&amp; co&lt;/b&gt;" in document
    title = parse(document).find("iati-activity/title/narrative")
    assert title.text == "Mangroves <b>& co</b>"


def test_narratives_and_the_default_language_carry_iso_639_1_codes():
    root = parse(iati.document([activity()]))
    item = root.find("iati-activity")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"

    assert item.get(lang) == "zh"
    assert [n.get(lang) for n in item.findall("title/narrative")] == ["en", "fr"]


def test_percentages_of_places_and_of_each_sector_vocabulary_add_up_to_100():
    item = parse(iati.document([activity()])).find("iati-activity")

    countries = [Decimal(c.get("percentage")) for c in item.findall("recipient-country")]
    assert sum(countries) == 100 and len(countries) == 3
    gbf = [Decimal(s.get("percentage")) for s in item.findall("sector[@vocabulary='99']")]
    assert sum(gbf) == 100 and len(gbf) == 3
    assert item.find("sector[@vocabulary='1']").get("code") == "41030"
    assert item.find("sector[@vocabulary='1']").get("percentage") == "100"


def test_one_country_needs_no_percentage():
    item = parse(iati.document([activity(countries=(iati.Place("KE"),))])).find("iati-activity")

    assert item.find("recipient-country").get("percentage") is None


def test_a_budget_over_years_is_spread_over_periods_of_at_most_a_year():
    item = parse(iati.document([activity()])).find("iati-activity")
    budgets = item.findall("budget")

    periods = [
        (
            datetime.date.fromisoformat(b.find("period-start").get("iso-date")),
            datetime.date.fromisoformat(b.find("period-end").get("iso-date")),
        )
        for b in budgets
    ]
    assert periods[0][0] == datetime.date(2025, 1, 1)
    assert periods[-1][1] == datetime.date(2027, 6, 30)
    assert all((end - start).days < 366 for start, end in periods)
    assert sum(Decimal(b.find("value").text) for b in budgets) == Decimal("100000.00")
    assert {b.find("value").get("currency") for b in budgets} == {"EUR"}
    assert {b.get("status") for b in budgets} == {iati.BUDGET_INDICATIVE}


def test_actual_dates_are_never_in_the_future():
    future = iati.activity_dates(
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2027, 1, 1),
        started=True,
        ended=True,
        recorded_on=TODAY,
        today=TODAY,
    )
    past = iati.activity_dates(
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2026, 1, 1),
        started=True,
        ended=True,
        recorded_on=TODAY,
        today=TODAY,
    )

    assert [d.type for d in future] == [iati.DATE_PLANNED_START, iati.DATE_PLANNED_END]
    assert [d.type for d in past] == [iati.DATE_ACTUAL_START, iati.DATE_ACTUAL_END]


def test_without_a_start_date_the_recorded_day_is_the_planned_start_and_says_so():
    dates = iati.activity_dates(
        start=None, end=None, started=True, ended=False, recorded_on=TODAY, today=TODAY
    )

    assert len(dates) == 1
    assert dates[0].type == iati.DATE_PLANNED_START and dates[0].date == TODAY
    assert dates[0].narratives
    assert iati.validate_iati(iati.document([activity(dates=dates, budget=None)])) == []


@override_settings(IATI_ORGANISATION_IDENTIFIER="XM-DAC-00000")
def test_identifiers_take_the_organisation_prefix_and_refuse_forbidden_characters():
    assert iati.iati_identifier("PRJ-2026-00001") == "XM-DAC-00000-PRJ-2026-00001"
    root = parse(iati.document([activity(identifier=iati.iati_identifier("X-1"))]))
    assert root.find("iati-activity/reporting-org").get("ref") == "XM-DAC-00000"
    with pytest.raises(ValueError):
        iati.iati_identifier("A/B")


def test_even_shares_add_up_to_exactly_100():
    for count in range(1, 14):
        shares = iati.even_shares(count)
        assert len(shares) == count and sum(shares) == 100
