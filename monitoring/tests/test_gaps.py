"""The gap analysis (monitoring/gaps.py, selectors/gaps.py, views/gaps.py) on a fixture worked out
by hand, as of 30 June 2026, on GBF targets T1, T2 and T3.

Countries (reference data): KE Kenya 002 (no group); HT Haiti 019 LDC SIDS; NP Nepal 142 LDC
LLDC; FR France 150; ET Ethiopia 002 LDC LLDC. Eastern Africa (014, under 202 under 002) holds
LDCs (ET), LLDCs (ET) and SIDS (KM, MU, SC); Europe (150) holds EIT (UA) and LLDC (MD, MK) but no
SIDS.

=======  =======================================  ============  ===============================
record   placed by                                targets       counted as of 2026-06-30?
=======  =======================================  ============  ===============================
n1       need of KE                               T1, T2        yes (published 2026-01-10)
n2       need of HT                               T1            yes (published 2026-02-01)
n3       need of NP                               T1, T3        yes (published 2026-03-01)
n4       need of FR                               T2            no: published 2026-07-15
n5       need of ET                               T1            no: never published
o1       offer for KE (provider in FR)            T1            yes
o2       offer open to all                        T1, T2        yes
o3       offer for Eastern Africa (014)           T1            yes
o4       offer for SIDS                           T2            yes
o5       offer for HT                             T1            no: draft
o6       offer for NP                             T1            no: published 2026-07-02
r1       resource, org HQ KE, no area             T1            yes
r2       resource, org in FR working in HT, NP    T1, T3        yes
r3       resource, org HQ FR working in Europe    T3            yes
r4       resource of an unapproved org            T1            no
c1       course, org working in HT and NP         T2            yes
c2       course, org HQ KE                        T2            no: draft
m1       match n2-o1                              (T1)          yes (agreed 2026-04-01)
m2       match n1-o2                              (T1, T2)      yes (agreed 2026-05-01)
m3       match n3-o3                              (T1, T3)      no: proposed, never agreed
p1       project of m1                            (T1)          yes (launched 2026-05-01)
p2       project of m2                            (T1, T2)      no: launched 2026-08-01
=======  =======================================  ============  ===============================
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from chm_portal.vocabularies.models import Country, GBFTarget, Region
from monitoring.gaps import (
    SOURCES,
    GapSource,
    by_country,
    compute_gap_cells,
    count_by_target,
    geography,
    records_once,
)
from monitoring.indicators.base import end_of
from monitoring.models import GapCell, GapMeasure
from monitoring.selectors.gaps import gap_level, gap_table
from monitoring.services import recompute_indicators
from needs.models import Need
from tests.factories import (
    CountryFactory,
    CourseFactory,
    MatchFactory,
    MatchNeedFactory,
    OfferFactory,
    OrganisationFactory,
    ProjectFactory,
    ResourceFactory,
)

AS_OF = datetime.date(2026, 6, 30)
REGIONS = ("002", "009", "019", "142", "150")
GROUPS = ("LDC", "SIDS", "LLDC", "EIT")
SCOPES = ("", *(f"region:{r}" for r in REGIONS), *(f"group:{g}" for g in GROUPS))


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T12:00"))


def _targets(*numbers):
    return list(GBFTarget.objects.filter(number__in=numbers))


@pytest.fixture
def records(db):
    """The records of the table above."""
    ke, ht, np_, fr, et = (CountryFactory(code=code) for code in ("KE", "HT", "NP", "FR", "ET"))

    def need(country, targets, published):
        made = MatchNeedFactory(
            country=country,
            published_at=_at(published) if published else None,
            status="published" if published else "in_triage",
        )
        made.targets.set(_targets(*targets))
        return made

    n1 = need(ke, [1, 2], "2026-01-10")
    n2 = need(ht, [1], "2026-02-01")
    n3 = need(np_, [1, 3], "2026-03-01")
    need(fr, [2], "2026-07-15")
    need(et, [1], None)

    org_fr = OrganisationFactory(country=fr)
    org_ke = OrganisationFactory(country=ke)
    org_ht_np = OrganisationFactory(country=fr)
    org_ht_np.countries_of_operation.set([ht, np_])
    org_europe = OrganisationFactory(country=fr)
    org_europe.regions_of_operation.set([Region.objects.get(code="150")])
    org_pending = OrganisationFactory(country=ke, status="pending")

    def offer(targets, published="2026-01-05", status="published", **eligible):
        made = OfferFactory(provider=org_fr, published_at=_at(published), status=status)
        made.targets.set(_targets(*targets))
        for field, values in eligible.items():
            getattr(made, field).set(values)
        return made

    o1 = offer([1], eligible_countries=[ke])
    o2 = offer([1, 2])
    o3 = offer([1], eligible_regions=[Region.objects.get(code="014")])
    offer([2], eligible_groups=[_group("SIDS")])
    offer([1], status="draft", eligible_countries=[ht])
    offer([1], published="2026-07-02", eligible_countries=[np_])

    def resource(organisation, targets):
        made = ResourceFactory(organisation=organisation, published_at=_at("2026-01-05"))
        made.targets.set(_targets(*targets))

    resource(org_ke, [1])
    resource(org_ht_np, [1, 3])
    resource(org_europe, [3])
    resource(org_pending, [1])

    for provider, status in ((org_ht_np, "published"), (org_ke, "draft")):
        course = CourseFactory(provider=provider, status=status, published_at=_at("2026-01-05"))
        course.targets.set(_targets(2))

    m1 = MatchFactory(need=n2, offer=o1, status="agreed", agreed_at=_at("2026-04-01"))
    m2 = MatchFactory(need=n1, offer=o2, status="agreed", agreed_at=_at("2026-05-01"))
    MatchFactory(need=n3, offer=o3, status="proposed")
    for match, launched in ((m1, "2026-05-01"), (m2, "2026-08-01")):
        project = ProjectFactory(match=match)
        type(project).objects.filter(pk=project.pk).update(created_at=_at(launched))


def _group(code):
    from chm_portal.vocabularies.models import CountryGroup

    return CountryGroup.objects.get(code=code)


def _cells(as_of=AS_OF):
    """``{(measure, target number, scope): value}`` of the computed cells."""
    return {
        (cell.measure, int(cell.target.removeprefix("GBF-T")), cell.scope): cell.value
        for cell in compute_gap_cells(as_of)
    }


def _row(cells, measure, target):
    """The values of one measure and target in the order of SCOPES."""
    return [cells[(measure, target, scope)] for scope in SCOPES]


# --- Computing the cells --------------------------------------------------------------------------
def test_reference_geography_is_what_the_fixture_assumes(db):
    geo = geography()
    assert geo.regions == REGIONS
    assert "SIDS" in geo.groups_in_region["002"] and "SIDS" not in geo.groups_in_region["150"]
    ke, ht, np_ = (Country.objects.get(code=code) for code in ("KE", "HT", "NP"))
    assert (ke.region.code, ke.group_codes) == ("002", [])
    assert (ht.region.code, ht.group_codes) == ("019", ["LDC", "SIDS"])
    assert (np_.region.code, np_.group_codes) == ("142", ["LDC", "LLDC"])
    assert Country.objects.filter(intermediate_region__code="014", is_sids=True).exists()
    assert Country.objects.filter(region__code="150", is_lldc=True).exists()


def test_every_target_measure_and_scope_has_a_cell(records):
    cells = compute_gap_cells(AS_OF)
    # 23 targets x 6 measures x (everywhere + 5 regions + 4 groups) = 23 x 6 x 10.
    assert len(cells) == 23 * 6 * 10
    assert {cell.date for cell in cells} == {AS_OF}
    assert {cell.measure for cell in cells} == set(GapMeasure.values)
    assert {cell.scope for cell in cells} == set(SCOPES)
    # A target nobody mentions is there, with zeros.
    assert {cell.value for cell in cells if cell.target == "GBF-T23"} == {0}


def test_needs_are_placed_by_the_requesting_country(records):
    cells = _cells()
    #                                    all 002 009 019 142 150 LDC SIDS LLDC EIT
    # T1: n1 KE, n2 HT, n3 NP (n5 ET never published).
    assert _row(cells, "needs", 1) == [3, 1, 0, 1, 1, 0, 2, 1, 1, 0]
    # T2: n1 KE (n4 FR published after the day).
    assert _row(cells, "needs", 2) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    # T3: n3 NP.
    assert _row(cells, "needs", 3) == [1, 0, 0, 0, 1, 0, 1, 0, 1, 0]


def test_offers_are_placed_where_they_may_serve(records):
    cells = _cells()
    #                                    all 002 009 019 142 150 LDC SIDS LLDC EIT
    # T1: o1 (KE) in 002; o2 (open) everywhere; o3 (Eastern Africa) in 002 and in LDC, SIDS,
    # LLDC (the groups of its countries). 002 = o1 + o2 + o3 = 3; other regions = o2 = 1;
    # LDC = SIDS = LLDC = o2 + o3 = 2; EIT = o2 = 1. o5 (draft) and o6 (later) not counted.
    assert _row(cells, "offers", 1) == [3, 3, 1, 1, 1, 1, 2, 2, 2, 1]
    # T2: o2 (open) everywhere; o4 (SIDS) in the SIDS group and every region with SIDS (all but
    # Europe). Regions but 150 = 2, 150 = 1; SIDS = 2, other groups = 1.
    assert _row(cells, "offers", 2) == [2, 2, 2, 2, 2, 1, 1, 2, 1, 1]
    assert _row(cells, "offers", 3) == [0] * 10


def test_resources_and_courses_are_placed_where_their_organisation_works(records):
    cells = _cells()
    #                                       all 002 009 019 142 150 LDC SIDS LLDC EIT
    # T1: r1 (HQ KE, no area) in 002; r2 (works in HT, NP; HQ FR ignored) in 019, 142, LDC,
    # SIDS (HT), LLDC (NP). r4's organisation is not approved.
    assert _row(cells, "resources", 1) == [2, 1, 0, 1, 1, 0, 1, 1, 1, 0]
    # T3: r2 as above; r3 (works in Europe) in 150, EIT (UA) and LLDC (MD, MK): LLDC = 2.
    assert _row(cells, "resources", 3) == [2, 0, 0, 1, 1, 1, 1, 1, 2, 1]
    # T2: c1 (works in HT and NP); c2 is a draft.
    assert _row(cells, "courses", 2) == [1, 0, 0, 1, 1, 0, 1, 1, 1, 0]
    assert _row(cells, "courses", 1) == [0] * 10


def test_matches_and_projects_are_placed_by_the_requesting_country(records):
    cells = _cells()
    #                                     all 002 009 019 142 150 LDC SIDS LLDC EIT
    # T1: m1 (n2, HT) and m2 (n1, KE); m3 was never agreed.
    assert _row(cells, "matches", 1) == [2, 1, 0, 1, 0, 0, 1, 1, 0, 0]
    # T2: m2 (n1, KE).
    assert _row(cells, "matches", 2) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    # T1: p1 (m1, HT); p2 was launched after the day.
    assert _row(cells, "projects", 1) == [1, 0, 0, 1, 0, 0, 1, 1, 0, 0]
    assert _row(cells, "projects", 2) == [0] * 10


def test_records_with_one_country_add_up_over_the_regions(records):
    cells = _cells()
    for measure in ("needs", "matches", "projects"):
        for target in range(1, 24):
            regions = sum(cells[(measure, target, f"region:{r}")] for r in REGIONS)
            assert regions == cells[(measure, target, "")], (measure, target)


def test_nothing_is_counted_before_it_happened(records):
    # On 1 January 2026 nothing was published yet (offers, resources and courses on 5 January).
    assert {cell.value for cell in compute_gap_cells(datetime.date(2026, 1, 1))} == {0}
    # On 31 July n4 (FR, T2) is published: T2 needs everywhere 1 + 1 = 2, Europe 1.
    cells = _cells(datetime.date(2026, 7, 31))
    assert cells[("needs", 2, "")] == 2 and cells[("needs", 2, "region:150")] == 1
    # ...and o6 (NP, T1): offers of T1 in Asia = o2 + o6 = 2.
    assert cells[("offers", 1, "region:142")] == 2


def test_a_selector_joining_many_rows_per_record_still_counts_each_once(records):
    # A queryset whose filter crosses the targets holds n1 (T1 and T2) twice: it is read by
    # primary key, so T1 still counts n1, n2, n3 = 3, and T2 counts n1 = 1.
    source = GapSource(
        GapMeasure.NEEDS,
        lambda as_of: Need.objects.filter(
            targets__number__in=[1, 2], published_at__lt=end_of(as_of)
        ),
        "targets",
        by_country("country"),
    )
    assert records_once(source.queryset(AS_OF)) is not source.queryset(AS_OF)
    counts = count_by_target(source, AS_OF, geography())
    assert (counts["GBF-T1"][""], counts["GBF-T2"][""], counts["GBF-T3"][""]) == (3, 1, 1)
    # The selectors of the analysis hold each record once: they are used as they are.
    for each in SOURCES:
        queryset = each.queryset(AS_OF)
        assert records_once(queryset) is queryset, each.measure


def test_computing_runs_a_constant_number_of_queries(records, django_assert_num_queries):
    # Countries by region, targets, then one GROUP BY target query per measure (6).
    with django_assert_num_queries(8):
        compute_gap_cells(AS_OF)
    OfferFactory.create_batch(5)
    MatchNeedFactory.create_batch(5)
    with django_assert_num_queries(8):
        compute_gap_cells(AS_OF)


def test_the_daily_recompute_stores_the_cells_once(records):
    recompute_indicators(AS_OF)
    recompute_indicators(AS_OF)  # again: the day's cells are replaced, not added
    assert GapCell.objects.filter(date=AS_OF).count() == 23 * 6 * 10
    cell = GapCell.objects.get(date=AS_OF, target="GBF-T1", measure="needs", scope="group:LDC")
    assert cell.value == 2  # n2 (HT) and n3 (NP)


# --- Reading them ---------------------------------------------------------------------------------
@pytest.fixture
def stored(records):
    GapCell.objects.bulk_create(compute_gap_cells(datetime.date(2026, 5, 31)))
    GapCell.objects.bulk_create(compute_gap_cells(AS_OF))


@pytest.mark.parametrize(
    ("supply", "demand", "level"),
    [
        (5, 0, 0),
        (0, 0, 0),
        (0, 1, 5),
        (2, 3, 5),
        (3, 3, 4),
        (5, 3, 4),
        (6, 3, 3),
        (12, 3, 2),
        (24, 3, 1),
        (100, 3, 1),
    ],
)
def test_gap_level(supply, demand, level):
    # 0 no demand; supply per need < 1 -> 5; [1, 2) -> 4; [2, 4) -> 3; [4, 8) -> 2; >= 8 -> 1.
    assert gap_level(supply, demand) == level


def test_the_table_reads_the_latest_day_with_every_target(stored, django_assert_num_queries):
    with django_assert_num_queries(2):  # the cells of the latest day, the targets
        table = gap_table()
    assert table.date == AS_OF
    assert [row.code for row in table.rows] == [f"GBF-T{n}" for n in range(1, 24)]
    t1, t2, t3 = table.rows[:3]
    # T1 everywhere: needs 3; supply = offers 3 + resources 2 + courses 0 = 5; 5 / 3 = 1.67.
    assert (t1.needs, t1.supply, round(t1.supply_per_need, 2), t1.level) == (3, 5, 1.67, 4)
    # T2: needs 1; supply = 2 + 0 + 1 = 3 -> 3 per need, level 3.
    assert (t2.needs, t2.supply, t2.level) == (1, 3, 3)
    # T3: needs 1; supply = 0 + 2 + 0 = 2 -> level 3.
    assert (t3.needs, t3.supply, t3.level) == (1, 2, 3)
    # Offers of T1 per need: 3 / 3 = 1 -> level 4; courses 0 / 3 -> 5; needs are not shaded.
    levels = {cell.measure: cell.level for cell in t1.cells}
    assert levels == {
        "needs": None,
        "offers": 4,
        "resources": 5,
        "courses": 5,
        "matches": None,
        "projects": None,
    }
    assert table.rows[22].level == 0 and table.rows[22].supply_per_need is None


def test_least_supported_targets_of_a_region(stored):
    # Asia (142): T1 needs 1 (n3), supply o2 + r2 = 2; T3 needs 1 (n3), supply r2 = 1.
    table = gap_table("region:142")
    assert [(row.code, row.needs, row.supply) for row in table.least_supported()] == [
        ("GBF-T3", 1, 1),
        ("GBF-T1", 1, 2),
    ]
    # Africa (002): T1 needs 1 (n1), supply o1 + o2 + o3 + r1 = 4; T2 needs 1, supply o2 + o4 = 2.
    table = gap_table("region:002")
    assert [(row.code, row.supply) for row in table.least_supported()] == [
        ("GBF-T2", 2),
        ("GBF-T1", 4),
    ]
    # Europe: no need at all, so no target is "least supported".
    assert gap_table("region:150").least_supported() == []


def test_demand_exceeding_supply_is_the_highest_level(db):
    GapCell.objects.bulk_create(
        [
            GapCell(date=AS_OF, target="GBF-T5", measure="needs", value=4),
            GapCell(date=AS_OF, target="GBF-T5", measure="offers", value=1),
            GapCell(date=AS_OF, target="GBF-T5", measure="courses", value=2),
        ]
    )
    row = gap_table().rows[4]
    # 4 needs, 1 + 2 = 3 offers, resources and courses: 0.75 per need.
    assert (row.code, row.supply_per_need, row.level, row.demand_exceeds_supply) == (
        "GBF-T5",
        0.75,
        5,
        True,
    )
    assert gap_table().least_supported()[0].code == "GBF-T5"


def test_nothing_computed(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        table = gap_table()
    assert not table.computed and table.rows == []


# --- The page -------------------------------------------------------------------------------------
def _url(language="en", **query):
    with translation.override(language):
        url = reverse("monitoring:gaps")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


@pytest.mark.parametrize(
    ("language", "region_name"), [("en", "Africa"), ("fr", "Afrique"), ("es", "África")]
)
def test_page_is_public_in_every_language(client, stored, language, region_name):
    response = client.get(_url(language))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'lang="{language}"' in content
    assert content.count('<th scope="row">') == 23  # every GBF target, zeros included
    assert "GBF-T1</strong>" in content and "GBF-T23</strong>" in content
    assert '<table class="heatmap data-table">' in content and "<caption>" in content
    # The filter offers the regions in the reader's language (reference data).
    assert f">{region_name}</option>" in content
    assert response.context["table"].date == AS_OF


def test_page_explains_itself(client, stored):
    content = client.get(_url()).content.decode()
    for text in (
        "Least supported targets",
        "Demand exceeds supply",
        "Fewer than one offer, resource or course per expressed need.",
        "Download this table (CSV)",
        "How the records are counted",
        '<time datetime="2026-06-30">',
    ):
        assert text in content


def test_page_shows_numbers_and_the_demand_signal_in_words(client, db):
    GapCell.objects.bulk_create(
        [
            GapCell(date=AS_OF, target="GBF-T5", measure="needs", value=4),
            GapCell(date=AS_OF, target="GBF-T5", measure="offers", value=2),
        ]
    )
    content = client.get(_url()).content.decode()
    row = content[content.index('<th scope="row"><strong>GBF-T5</strong>') :]
    row = row[: row.index("</tr>")]
    assert '<td class="number">4</td>' in row  # needs, not shaded
    assert '<td class="number heat-5">2</td>' in row  # offers: 2 for 4 needs
    assert '<td class="number">0.5</td>' in row  # supply per need: 2 / 4
    assert "Demand exceeds supply" in row and "⚠" in row


def test_filter_by_region_and_by_group(client, stored):
    response = client.get(_url(region="142"))
    assert response.status_code == 200
    assert response.context["table"].scope == "region:142"
    assert "Gap analysis: Asia" in response.content.decode()
    # Asia, T3: needs 1 (n3), resources 1 (r2).
    t3 = response.context["table"].rows[2]
    assert (t3.counts["needs"], t3.counts["resources"]) == (1, 1)

    response = client.get(_url(country_group="LDC"))
    assert response.context["table"].scope == "group:LDC"
    # LDC, T1: needs n2 + n3 = 2.
    assert response.context["table"].rows[0].needs == 2
    assert "Gap analysis: Least developed countries" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"region": "999"}, "Select a valid choice."),
        ({"country_group": "G77"}, "Select a valid choice."),
        ({"region": "002", "country_group": "LDC"}, "Choose a region or a country group"),
        ({"region": "002", "format": "pdf"}, "The table can be downloaded as CSV only"),
    ],
)
def test_bad_filters_show_an_error_and_the_whole_table(client, stored, query, message):
    response = client.get(_url(**query))
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content and message in content
    assert response.context["table"].scope == ""
    assert content.count('<th scope="row">') == 23


def test_bad_filter_message_is_translated(client, stored):
    response = client.get(_url("fr", region="999"))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_csv_download_has_the_filtered_table(client, stored):
    response = client.get(_url(region="142", format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "gap-analysis-region-142-2026-06-30.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 23
    t1 = rows[0]
    # Asia, T1: needs n3; offers o2; resources r2; matches and projects none; supply 2 per need.
    assert {key: t1[key] for key in ("date", "scope", "target", "needs", "offers")} == {
        "date": "2026-06-30",
        "scope": "region:142",
        "target": "GBF-T1",
        "needs": "1",
        "offers": "1",
    }
    assert (t1["resources"], t1["courses"], t1["matches"], t1["projects"]) == ("1", "0", "0", "0")
    assert (t1["supply"], t1["supply_per_need"], t1["gap_level"]) == ("2", "2.0", "3")
    assert rows[22]["supply_per_need"] == ""  # T23: no need


def test_csv_link_keeps_the_filters(client, stored):
    content = client.get(_url(country_group="SIDS")).content.decode()
    assert "?country_group=SIDS&amp;format=csv" in content


def test_empty_state_before_the_first_computation(client, db):
    response = client.get(_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing computed yet" in content
    assert '<th scope="row">' not in content


def test_page_queries_do_not_grow_with_the_data(client, stored, django_assert_num_queries):
    # Regions and country groups of the filter, the latest cells, the targets.
    with django_assert_num_queries(4):
        client.get(_url(region="002"))
    # Ten times the records and a third day of cells: the same queries.
    for _ in range(10):
        OfferFactory().targets.set(_targets(4, 5))
        MatchNeedFactory().targets.set(_targets(4))
    GapCell.objects.bulk_create(compute_gap_cells(datetime.date(2026, 7, 31)))
    with django_assert_num_queries(4):
        response = client.get(_url(region="002"))
    assert response.context["table"].date == datetime.date(2026, 7, 31)
    with django_assert_num_queries(4):
        client.get(_url(format="csv"))
