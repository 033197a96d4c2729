"""The Action Agenda's pages: the four forms, a commitment's page, progress reports, the list
with its facets, statistics, news and questions; who sees and changes what."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from chm_portal.vocabularies.models import GBFTarget, OrganisationType
from commitments.models import (
    ActorType,
    Commitment,
    Deliverable,
    ModerationStatus,
    Phase,
    ProgressReport,
)
from tests.factories import UserFactory

from .factories import (
    CommitmentFactory,
    NewsItemFactory,
    ProgressReportFactory,
    PublishedCommitmentFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db


def _deliverables(rows, initial=0):
    data = {
        "deliverables-TOTAL_FORMS": str(len(rows)),
        "deliverables-INITIAL_FORMS": str(initial),
        "deliverables-MIN_NUM_FORMS": "1",
        "deliverables-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"deliverables-{index}-{key}"] = value
    return data


def _form_data(country, **extra):
    target = GBFTarget.objects.get(code="GBF-T3")
    return {
        "actor_name": "Comuna de Valdivia",
        "country": country.pk,
        "language": "es",
        "title_es": "Proteger el 30 % del humedal",
        "description_es": "Declaramos el humedal urbano área protegida.",
        "targets": [target.pk],
        "scope": "local",
        "audience": "Vecinos",
        "start_date": "2025-03-01",
        "end_date": "2030-03-01",
        "action": "submit",
        **_deliverables(
            [
                {
                    "description": "Área protegida declarada",
                    "indicator": "Superficie protegida",
                    "unit": "ha",
                    "baseline": "0",
                    "target": "300",
                },
                # An extra row left as the page shows it (the baseline starts at 0).
                {"description": "", "indicator": "", "unit": "", "baseline": "0", "target": ""},
            ]
        ),
        **extra,
    }


def test_a_local_government_commits_in_spanish(client, learner, country_b):
    client.force_login(learner)
    with translation.override("es"):
        url = reverse("commitments:create", args=["local_government"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Nivel de gobierno" in page.content.decode() or "level" in page.content.decode()
    response = client.post(url, _form_data(country_b, government_level="city", population="166000"))
    assert response.status_code == 302, response.content.decode()[:3000]
    commitment = Commitment.objects.get()
    assert commitment.actor_type == ActorType.LOCAL_GOVERNMENT
    assert commitment.status == ModerationStatus.SUBMITTED
    assert commitment.title_es == "Proteger el 30 % del humedal"
    assert commitment.population == 166000
    assert list(commitment.deliverables.values_list("unit", flat=True)) == ["ha"]


def test_bad_input_is_shown_in_french_and_nothing_is_saved(client, learner, country_a):
    client.force_login(learner)
    with translation.override("fr"):
        url = reverse("commitments:create", args=["business"])
    data = _form_data(
        country_a,
        end_date="2020-01-01",
        **_deliverables(
            [
                {
                    "description": "Moins de pesticides",
                    "indicator": "Pesticides",
                    "unit": "kg",
                    "baseline": "10",
                    "target": "10",
                }
            ]
        ),
    )
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "Ce champ est obligatoire" in html  # sector and size of a business
    assert "avant la date de début" in html or "start" in html
    assert not Commitment.objects.exists() and not Deliverable.objects.exists()
    # What was typed is still there.
    assert "Moins de pesticides" in html


def test_an_organisation_form_has_the_organisation_fields(client, learner):
    client.force_login(learner)
    html = client.get(reverse("commitments:create", args=["organisation"])).content.decode()
    assert 'name="organisation_type"' in html and 'name="size"' in html
    assert 'name="sector"' not in html and 'name="government_level"' not in html


def test_an_unknown_kind_of_actor_is_404(client, learner):
    client.force_login(learner)
    assert client.get(reverse("commitments:create", args=["spaceship"])).status_code == 404


def test_signing_in_is_needed_to_commit(client):
    response = client.get(reverse("commitments:create", args=["individual"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_owner_edits_and_another_person_cannot(client, learner, member_x, country_a):
    commitment = CommitmentFactory(owner=learner, country=country_a)
    url = reverse("commitments:edit", args=[commitment.pk])
    client.force_login(member_x)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(learner)
    page = client.get(url)
    assert page.status_code == 200
    deliverable = commitment.deliverables.get()
    data = _form_data(
        country_a,
        action="draft",
        **_deliverables(
            [
                {
                    "id": deliverable.pk,
                    "description": "Restore the riverbank",
                    "indicator": "Area restored",
                    "unit": "ha",
                    "baseline": "0",
                    "target": "25",
                }
            ],
            initial=1,
        ),
    )
    data["conflict_check_updated_at"] = page.context["form"].initial["conflict_check_updated_at"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    deliverable.refresh_from_db()
    assert deliverable.target == Decimal("25")


def test_a_draft_is_hidden_from_everyone_but_its_owner_and_moderators(
    client, learner, member_x, helpdesk_user
):
    commitment = CommitmentFactory(owner=learner)
    url = reverse("commitments:commitment_detail", args=[commitment.pk])
    assert client.get(url).status_code == 404
    client.force_login(member_x)
    assert client.get(url).status_code == 404
    for person in (learner, helpdesk_user):
        client.force_login(person)
        assert client.get(url).status_code == 200


def test_a_published_commitment_shows_progress_and_json_ld(client, learner):
    commitment = PublishedCommitmentFactory(owner=learner, title="Riverbank forest")
    report = ProgressReportFactory(commitment=commitment)
    report.values.create(deliverable=commitment.deliverables.get(), value=Decimal("5"))
    ProgressReportFactory(
        commitment=commitment, status=ModerationStatus.SUBMITTED, summary="Secret draft"
    )
    response = client.get(reverse("commitments:commitment_detail", args=[commitment.pk]))
    html = response.content.decode()
    assert "Riverbank forest" in html
    assert 'value="50"' in html  # 5 of 10 ha
    assert "Secret draft" not in html
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "Action" and data["name"] == "Riverbank forest"
    assert data["object"][0]["termCode"] == "GBF-T2"
    assert learner.email not in html


def test_the_owner_submits_and_withdraws_from_the_page(client, learner, member_x):
    commitment = CommitmentFactory(owner=learner)
    submit = reverse("commitments:commitment_action", args=[commitment.pk, "submit"])
    client.force_login(member_x)
    assert client.post(submit).status_code == 404
    client.force_login(learner)
    client.post(submit)
    commitment.refresh_from_db()
    assert commitment.status == ModerationStatus.SUBMITTED
    client.post(reverse("commitments:commitment_action", args=[commitment.pk, "withdraw"]))
    commitment.refresh_from_db()
    assert commitment.status == ModerationStatus.WITHDRAWN


def test_the_owner_reports_progress(client, learner, member_x):
    commitment = PublishedCommitmentFactory(owner=learner)
    deliverable = commitment.deliverables.get()
    url = reverse("commitments:report", args=[commitment.pk])
    client.force_login(member_x)
    assert client.get(url).status_code == 404
    client.force_login(learner)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"period_end": "2025-06-30", "phase": "implementation"})
    assert bad.status_code == 400 and not ProgressReport.objects.exists()
    response = client.post(
        url,
        {
            "period_end": "2025-06-30",
            "phase": "implementation",
            "summary": "Half of it is planted.",
            f"value_{deliverable.pk}": "5",
            f"note_{deliverable.pk}": "spring",
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.status == ModerationStatus.SUBMITTED
    assert report.values.get().value == Decimal("5")
    commitment.refresh_from_db()
    assert commitment.phase == Phase.IMPLEMENTATION


def test_my_commitments(client, learner):
    CommitmentFactory(owner=learner, title="Mine")
    CommitmentFactory(title="Not mine")
    client.force_login(learner)
    html = client.get(reverse("commitments:mine")).content.decode()
    assert "Mine" in html and "Not mine" not in html


# --- Public pages --------------------------------------------------------------------------------
def test_the_list_has_facets_and_only_published_commitments(client, django_assert_max_num_queries):
    for index in range(12):
        PublishedCommitmentFactory(
            title=f"Published {index}",
            actor_type=ActorType.BUSINESS if index % 2 else ActorType.INDIVIDUAL,
            sector="agriculture" if index % 2 else "",
        )
    CommitmentFactory(title="Draft one")
    url = reverse("commitments:commitments_list")
    with django_assert_max_num_queries(25):
        response = client.get(url, {"actor_type": "business"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Draft one" not in html
    assert html.count("Published ") == 6
    assert 'name="phase"' in html and 'name="target"' in html


def test_the_list_query_count_does_not_grow(client):
    for index in range(3):
        PublishedCommitmentFactory(title=f"P{index}")
    url = reverse("commitments:commitments_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": ""})
    for index in range(15):
        PublishedCommitmentFactory(title=f"Q{index}")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": ""})
    assert len(many) == len(few)


def test_exports_and_feed_hold_public_commitments_only(client):
    PublishedCommitmentFactory(title="Public pledge")
    CommitmentFactory(title="Hidden pledge", status=ModerationStatus.SUBMITTED)
    csv = b"".join(client.get(reverse("commitments:commitments_export_csv")).streaming_content)
    assert b"Public pledge" in csv and b"Hidden pledge" not in csv
    feed = client.get(reverse("commitments:commitments_feed")).content
    assert b"Public pledge" in feed and b"Hidden pledge" not in feed


def test_statistics_count_published_commitments(client):
    t3 = GBFTarget.objects.get(code="GBF-T3")
    PublishedCommitmentFactory(actor_type=ActorType.BUSINESS, targets=[t3], sector="finance")
    PublishedCommitmentFactory(actor_type=ActorType.BUSINESS, phase=Phase.EVALUATION)
    PublishedCommitmentFactory(actor_type=ActorType.INDIVIDUAL)
    CommitmentFactory(actor_type=ActorType.BUSINESS)  # a draft: not counted
    response = client.get(reverse("commitments:statistics"))
    statistics = response.context["statistics"]
    actors = {row["code"]: row["count"] for row in statistics["by_actor_type"]}
    assert actors == {"individual": 1, "organisation": 0, "business": 2, "local_government": 0}
    targets = {row["code"]: row["count"] for row in statistics["by_target"]}
    assert targets["GBF-T3"] == 1 and targets["GBF-T2"] == 2
    phases = {row["code"]: row["count"] for row in statistics["by_phase"]}
    assert phases["evaluation"] == 1 and phases["planning"] == 2
    assert statistics["totals"]["commitments"] == 3
    assert "66.7" in response.content.decode()  # the share of businesses


def test_home_news_and_questions(client):
    PublishedCommitmentFactory(title="Home pledge")
    story = NewsItemFactory(title="A wetland saved", kind="story")
    NewsItemFactory(title="Unpublished news", is_published=False)
    QuestionFactory(question="Who can commit?", answer="Anyone.")
    QuestionFactory(question="Hidden question?", is_published=False)
    home = client.get(reverse("commitments:index")).content.decode()
    assert "Home pledge" in home and "A wetland saved" in home
    assert "Unpublished news" not in home
    assert client.get(reverse("commitments:news_detail", args=[story.pk])).status_code == 200
    faq = client.get(reverse("commitments:faq")).content.decode()
    assert "Who can commit?" in faq and "Hidden question?" not in faq
    assert '"FAQPage"' in faq


def test_pages_in_french_and_spanish(client):
    PublishedCommitmentFactory()
    for language, words in (("fr", "Engagements"), ("es", "Compromisos")):
        with translation.override(language):
            url = reverse("commitments:statistics")
        html = client.get(url).content.decode()
        assert f'lang="{language}"' in html
        assert words in html


def test_an_approved_organisation_can_be_linked(client, learner, organisation_x, country_a):
    client.force_login(learner)
    ngo = OrganisationType.objects.get(code="ngo")
    data = _form_data(
        country_a,
        organisation=organisation_x.pk,
        organisation_type=ngo.pk,
        size="small",
        action="draft",
    )
    response = client.post(reverse("commitments:create", args=["organisation"]), data)
    assert response.status_code == 302
    assert Commitment.objects.get().organisation == organisation_x


def test_a_stranger_cannot_see_an_unpublished_report_values_through_the_page(client):
    commitment = PublishedCommitmentFactory()
    report = ProgressReportFactory(commitment=commitment, status=ModerationStatus.SUBMITTED)
    report.values.create(deliverable=commitment.deliverables.get(), value=Decimal("9"))
    stranger = UserFactory()
    client.force_login(stranger)
    html = client.get(reverse("commitments:commitment_detail", args=[commitment.pk])).content
    assert b'value="90"' not in html
    assert b"Half of the riverbank" not in html


@pytest.mark.parametrize("page", ["index", "statistics", "detail", "mine"])
def test_pages_take_as_many_queries_with_many_commitments_as_with_few(client, learner, page):
    def visit() -> int:
        cache.clear()
        first = Commitment.objects.filter(owner=learner).order_by("pk").first()
        url = {
            "index": reverse("commitments:index"),
            "statistics": reverse("commitments:statistics"),
            "detail": reverse("commitments:commitment_detail", args=[first.pk]),
            "mine": reverse("commitments:mine"),
        }[page]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(count: int) -> None:
        for _index in range(count):
            commitment = PublishedCommitmentFactory(owner=learner)
            report = ProgressReportFactory(commitment=commitment)
            report.values.create(deliverable=commitment.deliverables.get(), value=Decimal("3"))
            NewsItemFactory(commitment=commitment)
        first = Commitment.objects.filter(owner=learner).order_by("pk").first()
        for _index in range(count):
            ProgressReportFactory(commitment=first)

    client.force_login(learner)
    add(2)
    few = visit()
    add(8)
    assert visit() == few
