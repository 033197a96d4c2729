"""The common assessment format: starting (or resuming) an assessment, saving it row by row,
submitting it and turning its high-priority gaps into draft requests."""

import pytest
from django.urls import reverse
from django.utils import timezone

from chm_portal.vocabularies.models import GBFTarget, Priority, ThematicArea
from needs import services
from needs.models import Assessment, AssessmentEntry, Need

pytestmark = pytest.mark.django_db

LIST = reverse("needs:assessment_list")
START = reverse("needs:assessment_start")


def edit_url(assessment: Assessment) -> str:
    return reverse("needs:assessment_edit", args=[assessment.pk])


@pytest.fixture
def assessment_a(focal_point_a, country_a) -> Assessment:
    """Kenya's assessment of 2026, opened by Amani."""
    return services.assessment_start(country=country_a, cycle=2026, by=focal_point_a)


def row_data(target: GBFTarget, **values) -> dict:
    data = {
        "target": target.pk,
        "thematic_area": "",
        "capacity_individual": "1",
        "capacity_organisational": "2",
        "capacity_systemic": "0",
        "gap_description": "No trained staff in the counties.",
        "priority": Priority.objects.get(code="high").pk,
    }
    data.update(values)
    return data


def test_a_focal_point_starts_and_resumes_an_assessment(client, focal_point_a, country_a):
    client.force_login(focal_point_a)
    page = client.get(LIST)
    assert page.status_code == 200
    assert page.context["start_form"]["cycle"].value() == timezone.now().year
    assert page.context["start_form"]["country"].value() == country_a.pk

    first = client.post(START, {"country": country_a.pk, "cycle": 2026})
    second = client.post(START, {"country": country_a.pk, "cycle": 2026})

    assessment = Assessment.objects.get()
    assert first.url == second.url == edit_url(assessment)
    assert assessment.country == country_a and assessment.cycle == 2026
    assert "Kenya" in client.get(LIST).content.decode()


def test_a_bad_cycle_is_refused(client, focal_point_a, country_a):
    client.force_login(focal_point_a)

    response = client.post(START, {"country": country_a.pk, "cycle": 1999})

    assert response.status_code == 200
    assert "cycle" in response.context["start_form"].errors
    assert not Assessment.objects.exists()


def test_the_page_has_a_row_per_target_and_shows_progress(client, focal_point_a, assessment_a):
    client.force_login(focal_point_a)

    response = client.get(edit_url(assessment_a))

    content = response.content.decode()
    assert len(response.context["rows"]) == 23
    for number in (1, 12, 23):
        assert f'id="target-{number}"' in content
    assert "0 of 23 targets assessed" in content
    assert '<progress id="assessment-progress" max="23" value="0"' in content
    assert "js/assessment.js" in content
    assert "<script>" not in content  # no inline script


def test_saving_a_row_saves_it_and_comes_back_to_it(client, focal_point_a, assessment_a):
    target = GBFTarget.objects.get(number=3)
    client.force_login(focal_point_a)

    response = client.post(edit_url(assessment_a), row_data(target))

    assert response.status_code == 302
    assert response.url == f"{edit_url(assessment_a)}#target-3"
    entry = AssessmentEntry.objects.get(assessment=assessment_a)
    assert (entry.capacity_individual, entry.capacity_organisational, entry.capacity_systemic) == (
        1,
        2,
        0,
    )
    assert entry.priority.code == "high"
    page = client.get(response.url)
    assert "1 of 23 targets assessed" in page.content.decode()
    assert page.context["rows"][2]["form"]["capacity_individual"].value() == 1


def test_saving_a_row_with_javascript_answers_json(client, focal_point_a, assessment_a):
    target = GBFTarget.objects.get(number=7)
    client.force_login(focal_point_a)

    response = client.post(
        edit_url(assessment_a), row_data(target), headers={"X-Requested-With": "fetch"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "saved": True,
        "assessed": 1,
        "total": 23,
        "progress_text": "1 of 23 targets assessed",
    }


def test_a_score_off_the_scale_is_refused(client, focal_point_a, assessment_a):
    target = GBFTarget.objects.get(number=3)
    client.force_login(focal_point_a)

    page = client.post(edit_url(assessment_a), row_data(target, capacity_individual="9"))
    json = client.post(
        edit_url(assessment_a),
        row_data(target, capacity_individual="9"),
        headers={"X-Requested-With": "fetch"},
    )

    assert page.status_code == 200
    assert page.context["rows"][2]["form"].errors["capacity_individual"]
    assert json.status_code == 400 and json.json()["saved"] is False
    assert not AssessmentEntry.objects.exists()


def test_a_thematic_area_row_is_added_under_its_target(client, focal_point_a, assessment_a):
    target = GBFTarget.objects.get(number=10)
    area = ThematicArea.objects.get(code="agrobiodiversity")
    client.force_login(focal_point_a)

    response = client.post(
        edit_url(assessment_a),
        {"action": "add_row", "target": target.pk, "thematic_area": area.pk},
    )

    assert response.url == f"{edit_url(assessment_a)}#target-10-agrobiodiversity"
    saved = client.post(
        edit_url(assessment_a), row_data(target, thematic_area=area.pk, capacity_systemic="3")
    )
    assert saved.url == f"{edit_url(assessment_a)}#target-10-agrobiodiversity"
    entry = AssessmentEntry.objects.get(assessment=assessment_a, thematic_area=area)
    assert entry.capacity_systemic == 3
    assert len(client.get(edit_url(assessment_a)).context["rows"]) == 24


def test_submitting_shows_the_largest_gaps(client, focal_point_a, assessment_a):
    client.force_login(focal_point_a)
    for number, score in ((2, "0"), (8, "4")):
        target = GBFTarget.objects.get(number=number)
        client.post(
            edit_url(assessment_a),
            row_data(
                target,
                capacity_individual=score,
                capacity_organisational=score,
                capacity_systemic=score,
            ),
        )

    response = client.post(reverse("needs:assessment_submit", args=[assessment_a.pk]))

    assert response.status_code == 302
    assessment_a.refresh_from_db()
    assert assessment_a.status == Assessment.Status.SUBMITTED
    page = client.get(edit_url(assessment_a))
    gaps = list(page.context["largest_gaps"])
    assert gaps[0]["target__code"] == "GBF-T2" and gaps[0]["gap"] == 4
    assert "Largest capacity gaps" in page.content.decode()


def test_an_empty_assessment_cannot_be_submitted(client, focal_point_a, assessment_a):
    client.force_login(focal_point_a)

    response = client.post(reverse("needs:assessment_submit", args=[assessment_a.pk]), follow=True)

    assert "Assess at least one target before submitting." in response.content.decode()
    assessment_a.refresh_from_db()
    assert assessment_a.status == Assessment.Status.DRAFT


def test_high_priority_gaps_become_draft_requests(client, focal_point_a, assessment_a):
    client.force_login(focal_point_a)
    high, low = GBFTarget.objects.get(number=3), GBFTarget.objects.get(number=4)
    client.post(edit_url(assessment_a), row_data(high))
    client.post(edit_url(assessment_a), row_data(low, priority=Priority.objects.get(code="low").pk))

    response = client.post(reverse("needs:assessment_draft_needs", args=[assessment_a.pk]))

    assert response.status_code == 302
    assert response.url == reverse("needs:my_requests")
    need = Need.objects.get()
    assert need.status == Need.Status.DRAFT
    assert list(need.targets.all()) == [high]
    # Individual (1) and enabling environment (0) were scored as lacking; organisational (2) not.
    assert set(need.capacity_levels.values_list("code", flat=True)) == {"individual", "systemic"}
    assert need.assessment_entry.target == high
    page = client.get(response.url).content.decode()
    assert "1 draft request created" in page


def test_ticked_gaps_become_draft_requests(client, focal_point_a, assessment_a):
    client.force_login(focal_point_a)
    low = GBFTarget.objects.get(number=4)
    client.post(edit_url(assessment_a), row_data(low, priority=Priority.objects.get(code="low").pk))
    entry = AssessmentEntry.objects.get()

    client.post(
        reverse("needs:assessment_draft_needs", args=[assessment_a.pk]), {"entries": [entry.pk]}
    )

    assert Need.objects.get().assessment_entry == entry


def test_drafting_without_high_priority_gaps_says_so(client, focal_point_a, assessment_a):
    client.force_login(focal_point_a)
    low = GBFTarget.objects.get(number=4)
    client.post(edit_url(assessment_a), row_data(low, priority=Priority.objects.get(code="low").pk))

    response = client.post(
        reverse("needs:assessment_draft_needs", args=[assessment_a.pk]), follow=True
    )

    assert "Every high-priority gap already has a request." in response.content.decode()
    assert not Need.objects.exists()


# --- Who may do what -----------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(client, assessment_a):
    for url in (LIST, edit_url(assessment_a)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_people_without_a_role_may_not_assess(client, learner, assessment_a):
    client.force_login(learner)

    assert client.get(LIST).status_code == 403
    assert (
        client.post(START, {"country": assessment_a.country_id, "cycle": 2026}).status_code == 403
    )
    assert client.get(edit_url(assessment_a)).status_code == 404


def test_another_countrys_focal_point_does_not_see_the_assessment(
    client, focal_point_b, assessment_a, country_a
):
    target = GBFTarget.objects.get(number=3)
    client.force_login(focal_point_b)

    assert client.get(edit_url(assessment_a)).status_code == 404
    assert client.post(edit_url(assessment_a), row_data(target)).status_code == 404
    for name in ("assessment_submit", "assessment_draft_needs"):
        assert client.post(reverse(f"needs:{name}", args=[assessment_a.pk])).status_code == 404
    # Kenya is not offered to Beatriz.
    response = client.post(START, {"country": country_a.pk, "cycle": 2026})
    assert "country" in response.context["start_form"].errors
    assert not AssessmentEntry.objects.exists()


def test_a_colleague_and_the_help_desk_work_on_the_assessment(
    client, colleague_a, helpdesk_user, assessment_a
):
    for person, number in ((colleague_a, 5), (helpdesk_user, 6)):
        client.force_login(person)
        response = client.post(
            edit_url(assessment_a), row_data(GBFTarget.objects.get(number=number))
        )
        assert response.status_code == 302
    assert AssessmentEntry.objects.filter(assessment=assessment_a).count() == 2


@pytest.mark.parametrize("count", [1, 23])
def test_the_page_queries_do_not_grow_with_entries(
    client, focal_point_a, assessment_a, count, django_assert_num_queries
):
    high = Priority.objects.get(code="high")
    for target in GBFTarget.objects.all()[:count]:
        services.assessment_save_entry(
            assessment=assessment_a,
            by=focal_point_a,
            target=target,
            capacity_individual=1,
            priority=high,
        )
    client.force_login(focal_point_a)

    # 1 session, 2 user, 3 staff groups and 4 focal-point countries (whose assessments the
    # person sees), 5 the assessment, 6 targets, 7 priorities, 8 entries with targets, areas,
    # priorities and request counts, 9 the gaps offered as draft requests, 10 targets and
    # 11 thematic areas of the "add a row" form, 12 unread inbox messages (header).
    with django_assert_num_queries(12):
        response = client.get(edit_url(assessment_a))

    assert f"{count} of 23 targets assessed" in response.content.decode()
