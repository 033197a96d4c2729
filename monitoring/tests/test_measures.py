"""The measure helpers of monitoring/indicators/base.py on a fixture worked out by hand.

Five requests for assistance:

=====  =======  ========  ==============  ============  ============  ==========================
need   country  region    groups          targets       submitted     published
=====  =======  ========  ==============  ============  ============  ==========================
n1     KE       002       —               T1, T2        2025-03-01    2025-03-11 (10 days)
n2     KE       002       —               T2            2025-06-01    2025-06-05 (4 days)
n3     HT       019       LDC, SIDS       T2, T3        2026-01-10    2026-01-30 (20 days)
n4     NP       142       LDC, LLDC       —             2026-02-01    2026-02-03 (2 days)
n5     BR       019       —               T1            2026-05-01    not published
=====  =======  ========  ==============  ============  ============  ==========================
"""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from chm_portal.vocabularies.models import GBFTarget
from monitoring.indicators.base import CountOf, Indicator, MedianDays, ShareOf, Unit, end_of
from needs.models import Need
from tests.factories import CountryFactory, MatchNeedFactory

AS_OF = datetime.date(2026, 6, 30)


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T12:00"))


@pytest.fixture
def needs(db):
    targets = {t.code: t for t in GBFTarget.objects.filter(code__in=["GBF-T1", "GBF-T2", "GBF-T3"])}
    rows = [
        ("KE", ["GBF-T1", "GBF-T2"], "2025-03-01", "2025-03-11"),
        ("KE", ["GBF-T2"], "2025-06-01", "2025-06-05"),
        ("HT", ["GBF-T2", "GBF-T3"], "2026-01-10", "2026-01-30"),
        ("NP", [], "2026-02-01", "2026-02-03"),
        ("BR", ["GBF-T1"], "2026-05-01", None),
    ]
    made = []
    for code, target_codes, submitted, published in rows:
        need = MatchNeedFactory(
            country=CountryFactory(code=code),
            submitted_at=_at(submitted),
            published_at=_at(published) if published else None,
            status="published" if published else "in_triage",
        )
        need.targets.set([targets[c] for c in target_codes])
        made.append(need)
    return made


def _submitted(as_of):
    return Need.objects.filter(submitted_at__lt=end_of(as_of))


def _published(as_of):
    return Need.objects.filter(published_at__lt=end_of(as_of))


def test_count_of_gives_the_total_and_every_breakdown(needs):
    measure = CountOf(
        queryset=_submitted, country="country", targets="targets", date="submitted_at"
    )
    result = measure(AS_OF)

    assert result.total == 5
    # Regions: KE, KE -> 002: 2; HT, BR -> 019: 2; NP -> 142: 1.
    assert dict(result.breakdowns["region"]) == {"002": 2, "019": 2, "142": 1}
    assert sum(dict(result.breakdowns["region"]).values()) == result.total
    # Groups overlap: LDC = HT + NP = 2, SIDS = HT = 1, LLDC = NP = 1, EIT = none (left out).
    assert dict(result.breakdowns["country_group"]) == {"LDC": 2, "SIDS": 1, "LLDC": 1}
    assert dict(result.breakdowns["country"]) == {"KE": 2, "HT": 1, "NP": 1, "BR": 1}
    # Targets: T1 = n1, n5; T2 = n1, n2, n3; T3 = n3; n4 has none.
    assert dict(result.breakdowns["target"]) == {
        "GBF-T2": 3,
        "GBF-T1": 2,
        "GBF-T3": 1,
        "unknown": 1,
    }
    assert dict(result.breakdowns["year"]) == {"2025": 2, "2026": 3}
    assert list(measure.dimensions) == [
        "region",
        "country_group",
        "country",
        "target",
        "year",
    ]


def test_count_of_counts_only_what_existed_on_the_day(needs):
    measure = CountOf(queryset=_submitted, country="country", date="submitted_at")
    # By 2025-12-31 only n1 and n2 (both Kenya) had been submitted.
    result = measure(datetime.date(2025, 12, 31))
    assert result.total == 2
    assert dict(result.breakdowns["region"]) == {"002": 2}
    assert result.breakdowns["country_group"] == []


def test_count_of_distinct_counts_countries(needs):
    measure = CountOf(queryset=_submitted, country="country", distinct="country")
    # KE, HT, NP, BR: four countries; the Americas (019) hold HT and BR.
    result = measure(AS_OF)
    assert result.total == 4
    assert dict(result.breakdowns["region"]) == {"002": 1, "019": 2, "142": 1}


def test_share_of_gives_percentages_by_group(needs):
    measure = ShareOf(
        queryset=_submitted, country="country", condition=Q(published_at__isnull=False)
    )
    result = measure(AS_OF)
    # 4 of the 5 requests are published: 80 %.
    assert result.total == 80.0
    # Americas: HT published, BR not: 50 %; Africa 2/2 and Asia 1/1: 100 %.
    assert dict(result.breakdowns["region"]) == {"002": 100.0, "019": 50.0, "142": 100.0}
    # LDC: HT and NP, both published.
    assert dict(result.breakdowns["country_group"])["LDC"] == 100.0


def test_share_of_is_none_without_records(db):
    measure = ShareOf(queryset=_submitted, condition=Q(published_at__isnull=False))
    assert measure(AS_OF).total is None


def test_median_days_reads_the_middle_values(needs):
    measure = MedianDays(
        queryset=_published,
        country="country",
        date="published_at",
        start="submitted_at",
        end="published_at",
    )
    result = measure(AS_OF)
    # Delays 10, 4, 20, 2 days: sorted 2, 4, 10, 20 -> (4 + 10) / 2 = 7.
    assert result.total == pytest.approx(7.0)
    # Africa: 10 and 4 -> 7; Americas: 20; Asia: 2.
    assert dict(result.breakdowns["region"]) == pytest.approx({"002": 7.0, "019": 20.0, "142": 2.0})
    # 2025: 10 and 4 -> 7; 2026: 20 and 2 -> 11.
    assert dict(result.breakdowns["year"]) == pytest.approx({"2025": 7.0, "2026": 11.0})


def test_median_days_is_none_without_records(db):
    measure = MedianDays(queryset=_published, start="submitted_at", end="published_at")
    assert measure(AS_OF).total is None


def test_indicator_rounds_values(needs):
    indicator = Indicator(
        code="T.1",
        activity=0,
        name="Share published",
        description="",
        computation="",
        unit=Unit.PERCENT,
        measure=ShareOf(queryset=_published, condition=Q(country__code="KE")),
    )
    # 2 of the 4 published requests are Kenya's: 50 %; by 2026-01-31, 2 of 3 (n1, n2 of
    # n1-n3): 66.666... rounded to 66.67.
    assert indicator.compute(AS_OF).total == 50.0
    assert indicator.compute(datetime.date(2026, 1, 31)).total == pytest.approx(66.67)


def test_each_measure_runs_a_constant_number_of_queries(needs, django_assert_num_queries):
    measure = CountOf(
        queryset=_submitted, country="country", targets="targets", date="submitted_at"
    )
    # The total, region, country, target and year (one GROUP BY each), and the groups in one.
    with django_assert_num_queries(6):
        measure(AS_OF)
    for _ in range(3):
        MatchNeedFactory(country=CountryFactory(code="FR"), submitted_at=_at("2026-03-01"))
    with django_assert_num_queries(6):
        measure(AS_OF)


def test_count_of_stays_exact_when_the_queryset_repeats_records(needs):
    # Filtering through the targets joins n1 twice (T1 and T2): T1 = n1, n5; T2 = n1, n2, n3;
    # the distinct requests are n1, n2, n3 and n5.
    measure = CountOf(
        queryset=lambda as_of: _submitted(as_of).filter(targets__code__in=["GBF-T1", "GBF-T2"]),
        country="country",
    )
    result = measure(AS_OF)
    assert result.total == 4
    # Kenya's n1 and n2; the Americas' n3 (HT) and n5 (BR).
    assert dict(result.breakdowns["region"]) == {"002": 2, "019": 2}


def test_share_of_stays_exact_when_the_condition_joins_many_rows(needs):
    # Requests addressing T2: n1, n2, n3 of the five submitted: 60 %. The condition joins the
    # targets (n1 has two), so the count must not take each joined row for a request.
    measure = ShareOf(queryset=_submitted, country="country", condition=Q(targets__code="GBF-T2"))
    result = measure(AS_OF)
    assert result.total == 60.0
    # Africa: n1, n2 both address T2; the Americas: n3 of n3, n5; Asia: none of n4.
    assert dict(result.breakdowns["region"]) == {"002": 100.0, "019": 50.0, "142": 0.0}
