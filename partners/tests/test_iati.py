"""Initiatives as IATI activity XML: one public initiative, the filtered public list, the
``export_iati`` command; every document valid against the IATI 2.03 schema, and nothing that is
not public."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from chm_portal.core import iati
from chm_portal.vocabularies.models import GBFTarget, OrganisationType
from partners.models import Initiative, Organisation, RecordStatus
from tests.factories import InitiativeFactory, OrganisationFactory, OrganisationTypeFactory

pytestmark = pytest.mark.django_db

LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def initiative(organisation_x, organisation_y, country_a, country_b):
    """Blue carbon coalition, led by Mangrove Alliance (a government body here) with the
    Savanna Research Institute, in Kenya and Brazil, in English and French."""
    organisation_x.organisation_type = OrganisationTypeFactory(code="government", name="Gov")
    organisation_x.save()
    initiative = InitiativeFactory(
        organisation=organisation_x,
        title_en="Blue carbon <script>alert(1)</script> & coalition",
        title_fr="Coalition carbone bleu",
        description_en="Coastal wetlands for the climate.",
        description_fr="Des zones humides côtières pour le climat.",
        results="Four national blue carbon inventories.",
        language="fr",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2027, 2, 28),
        budget=Decimal("1250000"),
        budget_currency="EUR",
        stage="ongoing",
        website="https://blue-carbon.example",
    )
    pending = OrganisationFactory(name="Not yet approved", status=Organisation.Status.PENDING)
    initiative.partner_organisations.set([organisation_y, pending])
    initiative.countries.set([country_a, country_b])
    initiative.targets.set([GBFTarget.objects.get(number=8)])
    return initiative


def get_xml(client, url, **params):
    response = client.get(url, params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def activities(body: bytes) -> list[etree._Element]:
    return etree.fromstring(body).findall("iati-activity")


def test_one_public_initiative_is_a_valid_iati_activity(client, initiative, settings):
    settings.IATI_ORGANISATION_IDENTIFIER = "XM-TEST-1"
    response, body = get_xml(client, reverse("partners:initiative_iati", args=[initiative.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert iati.validate_iati(body) == []
    (activity,) = activities(body)
    assert activity.findtext("iati-identifier") == f"XM-TEST-1-INITIATIVE-{initiative.pk}"
    assert activity.find("reporting-org").get("ref") == "XM-TEST-1"
    assert activity.get(LANG) == "fr"
    titles = {n.get(LANG): n.text for n in activity.findall("title/narrative")}
    assert titles == {
        "en": "Blue carbon <script>alert(1)</script> & coalition",
        "fr": "Coalition carbone bleu",
    }
    assert b"<script>" not in body and b"&lt;script&gt;" in body
    assert activity.find("activity-status").get("code") == "2"
    assert {c.get("code") for c in activity.findall("recipient-country")} == {"KE", "BR"}
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"2": "2024-03-01", "3": "2027-02-28"}
    gbf = activity.find("sector[@vocabulary='99']")
    assert gbf.get("code") == GBFTarget.objects.get(number=8).code
    assert gbf.findall("narrative")
    budgets = activity.findall("budget")
    assert len(budgets) == 3
    assert sum(Decimal(b.findtext("value")) for b in budgets) == Decimal("1250000")
    assert [d.get("type") for d in activity.findall("description")] == ["1", "4"]
    links = [link.get("url") for link in activity.findall("document-link")]
    assert links[0].endswith(reverse("partners:initiative_detail", args=[initiative.pk]))
    assert links[1] == "https://blue-carbon.example"


def test_participants_are_the_lead_and_the_approved_partners(client, initiative):
    _response, body = get_xml(client, reverse("partners:initiative_iati", args=[initiative.pk]))
    (activity,) = activities(body)

    orgs = [
        (org.get("role"), org.get("type"), org.findtext("narrative"))
        for org in activity.findall("participating-org")
    ]
    assert orgs == [
        ("2", "10", "Mangrove Alliance"),
        ("4", "10", "Mangrove Alliance"),
        ("4", None, "Savanna Research Institute"),
    ]
    assert b"Not yet approved" not in body


@pytest.mark.parametrize(
    ("stage", "code"),
    [(Initiative.Stage.PLANNED, "1"), (Initiative.Stage.ONGOING, "2"), ("completed", "4")],
)
def test_the_stage_becomes_the_iati_activity_status(client, initiative, stage, code):
    initiative.stage = stage
    initiative.save()

    _response, body = get_xml(client, reverse("partners:initiative_iati", args=[initiative.pk]))

    (activity,) = activities(body)
    assert activity.find("activity-status").get("code") == code
    assert iati.validate_iati(body) == []


def test_an_initiative_that_is_not_public_has_no_iati_xml(
    client, initiative, member_x, helpdesk_user
):
    initiative.status = RecordStatus.DRAFT
    initiative.save()
    url = reverse("partners:initiative_iati", args=[initiative.pk])

    assert client.get(url).status_code == 404
    client.force_login(member_x)
    assert client.get(url).status_code == 404
    client.force_login(helpdesk_user)
    assert client.get(url).status_code == 404


def test_the_list_has_every_public_initiative_and_only_those(client, initiative, country_a):
    draft = InitiativeFactory(title="Secret draft", status=RecordStatus.DRAFT)
    hidden = InitiativeFactory(
        title="Of a pending organisation",
        organisation=OrganisationFactory(status=Organisation.Status.PENDING),
    )
    other = InitiativeFactory(title="Elsewhere")

    response, body = get_xml(client, reverse("partners:initiatives_export_iati"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert iati.validate_iati(body) == []
    identifiers = {a.findtext("iati-identifier") for a in activities(body)}
    assert {i.rsplit("-", 1)[1] for i in identifiers} == {str(initiative.pk), str(other.pk)}
    assert str(draft.pk) not in {i.rsplit("-", 1)[1] for i in identifiers}
    assert b"Secret draft" not in body and hidden.title.encode() not in body


def test_the_list_follows_the_filters_of_the_list_page(client, initiative, country_a):
    InitiativeFactory(title="Elsewhere")

    _response, body = get_xml(client, reverse("partners:initiatives_export_iati"), country="KE")
    assert [a.findtext("iati-identifier").rsplit("-", 1)[1] for a in activities(body)] == [
        str(initiative.pk)
    ]
    assert iati.validate_iati(body) == []
    # Nothing matches: no document (IATI wants at least one activity).
    response, _body = get_xml(client, reverse("partners:initiatives_export_iati"), stage="planned")
    assert response.status_code == 404
    response, _body = get_xml(client, reverse("partners:initiatives_export_iati"), country="ZZZ")
    assert response.status_code == 400


def test_the_list_is_read_in_a_fixed_number_of_queries(
    client, initiative, django_assert_max_num_queries
):
    for number in range(12):
        extra = InitiativeFactory(title=f"Initiative {number}")
        extra.partner_organisations.set([initiative.organisation])
        extra.countries.set(initiative.countries.all())
    url = reverse("partners:initiatives_export_iati")

    # exists, then the rows and their four prefetches (partners, countries, targets) per chunk,
    # plus sessions/savepoints of the test client: the same for 1 or 13 initiatives.
    with django_assert_max_num_queries(8):
        _response, body = get_xml(client, url)
    assert len(activities(body)) == 13


def test_pages_link_their_iati_xml(client, initiative):
    detail = client.get(reverse("partners:initiative_detail", args=[initiative.pk]))
    listing = client.get(reverse("partners:initiatives_list"), {"country": "KE"})

    assert reverse("partners:initiative_iati", args=[initiative.pk]) in detail.content.decode()
    export = reverse("partners:initiatives_export_iati") + "?country=KE"
    assert export in listing.content.decode()


def test_export_iati_writes_a_valid_file(initiative, tmp_path):
    output = tmp_path / "activities.xml"

    call_command("export_iati", str(output), "--source", "initiatives")

    body = output.read_bytes()
    assert iati.validate_iati(body) == []
    (activity,) = activities(body)
    link = activity.find("document-link").get("url")
    assert link.startswith("http") and f"/en/partners/initiatives/{initiative.pk}/" in link


def test_export_iati_fails_on_an_invalid_document(initiative, tmp_path, monkeypatch):
    def without_status(activity):
        element = real(activity)
        element.remove(element.find("activity-status"))
        return element

    real = iati.activity_element
    monkeypatch.setattr(iati, "activity_element", without_status)

    with pytest.raises(CommandError, match="not valid"):
        call_command("export_iati", str(tmp_path / "bad.xml"), "--source", "initiatives")


def test_export_iati_fails_when_nothing_is_public(tmp_path):
    with pytest.raises(CommandError, match="No public activity"):
        call_command("export_iati", str(tmp_path / "none.xml"), "--source", "initiatives")
    assert not (tmp_path / "none.xml").exists()


def test_organisation_types_map_to_iati_codes_only_when_they_mean_the_same():
    from partners.iati import ORGANISATION_TYPES

    assert set(ORGANISATION_TYPES) <= set(OrganisationType.objects.values_list("code", flat=True))
    assert "ngo" not in ORGANISATION_TYPES
