"""The commitments API: public reads, the owner's writes, moderation, progress reports and
statistics; the permission matrix."""

from decimal import Decimal

import pytest

from commitments.models import Commitment, ModerationStatus, Phase, ProgressReport

from .factories import CommitmentFactory, ProgressReportFactory, PublishedCommitmentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/commitments/"


def _payload(**extra):
    return {
        "actor_type": "business",
        "actor_name": "Green Coffee Ltd",
        "sector": "agriculture",
        "size": "medium",
        "country": "KE",
        "title": "Deforestation-free coffee by 2027",
        "description": "All our coffee is traced to farms that keep their forest.",
        "language": "en",
        "targets": ["GBF-T15", "GBF-T10"],
        "scope": "national",
        "audience": "Suppliers",
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
        "deliverables": [
            {
                "description": "Traced coffee",
                "indicator": "Share of coffee traced",
                "unit": "%",
                "baseline": "20",
                "target": "100",
            }
        ],
        **extra,
    }


def test_anyone_reads_published_commitments_only(api_client):
    PublishedCommitmentFactory(title="Open pledge")
    CommitmentFactory(title="Draft pledge")
    CommitmentFactory(title="Waiting pledge", status=ModerationStatus.SUBMITTED)
    response = api_client.get(URL)
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == ["Open pledge"]
    assert "moderation_note" not in response.json()["results"][0]
    assert "owner" not in response.json()["results"][0]


def test_filters_of_the_list(api_client):
    PublishedCommitmentFactory(title="Business", actor_type="business", sector="finance")
    PublishedCommitmentFactory(title="Person")
    response = api_client.get(URL, {"actor_type": "business"})
    assert [row["title"] for row in response.json()["results"]] == ["Business"]
    assert api_client.get(URL, {"phase": "dreaming"}).status_code == 400


def test_a_person_creates_and_submits_a_commitment(api_client, learner):
    api_client.force_authenticate(learner)
    response = api_client.post(URL, _payload(submit=True), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["targets"] == ["GBF-T10", "GBF-T15"] or set(body["targets"]) == {
        "GBF-T10",
        "GBF-T15",
    }
    assert body["deliverables"][0]["unit"] == "%"
    assert Commitment.objects.get().owner == learner


def test_bad_input_is_400_and_names_the_fields(api_client, learner):
    api_client.force_authenticate(learner)
    unknown = api_client.post(URL, _payload(status="published"), format="json")
    assert unknown.status_code == 400 and "status" in unknown.json()
    response = api_client.post(URL, _payload(country="ZZ", targets=["GBF-T99"]), format="json")
    assert response.status_code == 400
    assert {"country", "targets"} <= set(response.json())
    response = api_client.post(URL, _payload(sector="", deliverables=[]), format="json")
    assert response.status_code == 400
    assert {"sector", "deliverables"} & set(response.json())
    assert not Commitment.objects.exists()


def test_anonymous_people_do_not_write(api_client):
    assert api_client.post(URL, _payload(), format="json").status_code in (401, 403)


def test_the_permission_matrix_of_changes(api_client, learner, member_x, helpdesk_user):
    commitment = CommitmentFactory(owner=learner)
    detail = f"{URL}{commitment.pk}/"
    # Others do not even see a draft.
    api_client.force_authenticate(member_x)
    assert api_client.get(detail).status_code == 404
    assert api_client.post(f"{detail}submit/").status_code == 404
    # The owner sees it with the moderators' message, and submits it.
    api_client.force_authenticate(learner)
    assert "moderation_note" in api_client.get(detail).json()
    assert api_client.post(f"{detail}publish/").status_code == 403
    assert api_client.post(f"{detail}submit/").json()["status"] == "submitted"
    # The help desk returns it, then publishes it once resubmitted.
    api_client.force_authenticate(helpdesk_user)
    assert api_client.post(f"{detail}return/", {"note": ""}, format="json").status_code == 400
    returned = api_client.post(f"{detail}return/", {"note": "Add a baseline."}, format="json")
    assert returned.json()["status"] == "returned"
    api_client.force_authenticate(learner)
    api_client.post(f"{detail}submit/")
    api_client.force_authenticate(helpdesk_user)
    assert api_client.post(f"{detail}publish/").json()["status"] == "published"
    # Now public, others read it but do not change it.
    api_client.force_authenticate(member_x)
    assert api_client.get(detail).status_code == 200
    assert api_client.put(detail, _payload(), format="json").status_code == 403
    assert api_client.post(f"{detail}withdraw/").status_code == 403


def test_the_owner_updates_a_commitment(api_client, learner):
    api_client.force_authenticate(learner)
    created = api_client.post(URL, _payload(), format="json").json()
    deliverable = created["deliverables"][0]
    response = api_client.put(
        f"{URL}{created['id']}/",
        _payload(
            title="Deforestation-free coffee by 2026",
            deliverables=[
                {**_payload()["deliverables"][0], "id": deliverable["id"], "target": "90"}
            ],
        ),
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Deforestation-free coffee by 2026"
    assert response.json()["deliverables"][0]["target"] == "90.00"
    changed_kind = api_client.put(
        f"{URL}{created['id']}/", _payload(actor_type="individual"), format="json"
    )
    assert changed_kind.status_code == 400


def test_progress_reports_through_the_api(api_client, learner, member_x):
    commitment = PublishedCommitmentFactory(owner=learner)
    deliverable = commitment.deliverables.get()
    ProgressReportFactory(commitment=commitment, status=ModerationStatus.SUBMITTED)
    reports = f"{URL}{commitment.pk}/reports/"
    assert api_client.get(reports).json() == []  # the submitted one is not public
    body = {
        "period_end": "2025-06-30",
        "phase": "implementation",
        "summary": "Half done.",
        "values": [{"deliverable": deliverable.pk, "value": "5"}],
    }
    api_client.force_authenticate(member_x)
    assert api_client.post(reports, body, format="json").status_code == 403
    api_client.force_authenticate(learner)
    response = api_client.post(reports, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["values"][0]["value"] == "5.00"
    assert len(api_client.get(reports).json()) == 2  # the owner sees both
    assert ProgressReport.objects.filter(status="submitted").count() == 2
    commitment.refresh_from_db()
    assert commitment.phase == Phase.IMPLEMENTATION
    missing = api_client.post(reports, {**body, "values": []}, format="json")
    assert missing.status_code == 400 and "values" in missing.json()


def test_phase_change(api_client, learner):
    commitment = PublishedCommitmentFactory(owner=learner)
    api_client.force_authenticate(learner)
    response = api_client.post(
        f"{URL}{commitment.pk}/phase/", {"phase": "evaluation"}, format="json"
    )
    assert response.json()["phase"] == "evaluation"


def test_statistics_follow_the_filters(api_client):
    PublishedCommitmentFactory(actor_type="business", sector="finance")
    PublishedCommitmentFactory(actor_type="individual", is_biosafety=True)
    CommitmentFactory(actor_type="business")
    everything = api_client.get(f"{URL}statistics/").json()
    assert everything["totals"]["commitments"] == 2
    assert everything["totals"]["biosafety"] == 1
    businesses = api_client.get(f"{URL}statistics/", {"actor_type": "business"}).json()
    counts = {row["code"]: row["count"] for row in businesses["by_actor_type"]}
    assert counts["business"] == 1 and counts["individual"] == 0
    assert Decimal(businesses["totals"]["deliverables"]) == 1
