"""The indicators of needs and partners (activities 1, 2, 4, 6, 7, 11, 12, 14 and the portal's
request workflow), computed on a small world built by hand.

The world has six countries from the reference data, chosen for their regions and groups:

    KE Kenya      002 Africa    Party
    NP Nepal      142 Asia      Party, LDC and LLDC
    FJ Fiji       009 Oceania   Party, SIDS
    BR Brazil     019 Americas  Party
    US USA        019 Americas  not a Party
    UA Ukraine    150 Europe    Party, EIT

Each test works out the expected values in comments, on ``AS_OF`` (31 December 2025) and on
``EARLIER`` (31 December 2024), and records dated after ``AS_OF`` (January 2026) or not public
must never count. Times are UTC, the portal's time zone.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chm_portal.vocabularies.models import (
    Country,
    EventType,
    GBFTarget,
    ResourceType,
    ThematicArea,
)
from monitoring.indicators.base import Indicator
from monitoring.indicators.needs_and_partners import INDICATORS
from needs.models import Assessment, AssessmentEntry, NeedMessage
from partners.models import (
    OpportunityApplication,
    Organisation,
    PartnershipAgreement,
    RecordStatus,
    ResourceDownload,
)
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    MatchNeedFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    PartnershipAgreementFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 12, 31)
EARLIER = datetime.date(2024, 12, 31)
BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}
H1_CODES = [
    "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "4.1", "4.2", "6.1", "7.2", "11.1", "12.1",
    "14.1", "P.2", "P.3",
]  # fmt: skip


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def compute(code: str, as_of: datetime.date = AS_OF):
    return BY_CODE[code].compute(as_of)


def by(result, dimension: str) -> dict[str, float]:
    return dict(result.breakdowns[dimension])


# --- The world ----------------------------------------------------------------------------------
def build_world(copy: int = 0) -> dict:
    """Every record the tests count (returns the requests by their name, N1 to N10); ``copy`` > 0
    builds the same world again (other assessment cycles, other people) for the query counts."""
    country = {
        code: Country.objects.get(code=code) for code in ("KE", "NP", "FJ", "BR", "US", "UA")
    }
    target = {n: GBFTarget.objects.get(code=f"GBF-T{n}") for n in (1, 2, 3)}
    forests = ThematicArea.objects.get(code="forests")
    monitoring_data = ThematicArea.objects.get(code="monitoring_data")

    # Requests for assistance: submitted and published at noon, so delays are whole days.
    def need(code, status, submitted=None, published=None, *, helped=False, targets=(), areas=()):
        made = MatchNeedFactory(
            country=country[code],
            status=status,
            submitted_at=submitted,
            published_at=published,
            expressed_with_helpdesk=helped,
        )
        made.targets.set([target[n] for n in targets])
        made.thematic_areas.set(areas)
        return made

    needs = {
        "N1": need(
            "KE", "published", at(2024, 3, 1), at(2024, 3, 11), targets=(1, 2), areas=[forests]
        ),
        "N2": need("KE", "fulfilled", at(2025, 2, 1), at(2025, 2, 5), helped=True, targets=(1,)),
        "N3": need(
            "NP", "matched", at(2025, 5, 1), at(2025, 5, 21), helped=True, targets=(3,),
            areas=[monitoring_data],
        ),
        "N4": need("FJ", "in_triage", at(2025, 6, 1), helped=True),
        "N5": need("US", "published", at(2025, 7, 1), at(2025, 7, 3)),
        "N6": need("BR", "draft", helped=True),
        "N7": need("UA", "withdrawn", at(2025, 3, 1), at(2025, 3, 7)),
        "N8": need("BR", "published", at(2025, 12, 20), at(2026, 1, 2)),
        "N9": need("NP", "submitted", at(2026, 1, 5), helped=True),
        "N10": need("BR", "rejected", at(2024, 11, 1)),
    }  # fmt: skip
    for key, from_helpdesk, sent in (
        ("N10", True, at(2024, 11, 5)),  # Brazil: the help desk wrote (a rejected request)
        ("N5", True, at(2025, 7, 2)),  # the United States is not a Party
        ("N1", False, at(2024, 3, 2)),  # the requester wrote; the help desk did not
        ("N9", True, at(2026, 1, 6)),  # after AS_OF
        ("N6", True, at(2026, 1, 10)),  # after AS_OF
    ):
        NeedMessage.objects.create(
            need=needs[key], from_helpdesk=from_helpdesk, body="About your request", created_at=sent
        )

    # Assessments in the common format.
    def assessment(code, cycle, submitted, entries, status=Assessment.Status.SUBMITTED):
        made = Assessment.objects.create(
            country=country[code], cycle=cycle + 20 * copy, status=status, submitted_at=submitted
        )
        for n, area in entries:
            AssessmentEntry.objects.create(assessment=made, target=target[n], thematic_area=area)
        return made

    assessment("KE", 2024, at(2024, 6, 1), [(1, None), (2, None)])
    assessment("KE", 2025, at(2025, 6, 1), [(1, forests)])
    assessment("NP", 2025, at(2025, 9, 1), [(3, None)])
    assessment("FJ", 2025, None, [(1, None)], status=Assessment.Status.DRAFT)
    assessment("US", 2025, at(2025, 4, 1), [(1, None)])  # not a Party
    assessment("UA", 2025, at(2026, 1, 2), [(1, None)])  # after AS_OF

    # Organisations.
    def organisation(type_code, code, created, status=Organisation.Status.APPROVED):
        return OrganisationFactory(
            organisation_type=OrganisationTypeFactory(code=type_code),
            country=country[code] if code else None,
            status=status,
            created_at=created,
        )

    o1 = organisation("ngo", "KE", at(2024, 2, 1))
    o1.targets.set([target[1]])
    o2 = organisation("academia", "NP", at(2024, 8, 1))
    o3 = organisation("ngo", "FJ", at(2025, 12, 31, 23, 30))  # the last half hour of AS_OF
    o4 = organisation("government", None, at(2025, 5, 1))
    o5 = organisation("ngo", "BR", at(2024, 5, 1), Organisation.Status.PENDING)
    organisation("academia", "US", at(2026, 1, 1, 0, 30))  # after AS_OF
    organisation("ngo", "UA", at(2025, 1, 1), Organisation.Status.REJECTED)

    # Offers.
    r1 = OfferFactory(provider=o1, published_at=at(2024, 4, 1))
    r1.targets.set([target[1], target[2]])
    OfferFactory(provider=o2, status=RecordStatus.PAUSED, published_at=at(2025, 4, 1))
    OfferFactory(provider=o1, status=RecordStatus.DRAFT, published_at=None)
    OfferFactory(provider=o5, published_at=at(2025, 1, 1))  # pending organisation
    OfferFactory(provider=o3, published_at=at(2026, 1, 3))  # after AS_OF
    InitiativeFactory(organisation=o4, published_at=at(2025, 10, 1))

    # Resources: training and teaching materials and a toolkit.
    teaching = ResourceType.objects.get(code="training_material")
    toolkit = ResourceType.objects.get(code="toolkit")
    r6 = ResourceFactory(organisation=o2, resource_type=teaching, published_at=at(2025, 5, 1))
    r6.targets.set([target[3]])
    r7 = ResourceFactory(organisation=o1, resource_type=toolkit, published_at=at(2024, 6, 1))
    ResourceFactory(
        organisation=o4,
        resource_type=teaching,
        status=RecordStatus.CLOSED,
        published_at=at(2025, 8, 1),
    )
    ResourceFactory(
        organisation=o2, resource_type=teaching, status=RecordStatus.DRAFT, published_at=None
    )
    ResourceFactory(organisation=o1, resource_type=teaching, published_at=at(2026, 1, 2))

    # Downloads of the resources.
    for resource, where, when in (
        (r6, "KE", at(2024, 7, 1)),
        (r6, "KE", at(2025, 2, 1)),
        (r6, "US", at(2025, 3, 1)),
        (r7, None, at(2025, 4, 1)),
        (r7, "NP", at(2025, 5, 1)),
        (r6, "FJ", at(2026, 1, 2)),  # after AS_OF
    ):
        ResourceDownload.objects.create(
            resource=resource, country=country[where] if where else None, downloaded_at=when
        )

    # Events.
    roundtable = EventType.objects.get(code="matchmaking_roundtable")
    workshop = EventType.objects.get(code="workshop")

    def event(owner, kind, where, starts, ends, published):
        return EventFactory(
            organisation=owner,
            event_type=kind,
            country=country[where] if where else None,
            is_online=where is None,
            starts_at=starts,
            ends_at=ends,
            published_at=published,
        )

    event(o1, roundtable, "KE", at(2025, 3, 10, 9), at(2025, 3, 10, 17), at(2025, 1, 10))  # E1
    event(o2, roundtable, None, at(2024, 10, 1, 9), at(2024, 10, 1, 11), at(2024, 9, 1))  # E2
    event(o1, workshop, "KE", at(2025, 6, 1, 9), at(2025, 6, 1, 17), at(2025, 5, 1))  # E3
    # E4 ends two hours into 2026: not yet held at the end of AS_OF.
    event(o1, roundtable, "FJ", at(2025, 12, 31, 20), at(2026, 1, 1, 2), at(2025, 11, 1))
    event(o5, roundtable, "KE", at(2025, 4, 1, 9), at(2025, 4, 1, 17), at(2025, 3, 1))  # E5

    # Agreements.
    kinds = PartnershipAgreement.Kind

    def agreement(owner, kind, signed, ends=None, status=RecordStatus.PUBLISHED):
        return PartnershipAgreementFactory(
            organisation=owner,
            kind=kind,
            signed_on=signed,
            ends_on=ends,
            status=status,
            published_at=at(signed.year, signed.month, signed.day) + datetime.timedelta(days=1),
        )

    d = datetime.date
    agreement(o1, kinds.SUPPORT_NETWORK, d(2024, 5, 1))  # G1
    agreement(o2, kinds.SUPPORT_NETWORK, d(2025, 7, 1), d(2025, 12, 1), RecordStatus.CLOSED)  # G2
    agreement(o4, kinds.SUPPORT_NETWORK, d(2026, 1, 2))  # G3, after AS_OF
    agreement(o1, kinds.EDUCATION_INSTITUTION, d(2024, 1, 15), d(2025, 6, 30))  # G4
    agreement(o2, kinds.EDUCATION_INSTITUTION, d(2025, 9, 1))  # G5
    # G6: closed without an end date: ended at an unknown date, never in force.
    agreement(o1, kinds.EDUCATION_INSTITUTION, d(2023, 1, 1), None, RecordStatus.CLOSED)
    agreement(o2, kinds.MOU, d(2025, 1, 1))  # G7

    # Opportunities: the portal's programme (P1) and a partner's fellowship (P2).
    programme = OpportunityFactory(
        organisation=o1,
        is_portal_programme=True,
        applications_on_portal=True,
        published_at=at(2024, 8, 1),
        deadline=at(2024, 9, 1),
    )
    programme.targets.set([target[2]])
    other = OpportunityFactory(
        organisation=o1, published_at=at(2025, 2, 1), deadline=at(2025, 3, 1)
    )
    accepted, rejected = (
        OpportunityApplication.Status.ACCEPTED,
        OpportunityApplication.Status.REJECTED,
    )
    for opportunity, where, status, reviewed in (
        (programme, "NP", accepted, at(2024, 9, 15)),  # A1
        (programme, "BR", accepted, at(2025, 2, 1)),  # A2
        (programme, "KE", rejected, at(2025, 2, 1)),
        (programme, "FJ", OpportunityApplication.Status.SUBMITTED, None),
        (programme, "UA", accepted, at(2026, 1, 3)),  # after AS_OF
        (other, "NP", accepted, at(2025, 3, 15)),  # not the portal's programme
    ):
        OpportunityApplication.objects.create(
            opportunity=opportunity,
            applicant=UserFactory(),
            country=country[where],
            motivation="I monitor wetlands.",
            status=status,
            reviewed_at=reviewed,
        )
    return needs


@pytest.fixture
def world():
    return build_world()


# --- Activity 1 ---------------------------------------------------------------------------------
def test_1_1_parties_using_the_common_assessment_format(world):
    result = compute("1.1")
    # Submitted by AS_OF by a Party: Kenya (2024 and 2025) and Nepal (2025). Not Fiji (draft),
    # the United States (not a Party), Ukraine (submitted in 2026). Distinct Parties: 2.
    assert result.total == 2
    assert by(result, "region") == {"002": 1, "142": 1}
    assert by(result, "country") == {"KE": 1, "NP": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1}  # Nepal
    # Parties per year of submission: 2024 Kenya; 2025 Kenya and Nepal (1 + 2 = 3 > 2: a
    # Party assessing in two years counts in both, so year is not additive).
    assert by(result, "year") == {"2024": 1, "2025": 2}
    # T1 and T2: Kenya's entries; T3: Nepal's. Only Kenya's 2025 entry names a thematic area.
    assert by(result, "target") == {"GBF-T1": 1, "GBF-T2": 1, "GBF-T3": 1}
    assert by(result, "thematic_area") == {"forests": 1, "unknown": 2}
    # At the end of 2024: Kenya only.
    assert compute("1.1", EARLIER).total == 1


def test_1_2_parties_submitting_requests(world):
    result = compute("1.2")
    # Submitted by AS_OF: N1, N2 Kenya; N3 Nepal; N4 Fiji; N5 USA (not a Party); N7 Ukraine;
    # N8, N10 Brazil. Not N6 (a draft) nor N9 (2026). Parties: KE, NP, FJ, UA, BR = 5.
    assert result.total == 5
    assert by(result, "region") == {"002": 1, "142": 1, "009": 1, "150": 1, "019": 1}
    assert by(result, "country") == {"KE": 1, "NP": 1, "FJ": 1, "UA": 1, "BR": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1, "SIDS": 1, "EIT": 1}
    # 2024: Kenya (N1), Brazil (N10); 2025: Kenya, Nepal, Fiji, Ukraine, Brazil (N8).
    assert by(result, "year") == {"2024": 2, "2025": 5}
    # T1: Kenya (N1, N2); T2: Kenya (N1); T3: Nepal; Fiji, Ukraine and Brazil named none.
    assert by(result, "target") == {"GBF-T1": 1, "GBF-T2": 1, "GBF-T3": 1, "unknown": 3}
    # At the end of 2024: Kenya (N1) and Brazil (N10).
    assert compute("1.2", EARLIER).total == 2


def test_1_3_needs_in_the_database(world):
    result = compute("1.3")
    # Published by AS_OF: N1, N2 (Kenya), N3 (Nepal), N5 (USA), N7 (Ukraine, withdrawn since)
    # = 5; not N8, published on 2 January 2026.
    assert result.total == 5
    assert by(result, "region") == {"002": 2, "142": 1, "019": 1, "150": 1}
    assert by(result, "country") == {"KE": 2, "NP": 1, "US": 1, "UA": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1, "EIT": 1}
    assert by(result, "year") == {"2024": 1, "2025": 4}  # N1; N2, N3, N5, N7
    # Today's statuses: N1 and N5 published, N2 fulfilled, N3 matched, N7 withdrawn.
    assert by(result, "status") == {"published": 2, "fulfilled": 1, "matched": 1, "withdrawn": 1}
    # T1: N1, N2; T2: N1; T3: N3; no target: N5, N7.
    assert by(result, "target") == {"GBF-T1": 2, "GBF-T2": 1, "GBF-T3": 1, "unknown": 2}
    assert by(result, "thematic_area") == {"forests": 1, "monitoring_data": 1, "unknown": 3}
    earlier = compute("1.3", EARLIER)
    assert earlier.total == 1  # N1
    assert by(earlier, "status") == {"published": 1}


# --- Activity 2 ---------------------------------------------------------------------------------
def test_2_1_partners_registered(world):
    indicator = BY_CODE["2.1"]
    assert indicator.target == 50
    assert "50" in str(indicator.target_note)
    result = compute("2.1")
    # Approved and registered by AS_OF: o1 (KE ngo, 2024), o2 (NP academia, 2024), o3 (FJ ngo,
    # 23:30 on 31 December 2025), o4 (no country, government, 2025) = 4. Not the pending o5,
    # the rejected Ukrainian NGO, nor the US academia registered at 00:30 on 1 January 2026.
    assert result.total == 4
    assert by(result, "kind") == {"ngo": 2, "academia": 1, "government": 1}
    assert by(result, "region") == {"002": 1, "142": 1, "009": 1, "unknown": 1}
    assert by(result, "country") == {"KE": 1, "NP": 1, "FJ": 1, "unknown": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1, "SIDS": 1}
    assert by(result, "year") == {"2024": 2, "2025": 2}
    assert by(result, "target") == {"GBF-T1": 1, "unknown": 3}  # o1's expertise
    earlier = compute("2.1", EARLIER)
    assert earlier.total == 2  # o1, o2
    assert by(earlier, "kind") == {"ngo": 1, "academia": 1}


def test_2_2_partners_with_records(world):
    result = compute("2.2")
    # With a public record first published by AS_OF: o1 (offer R1, 2024), o2 (paused offer,
    # event E2...), o4 (closed resource, initiative). Not o3 (its only offer is of 2026), not
    # the pending o5 (offer and event), nor the US academia (no record).
    assert result.total == 3
    assert by(result, "kind") == {"ngo": 1, "academia": 1, "government": 1}
    assert by(result, "region") == {"002": 1, "142": 1, "unknown": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1}
    # At the end of 2024: o1 (R1 in April) and o2 (the online roundtable E2, published in
    # September 2024); o4's records are of 2025.
    earlier = compute("2.2", EARLIER)
    assert earlier.total == 2
    assert by(earlier, "region") == {"002": 1, "142": 1}


def test_2_3_records_of_the_databases(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):  # one UNION query per breakdown, the total added up
        result = compute("2.3")
    # organisations o1-o4: 4; offers R1, R2 (paused): 2; initiative I1: 1; resources R6, R7,
    # R8 (closed): 3; opportunities P1, P2: 2; events E1-E4 (E5's organiser is pending): 4;
    # agreements G1, G2, G4, G5, G6, G7 (G3 is of 2026): 6. 4+2+1+3+2+4+6 = 22.
    assert result.total == 22
    assert by(result, "kind") == {
        "organisations": 4,
        "offers": 2,
        "initiatives": 1,
        "resources": 3,
        "opportunities": 2,
        "events": 4,
        "agreements": 6,
    }
    # Owner's headquarters. Kenya (o1): o1, R1, R7, P1, P2, E1, E3, E4, G1, G4, G6 = 11;
    # Nepal (o2): o2, R2, R6, E2, G2, G5, G7 = 7; Fiji: o3 = 1; no country (o4): o4, I1, R8 = 3.
    assert by(result, "region") == {"002": 11, "142": 7, "009": 1, "unknown": 3}
    assert by(result, "country") == {"KE": 11, "NP": 7, "FJ": 1, "unknown": 3}
    assert by(result, "country_group") == {"LDC": 7, "SIDS": 1, "LLDC": 7}
    # 2023: G6. 2024: o1, o2, R1, R7, P1, E2, G1, G4 = 8. 2025: o3, o4, R2, I1, R6, R8, P2,
    # E1, E3, E4, G2, G5, G7 = 13. 1 + 8 + 13 = 22.
    assert by(result, "year") == {"2023": 1, "2024": 8, "2025": 13}
    # T1: o1, R1; T2: R1, P1; T3: R6; the other 18 name none (agreements have no targets).
    assert by(result, "target") == {"GBF-T1": 2, "GBF-T2": 2, "GBF-T3": 1, "unknown": 18}
    assert by(result, "thematic_area") == {"unknown": 22}
    earlier = compute("2.3", EARLIER)
    # o1, o2; R1; R7; P1; E2; G1, G4, G6 = 9.
    assert earlier.total == 9
    assert by(earlier, "kind") == {
        "organisations": 2,
        "offers": 1,
        "resources": 1,
        "opportunities": 1,
        "events": 1,
        "agreements": 3,
    }


def test_2_4_downloads_by_parties_and_other_users(world):
    result = compute("2.4")
    # By AS_OF: Kenya twice, the USA, an unknown place, Nepal = 5 (Fiji's is of 2026).
    assert result.total == 5
    assert by(result, "kind") == {"party": 3, "non_party": 1, "unknown": 1}
    assert by(result, "region") == {"002": 2, "019": 1, "142": 1, "unknown": 1}
    assert by(result, "country") == {"KE": 2, "US": 1, "NP": 1, "unknown": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1}
    assert by(result, "year") == {"2024": 1, "2025": 4}
    # Three downloads of R6 (T3), two of R7 (no target).
    assert by(result, "target") == {"GBF-T3": 3, "unknown": 2}
    earlier = compute("2.4", EARLIER)
    assert earlier.total == 1
    assert by(earlier, "kind") == {"party": 1}


# --- Activity 4 ---------------------------------------------------------------------------------
def test_4_1_parties_using_the_help_desk(world):
    result = compute("4.1")
    # Expressed with the help desk and submitted by AS_OF: N2 Kenya, N3 Nepal, N4 Fiji (N6,
    # Brazil's, is a draft; N9 is of 2026). A message from the help desk by AS_OF: N10 Brazil,
    # N5 USA (not a Party). Kenya's N1 message came from the requester. KE, NP, FJ, BR = 4.
    assert result.total == 4
    assert by(result, "region") == {"002": 1, "142": 1, "009": 1, "019": 1}
    assert by(result, "country") == {"KE": 1, "NP": 1, "FJ": 1, "BR": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1, "SIDS": 1}
    # At the end of 2024: only Brazil, through the help desk's message of November 2024.
    earlier = compute("4.1", EARLIER)
    assert earlier.total == 1
    assert by(earlier, "country") == {"BR": 1}


def test_4_2_needs_the_help_desk_helped_express(world):
    result = compute("4.2")
    # Expressed with the help desk and submitted by AS_OF: N2, N3, N4 = 3 (N6 a draft, N9 2026).
    assert result.total == 3
    assert by(result, "region") == {"002": 1, "142": 1, "009": 1}
    assert by(result, "year") == {"2025": 3}
    assert by(result, "status") == {"fulfilled": 1, "matched": 1, "in_triage": 1}
    assert by(result, "target") == {"GBF-T1": 1, "GBF-T3": 1, "unknown": 1}
    assert compute("4.2", EARLIER).total == 0


# --- Activities 6, 7, 11, 12 and 14 -------------------------------------------------------------
def test_6_1_matchmaking_workshops_held(world):
    result = compute("6.1")
    # Matchmaking roundtables over by the end of AS_OF: E1 (Kenya, 2025), E2 (online, 2024).
    # Not E3 (a workshop), E4 (ends in 2026), E5 (its organiser is pending).
    assert result.total == 2
    assert by(result, "region") == {"002": 1, "unknown": 1}
    assert by(result, "country") == {"KE": 1, "unknown": 1}
    assert by(result, "year") == {"2024": 1, "2025": 1}
    assert compute("6.1", EARLIER).total == 1  # E2
    # E4 is over on 1 January 2026 (at 02:00), and counts in the year it started.
    assert by(compute("6.1", datetime.date(2026, 1, 1)), "year") == {"2024": 1, "2025": 2}


def test_7_2_support_network_agreements_signed(world):
    result = compute("7.2")
    # Signed by AS_OF: G1 (o1, Kenya, 2024), G2 (o2, Nepal, 2025, closed but public); not G3
    # (2026) nor the agreements of other kinds.
    assert result.total == 2
    assert by(result, "region") == {"002": 1, "142": 1}
    assert by(result, "year") == {"2024": 1, "2025": 1}
    assert compute("7.2", EARLIER).total == 1  # G1


def test_11_1_programme_participants(world):
    result = compute("11.1")
    # Accepted by AS_OF into the portal's programme: A1 (Nepal, 2024), A2 (Brazil, 2025). Not
    # the rejected or pending ones, Ukraine's (2026), nor Nepal's in a partner's fellowship.
    assert result.total == 2
    assert by(result, "region") == {"142": 1, "019": 1}
    assert by(result, "country_group") == {"LDC": 1, "LLDC": 1}
    assert by(result, "year") == {"2024": 1, "2025": 1}
    assert by(result, "target") == {"GBF-T2": 2}  # the programme's target
    assert compute("11.1", EARLIER).total == 1  # A1


def test_12_1_active_education_partnerships(world):
    result = compute("12.1")
    # In force on AS_OF: G5 (Nepal, signed 2025, no end date, published). G4 ended in June
    # 2025; G6 is closed without an end date.
    assert result.total == 1
    assert by(result, "region") == {"142": 1}
    assert by(result, "year") == {"2025": 1}
    # On EARLIER: G4 (Kenya, signed January 2024, in force until June 2025); G5 not yet signed.
    earlier = compute("12.1", EARLIER)
    assert earlier.total == 1
    assert by(earlier, "country") == {"KE": 1}
    assert by(earlier, "year") == {"2024": 1}


def test_14_1_teaching_materials(world):
    result = compute("14.1")
    # Public teaching materials first published by AS_OF: R6 (o2, Nepal), R8 (o4, closed, no
    # country). Not the draft nor the one of 2026; the toolkit R7 is not a teaching material.
    assert result.total == 2
    assert by(result, "region") == {"142": 1, "unknown": 1}
    assert by(result, "year") == {"2025": 2}
    assert by(result, "target") == {"GBF-T3": 1, "unknown": 1}
    assert compute("14.1", EARLIER).total == 0


# --- The portal's request workflow --------------------------------------------------------------
def test_p_2_requests_submitted_by_status(world):
    result = compute("P.2")
    # Submitted by AS_OF: N1, N2, N3, N4, N5, N7, N8, N10 = 8 (not the draft N6 nor N9).
    assert result.total == 8
    # Today's statuses: published N1, N5, N8; fulfilled N2; matched N3; in triage N4;
    # withdrawn N7; rejected N10. 3 + 1 + 1 + 1 + 1 + 1 = 8.
    assert by(result, "status") == {
        "published": 3,
        "fulfilled": 1,
        "matched": 1,
        "in_triage": 1,
        "withdrawn": 1,
        "rejected": 1,
    }
    # Kenya N1, N2; Nepal N3; Fiji N4; USA N5 and Brazil N8, N10; Ukraine N7.
    assert by(result, "region") == {"002": 2, "142": 1, "009": 1, "019": 3, "150": 1}
    assert by(result, "year") == {"2024": 2, "2025": 6}  # N1, N10; the rest
    earlier = compute("P.2", EARLIER)
    assert earlier.total == 2
    assert by(earlier, "status") == {"published": 1, "rejected": 1}


def test_p_3_median_days_from_submission_to_publication(world):
    indicator = BY_CODE["P.3"]
    assert indicator.higher_is_better is False
    result = compute("P.3")
    # Published by AS_OF, days from submission: N5 2, N2 4, N7 6, N1 10, N3 20 -> median 6.
    assert result.total == 6
    # Africa: N2 4, N1 10 -> 7; Asia: N3 20; Americas: N5 2; Europe: N7 6.
    assert by(result, "region") == {"002": 7, "142": 20, "019": 2, "150": 6}
    # 2024: N1 10; 2025: 2, 4, 6, 20 -> (4 + 6) / 2 = 5.
    assert by(result, "year") == {"2024": 10, "2025": 5}
    assert compute("P.3", EARLIER).total == 10  # N1 only


# --- Every indicator ----------------------------------------------------------------------------
def test_every_indicator_of_h1_is_defined_once_with_its_words():
    assert sorted(BY_CODE) == sorted(H1_CODES)
    assert len(INDICATORS) == len(H1_CODES)
    for indicator in INDICATORS:
        assert str(indicator.name) and str(indicator.description) and str(indicator.computation)
        assert indicator.additive <= set(indicator.dimensions), indicator.code
        # Overlapping breakdowns never add up to the total.
        assert not indicator.additive & {"target", "thematic_area", "country_group"}


@pytest.mark.parametrize("as_of", [AS_OF, EARLIER])
@pytest.mark.parametrize("code", H1_CODES)
def test_additive_breakdowns_sum_to_the_total(world, code, as_of):
    indicator = BY_CODE[code]
    result = indicator.compute(as_of)
    assert set(result.breakdowns) == set(indicator.dimensions)
    for dimension in indicator.additive:
        assert sum(value for _key, value in result.breakdowns[dimension]) == result.total, (
            code,
            dimension,
        )


@pytest.mark.parametrize("code", H1_CODES)
def test_every_indicator_computes_on_an_empty_database(code):
    result = BY_CODE[code].compute(AS_OF)
    assert result.total in (0, None)
    assert all(not pairs for pairs in result.breakdowns.values())


# What each measure asks the database: CountOf, a total and one query per breakdown (the country
# groups in one); MedianDays, a count and a slice for the total and for each region and year of
# the data, after the queries that find them; 2.3, one UNION query per breakdown.
MAX_QUERIES = {
    "1.1": 7,  # total, region, country, target, thematic area, year, country groups
    "1.2": 7,
    "1.3": 8,  # ... and status
    "2.1": 8,  # ... and kind
    "2.2": 7,  # no year
    "2.3": 7,
    "2.4": 8,
    "4.1": 4,  # total, region, country, country groups
    "4.2": 8,
    "6.1": 7,
    "7.2": 5,  # total, region, country, year, country groups
    "11.1": 7,
    "12.1": 5,
    "14.1": 7,
    "P.2": 8,
    # which regions, then a count and a slice for each of the 4; which years, then 2 x 2; the
    # total's count and slice
    "P.3": 2 + 4 * 2 + 2 * 2 + 2,
}


@pytest.mark.parametrize("code", H1_CODES)
def test_query_count_does_not_grow_with_the_data(code, django_assert_max_num_queries):
    build_world()
    with (
        django_assert_max_num_queries(MAX_QUERIES[code]),
        CaptureQueriesContext(connection) as once,
    ):
        single = BY_CODE[code].compute(AS_OF)
    build_world(copy=1)
    with (
        django_assert_max_num_queries(MAX_QUERIES[code]),
        CaptureQueriesContext(connection) as twice,
    ):
        double = BY_CODE[code].compute(AS_OF)
    assert len(twice.captured_queries) == len(once.captured_queries)
    # The same world twice: counts of records double (distinct Parties and medians do not).
    if code in {"1.1", "1.2", "4.1", "P.3"}:
        assert double.total == single.total
    else:
        assert double.total == 2 * single.total
