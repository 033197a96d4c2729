"""The public summary of capacity assessments: latest submitted one per Party, largest gaps."""

import pytest

from chm_portal.vocabularies.models import GBFTarget, Priority
from needs import services

pytestmark = pytest.mark.django_db


def _assess(*, country, by, cycle, scores, submit=True):
    assessment = services.assessment_start(country=country, cycle=cycle, by=by)
    high = Priority.objects.get(code="high")
    for number, (individual, organisational, systemic) in scores.items():
        services.assessment_save_entry(
            assessment=assessment,
            by=by,
            target=GBFTarget.objects.get(number=number),
            capacity_individual=individual,
            capacity_organisational=organisational,
            capacity_systemic=systemic,
            priority=high,
        )
    if submit:
        services.assessment_submit(assessment=assessment, by=by)
    return assessment


def test_anyone_sees_the_latest_submitted_assessments_and_their_largest_gaps(
    client, country_a, country_b, focal_point_a, focal_point_b
):
    # Kenya: 2025 (older) and 2026; T6 has the largest gap in 2026: 4 - (0+0+1)/3 = 3.7.
    _assess(country=country_a, by=focal_point_a, cycle=2025, scores={1: (0, 0, 0)})
    _assess(
        country=country_a,
        by=focal_point_a,
        cycle=2026,
        scores={6: (0, 0, 1), 21: (2, 2, 2), 3: (4, 4, 4)},
    )
    # Brazil's draft is not public.
    _assess(country=country_b, by=focal_point_b, cycle=2026, scores={2: (0, 0, 0)}, submit=False)

    response = client.get("/en/needs/capacity/")

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(assessment.country.code, assessment.cycle) for assessment, _gaps in rows] == [
        ("KE", 2026)
    ]
    gaps = rows[0][1]
    assert [gap["target"] for gap in gaps] == ["GBF-T6", "GBF-T21", "GBF-T3"]
    assert gaps[0]["gap"] == pytest.approx(4 - 1 / 3)
    assert "GBF-T6" in response.content.decode()


def test_the_summary_page_has_a_constant_number_of_queries(
    client, django_assert_num_queries, country_a, focal_point_a
):
    _assess(country=country_a, by=focal_point_a, cycle=2026, scores={6: (0, 0, 1)})
    # Queries: count of assessments (paginator), the page of assessments with their country,
    # the gaps of every assessment on the page.
    with django_assert_num_queries(3):
        assert client.get("/en/needs/capacity/").status_code == 200
