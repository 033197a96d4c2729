"""Monitoring counts of the partners' databases (activities 2, 6, 7, 11, 12 and 14).

Each test builds a small set of records whose expected counts are worked out by hand in the
comments, including records that must NOT count (drafts, pending organisations, future events...),
and pins each function to one query.
"""

import datetime

import pytest
from django.utils import timezone

from chm_portal.vocabularies.models import Country, EventType, OpportunityType, ResourceType
from partners import selectors
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
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    PartnershipAgreementFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

YEAR_2024 = {"start": datetime.date(2024, 1, 1), "end": datetime.date(2024, 12, 31)}
YEAR_2025 = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def organisation(name: str, type_code: str, country_code: str | None, **kwargs) -> Organisation:
    return OrganisationFactory(
        name=name,
        organisation_type=OrganisationTypeFactory(code=type_code),
        country=country(country_code) if country_code else None,
        **kwargs,
    )


# --- Activity 2: partners registered ------------------------------------------------------------
@pytest.fixture
def partners():
    """Four approved organisations (one on each side of the end of 2025), one pending, one
    rejected. Kenya: Africa; Fiji: Oceania, SIDS; Nepal: Asia, LDC and LLDC."""
    return {
        "kenyan_ngo": organisation("Kenyan NGO", "ngo", "KE", created_at=at(2024, 3, 1)),
        "fiji_university": organisation(
            "Fiji University", "academia", "FJ", created_at=at(2025, 6, 15)
        ),
        # Registered in the last half hour of 2025: inside the 2025 window.
        "nepali_ngo": organisation("Nepali NGO", "ngo", "NP", created_at=at(2025, 12, 31, 23, 30)),
        "ministry": organisation("A ministry", "government", None, created_at=at(2026, 1, 1, 0)),
        "pending": organisation(
            "Pending NGO",
            "ngo",
            "KE",
            status=Organisation.Status.PENDING,
            created_at=at(2025, 2, 1),
        ),
        "rejected": organisation(
            "Rejected university",
            "academia",
            "FR",
            status=Organisation.Status.REJECTED,
            created_at=at(2025, 2, 1),
        ),
    }


def test_partners_registered_count_counts_approved_organisations_in_the_period(
    partners, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert selectors.partners_registered_count() == 4
    # Fiji University and the Nepali NGO; not the ministry registered at midnight on 1 January.
    assert selectors.partners_registered_count(**YEAR_2025) == 2
    # The total at the end of 2024: the Kenyan NGO only.
    assert selectors.partners_registered_count(end=datetime.date(2024, 12, 31)) == 1
    assert selectors.partners_registered_count(start=datetime.date(2026, 1, 1)) == 1


def test_partners_registered_by_type_region_and_country_group(partners, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_type = selectors.partners_registered_by_type()
    # Largest first; ties by code.
    assert by_type == [("ngo", 2), ("academia", 1), ("government", 1)]
    assert selectors.partners_registered_by_type(**YEAR_2025) == [("academia", 1), ("ngo", 1)]

    with django_assert_num_queries(1):
        by_region = selectors.partners_registered_by_region()
    # Africa, Oceania, Asia; the ministry has no headquarters country.
    assert dict(by_region) == {"002": 1, "009": 1, "142": 1, None: 1}
    assert len(by_region) == 4

    with django_assert_num_queries(1):
        by_group = selectors.partners_registered_by_country_group()
    # Nepal is both an LDC and landlocked; Fiji a SIDS; none in an economy in transition.
    assert by_group == [("LDC", 1), ("SIDS", 1), ("LLDC", 1), ("EIT", 0)]
    assert selectors.partners_registered_by_country_group(end=datetime.date(2024, 12, 31)) == [
        ("LDC", 0),
        ("SIDS", 0),
        ("LLDC", 0),
        ("EIT", 0),
    ]


def test_partners_with_records_and_public_records_by_database(partners, django_assert_num_queries):
    kenyan, fijian, pending = (
        partners["kenyan_ngo"],
        partners["fiji_university"],
        partners["pending"],
    )
    # Offers: published, paused and closed are public; drafts and a pending provider's are not.
    OfferFactory(provider=kenyan, published_at=at(2024, 5, 1))
    OfferFactory(provider=kenyan, status=RecordStatus.PAUSED, published_at=at(2025, 5, 1))
    OfferFactory(provider=kenyan, status=RecordStatus.CLOSED, published_at=at(2025, 6, 1))
    OfferFactory(provider=kenyan, status=RecordStatus.DRAFT, published_at=None)
    OfferFactory(provider=pending, published_at=at(2025, 5, 1))
    # Resources: one public (2025), one draft.
    ResourceFactory(organisation=fijian, published_at=at(2025, 3, 3))
    ResourceFactory(organisation=fijian, status=RecordStatus.DRAFT, published_at=None)
    # Initiatives: a pending organisation's does not count.
    InitiativeFactory(organisation=pending, published_at=at(2025, 1, 1))
    EventFactory(organisation=kenyan, published_at=at(2024, 2, 2))
    PartnershipAgreementFactory(organisation=fijian, published_at=at(2025, 8, 8))

    with django_assert_num_queries(1):
        counts = selectors.public_records_count_by_database()
    assert counts == [
        ("organisations", 4),
        ("offers", 3),
        ("initiatives", 0),
        ("resources", 1),
        ("opportunities", 0),
        ("events", 1),
        ("agreements", 1),
    ]
    assert selectors.public_records_count_by_database(**YEAR_2025) == [
        ("organisations", 2),
        ("offers", 2),
        ("initiatives", 0),
        ("resources", 1),
        ("opportunities", 0),
        ("events", 0),
        ("agreements", 1),
    ]

    with django_assert_num_queries(1):
        # Kenyan NGO and Fiji University; the pending NGO's records do not make it a partner.
        assert selectors.partners_with_records_count() == 2
    # In 2024 only the Kenyan NGO published (an offer and an event).
    assert selectors.partners_with_records_count(**YEAR_2024) == 1


# --- Activities 2 and 14: downloads -------------------------------------------------------------
@pytest.fixture
def downloads(partners):
    """Five downloads of one toolkit: three from Kenya (a Party; two in 2024, one in 2025), one
    from the United States (not a Party, 2025), one from an unknown country (2025)."""
    resource = ResourceFactory(organisation=partners["kenyan_ngo"])
    kenya, united_states = country("KE"), country("US")
    for when, where in [
        (at(2024, 2, 10), kenya),
        (at(2024, 11, 30, 23, 59), kenya),
        (at(2025, 1, 1, 0, 0), kenya),
        (at(2025, 4, 4), united_states),
        (at(2025, 7, 7), None),
    ]:
        ResourceDownload.objects.create(resource=resource, downloaded_at=when, country=where)
    return resource


def test_resource_downloads_count_by_parties_and_other_users(downloads, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.resource_downloads_count() == 5
    with django_assert_num_queries(1):
        assert selectors.resource_downloads_count(parties_only=True) == 3
    # 2025: Kenya's download at midnight on 1 January, the US and the unknown one.
    assert selectors.resource_downloads_count(**YEAR_2025) == 3
    assert selectors.resource_downloads_count(parties_only=True, **YEAR_2025) == 1
    assert selectors.resource_downloads_count(end=datetime.date(2024, 11, 30)) == 2


def test_resource_downloads_by_country_region_and_year(downloads, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_country = selectors.resource_downloads_by_country()
    assert by_country[0] == ("KE", 3)
    assert dict(by_country) == {"KE": 3, "US": 1, None: 1}
    assert selectors.resource_downloads_by_country(parties_only=True) == [("KE", 3)]

    with django_assert_num_queries(1):
        by_region = selectors.resource_downloads_by_region()
    assert dict(by_region) == {"002": 3, "019": 1, None: 1}
    assert selectors.resource_downloads_by_region(**YEAR_2024) == [("002", 2)]

    with django_assert_num_queries(1):
        assert selectors.resource_downloads_by_year() == [(2024, 2), (2025, 3)]
    assert selectors.resource_downloads_by_year(parties_only=True) == [(2024, 2), (2025, 1)]


def test_teaching_materials_count_published_training_material_only(
    partners, django_assert_num_queries
):
    material = ResourceType.objects.get(code="training_material")
    ResourceFactory(
        organisation=partners["kenyan_ngo"], resource_type=material, published_at=at(2024, 5, 1)
    )
    ResourceFactory(
        organisation=partners["fiji_university"],
        resource_type=material,
        published_at=at(2025, 2, 1),
    )
    # Closed stays public and was produced: it counts.
    ResourceFactory(
        organisation=partners["fiji_university"],
        resource_type=material,
        status=RecordStatus.CLOSED,
        published_at=at(2025, 3, 1),
    )
    # Not counted: a draft, a pending organisation's, a toolkit.
    ResourceFactory(
        organisation=partners["kenyan_ngo"],
        resource_type=material,
        status=RecordStatus.DRAFT,
        published_at=None,
    )
    ResourceFactory(
        organisation=partners["pending"], resource_type=material, published_at=at(2025, 2, 1)
    )
    ResourceFactory(organisation=partners["kenyan_ngo"], published_at=at(2025, 2, 1))

    with django_assert_num_queries(1):
        assert selectors.teaching_materials_count() == 3
    assert selectors.teaching_materials_count(**YEAR_2025) == 2
    with django_assert_num_queries(1):
        assert selectors.teaching_materials_by_year() == [(2024, 1), (2025, 2)]
    assert selectors.teaching_materials_by_year(**YEAR_2024) == [(2024, 1)]


# --- Activity 6: matchmaking events -------------------------------------------------------------
def test_matchmaking_events_and_participants_held(partners, django_assert_num_queries):
    matchmaking = EventType.objects.get(code="matchmaking_roundtable")
    workshop = EventType.objects.get(code="workshop")
    kenyan = partners["kenyan_ngo"]

    def event(starts_at, **kwargs):
        return EventFactory(
            organisation=kenyan,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(days=1),
            **{"event_type": matchmaking, **kwargs},
        )

    # Held: Nairobi (40 people, closed by the daily job), an online one not counted yet, Brasília.
    event(
        at(2025, 3, 10),
        status=RecordStatus.CLOSED,
        participant_count=40,
        is_online=False,
        country=country("KE"),
    )
    event(at(2025, 9, 1), participant_count=None, is_online=True)
    event(at(2024, 11, 20), participant_count=25, is_online=False, country=country("BR"))
    # Not held: a future roundtable, a draft one; a workshop is not matchmaking.
    event(timezone.now() + datetime.timedelta(days=20))
    event(at(2025, 5, 5), status=RecordStatus.DRAFT, participant_count=12)
    event(at(2025, 6, 6), event_type=workshop, participant_count=30)

    with django_assert_num_queries(1):
        assert selectors.matchmaking_events_count() == 3
    with django_assert_num_queries(1):
        assert selectors.matchmaking_participants_count() == 65
    assert selectors.matchmaking_events_count(**YEAR_2025) == 2
    assert selectors.matchmaking_participants_count(**YEAR_2025) == 40
    # No event in 2023: zero, not None.
    assert selectors.matchmaking_participants_count(end=datetime.date(2023, 12, 31)) == 0

    with django_assert_num_queries(1):
        by_region = selectors.matchmaking_events_by_region()
    assert dict(by_region) == {"002": 1, "019": 1, None: 1}
    with django_assert_num_queries(1):
        assert selectors.events_held_by_type() == [
            ("matchmaking_roundtable", 3),
            ("workshop", 1),
        ]


# --- Activities 7 and 12: agreements ------------------------------------------------------------
@pytest.fixture
def agreements(partners):
    kenyan = partners["kenyan_ngo"]
    kind = PartnershipAgreement.Kind

    def agreement(kind, signed_on, ends_on=None, **kwargs):
        return PartnershipAgreementFactory(
            organisation=kenyan, kind=kind, signed_on=signed_on, ends_on=ends_on, **kwargs
        )

    date = datetime.date
    agreement(kind.SUPPORT_NETWORK, date(2023, 5, 1), date(2024, 4, 30), status=RecordStatus.CLOSED)
    agreement(kind.SUPPORT_NETWORK, date(2025, 2, 1))
    agreement(kind.SUPPORT_NETWORK, date(2025, 7, 1), date(2099, 6, 30))
    # A closed agreement without an end date: signed in 2024, in force at no known time.
    agreement(kind.SUPPORT_NETWORK, date(2024, 1, 1), status=RecordStatus.CLOSED)
    # Not counted at all: a draft, and a pending organisation's.
    agreement(kind.SUPPORT_NETWORK, date(2025, 3, 1), status=RecordStatus.DRAFT)
    PartnershipAgreementFactory(
        organisation=partners["pending"], kind=kind.SUPPORT_NETWORK, signed_on=date(2025, 3, 1)
    )
    agreement(kind.EDUCATION_INSTITUTION, date(2024, 9, 1), date(2025, 8, 31))
    agreement(kind.EDUCATION_INSTITUTION, date(2025, 10, 10))
    agreement(kind.MOU, date(2025, 1, 15))


def test_support_network_agreements_signed_and_in_force(agreements, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.support_network_agreements_count() == 4
    assert selectors.support_network_agreements_count(**YEAR_2025) == 2
    # Today: the open-ended one of February 2025 and the one running to 2099.
    with django_assert_num_queries(1):
        assert selectors.support_network_agreements_count(in_force=True) == 2
    # During 2024: only the one that ended on 30 April 2024.
    assert selectors.support_network_agreements_count(in_force=True, **YEAR_2024) == 1


def test_education_partnerships_signed_and_in_force(agreements, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.education_partnerships_count() == 2
    assert selectors.education_partnerships_count(**YEAR_2025) == 1
    # Today only the open-ended one; during 2025 both (the first ended on 31 August 2025).
    assert selectors.education_partnerships_count(in_force=True) == 1
    assert selectors.education_partnerships_count(in_force=True, **YEAR_2025) == 2
    with django_assert_num_queries(1):
        assert selectors.agreements_count_by_kind() == [
            ("support_network", 4),
            ("education_institution", 2),
            ("mou", 1),
        ]
    assert selectors.agreements_count_by_kind(in_force=True) == [
        ("support_network", 2),
        ("education_institution", 1),
        ("mou", 1),
    ]


# --- Activity 11: fellowship and exchange programme ---------------------------------------------
def test_programme_participants_and_fellowship_opportunities(partners, django_assert_num_queries):
    fellowship = OpportunityType.objects.get(code="fellowship")
    course = OpportunityType.objects.get(code="training_course")
    programme = OpportunityFactory(
        organisation=partners["kenyan_ngo"],
        opportunity_type=fellowship,
        is_portal_programme=True,
        applications_on_portal=True,
        link="",
        published_at=at(2025, 1, 10),
    )
    other = OpportunityFactory(
        organisation=partners["kenyan_ngo"],
        opportunity_type=course,
        applications_on_portal=True,
        published_at=at(2025, 1, 10),
    )
    accepted = OpportunityApplication.Status.ACCEPTED
    for opportunity, where, status, reviewed_at in [
        (programme, "KE", accepted, at(2025, 4, 1)),
        (programme, "BR", accepted, at(2024, 12, 15)),
        (programme, "KE", OpportunityApplication.Status.REJECTED, at(2025, 4, 1)),
        (programme, "FJ", OpportunityApplication.Status.SUBMITTED, None),
        # Accepted to a course that is not the portal's programme: not a participant.
        (other, "KE", accepted, at(2025, 4, 1)),
    ]:
        OpportunityApplication.objects.create(
            opportunity=opportunity,
            applicant=UserFactory(),
            country=country(where),
            motivation="I coordinate our national biodiversity information system.",
            status=status,
            reviewed_at=reviewed_at,
        )
    # More fellowships: one of 2024; a draft and a pending organisation's do not count.
    OpportunityFactory(
        organisation=partners["fiji_university"],
        opportunity_type=fellowship,
        published_at=at(2024, 6, 1),
    )
    OpportunityFactory(
        organisation=partners["fiji_university"],
        opportunity_type=fellowship,
        status=RecordStatus.DRAFT,
        published_at=None,
    )
    OpportunityFactory(
        organisation=partners["pending"], opportunity_type=fellowship, published_at=at(2025, 2, 1)
    )

    with django_assert_num_queries(1):
        assert selectors.programme_participants_count() == 2
    assert selectors.programme_participants_count(**YEAR_2025) == 1
    with django_assert_num_queries(1):
        assert dict(selectors.programme_participants_by_region()) == {"002": 1, "019": 1}
    assert selectors.programme_participants_by_region(**YEAR_2024) == [("019", 1)]

    with django_assert_num_queries(1):
        assert selectors.fellowship_opportunities_count() == 2
    assert selectors.fellowship_opportunities_count(**YEAR_2025) == 1


def test_counts_are_zero_without_records(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.public_records_count_by_database() == [
            ("organisations", 0),
            ("offers", 0),
            ("initiatives", 0),
            ("resources", 0),
            ("opportunities", 0),
            ("events", 0),
            ("agreements", 0),
        ]
    assert selectors.matchmaking_participants_count() == 0
    assert selectors.resource_downloads_by_year() == []
    assert selectors.partners_registered_by_country_group() == [
        ("LDC", 0),
        ("SIDS", 0),
        ("LLDC", 0),
        ("EIT", 0),
    ]
