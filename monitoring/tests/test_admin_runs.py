"""The admin of recomputes, values and gap cells: read-only lists, and the help desk's
"Recompute the indicators now" button (a confirmation page, then a run handed to a worker).

The registry is one indicator built here (``T.1``: published evaluations), so that a recompute is
quick and its result known: with the two evaluations of ``records`` it writes one total of 2 and
one ``kind`` row of 2 (both are of an activity).
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from chm_portal.accounts.roles import sync_staff_groups
from monitoring import indicators as registry
from monitoring import tasks
from monitoring.indicators.base import CountOf, Indicator, Unit, end_of
from monitoring.models import Evaluation, GapCell, IndicatorValue, RecomputeRun
from monitoring.tests.factories import EvaluationFactory, IndicatorValueFactory

S = RecomputeRun.Status
CHANGELIST = "admin:monitoring_recomputerun_changelist"
REQUEST = "admin:monitoring_recomputerun_request"


def published_evaluations(as_of: datetime.date):
    return Evaluation.objects.filter(
        status=Evaluation.Status.PUBLISHED, published_at__lt=end_of(as_of)
    )


EVALUATIONS = Indicator(
    code="T.1",
    activity=9,
    name="Evaluations done",
    description="Published evaluations.",
    computation="Count of published evaluations.",
    unit=Unit.COUNT,
    measure=CountOf(queryset=published_evaluations, extra={"kind": "subject"}),
)


@pytest.fixture(autouse=True)
def small_registry(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {"T.1": EVALUATIONS})
    monkeypatch.setattr("monitoring.gaps.compute_gap_cells", lambda as_of: [])


@pytest.fixture
def records(db):
    now = timezone.now()
    for days in (40, 10):
        EvaluationFactory(published_at=now - datetime.timedelta(days=days))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The button -------------------------------------------------------------------------------
@pytest.mark.parametrize("person", ["helpdesk_user", "site_admin"])
def test_the_button_is_on_the_list_for_the_help_desk(client, request, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="{reverse(REQUEST)}"' in page
    assert "Recompute the indicators now" in page
    # Runs are never added by hand.
    assert "Add indicator recompute" not in page


def test_the_confirmation_page_asks_before_recomputing(client, helpdesk_user, records):
    RecomputeRun.objects.create(as_of=datetime.date(2026, 6, 30), trigger="schedule")
    client.force_login(helpdesk_user)

    response = client.get(reverse(REQUEST))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The 1 indicator will be computed again as of today" in page
    assert "Last run: values as of June 30, 2026" in page
    assert '<input type="submit" value="Recompute the indicators now"' in page
    assert RecomputeRun.objects.count() == 1  # GET asks, does nothing


def test_posting_records_a_run_that_a_worker_computes(
    client, helpdesk_user, records, django_capture_on_commit_callbacks
):
    client.force_login(helpdesk_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(REQUEST))

    assert response.status_code == 302
    assert response.url == reverse(CHANGELIST)
    run = RecomputeRun.objects.get()
    assert (run.trigger, run.requested_by, run.as_of) == (
        RecomputeRun.Trigger.ADMIN,
        helpdesk_user,
        timezone.localdate(),
    )
    # Eager Celery: the task ran once the request's transaction committed.
    assert run.status == S.SUCCEEDED
    assert set(IndicatorValue.objects.values_list("dimension", "key", "value")) == {
        ("", "", 2.0),
        ("kind", "activity", 2.0),
    }
    assert messages_of(response) == [
        f"The recompute as of {run.as_of.isoformat()} is recorded; a worker will compute it "
        "within a few minutes. This list shows when it is done."
    ]


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_run_is_done_when_the_page_comes_back(client):
    # Real transactions, as in production: the task is sent (and, eager, run) at once.
    from chm_portal.accounts.roles import Role
    from tests.factories import UserFactory

    sync_staff_groups(apps)  # the flush of transactional tests empties the staff groups
    hana = UserFactory(email="hana@chm-portal.example", staff_roles=[Role.HELPDESK])
    EvaluationFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(hana)

    response = client.post(reverse(REQUEST), follow=True)

    run = RecomputeRun.objects.get()
    assert run.status == S.SUCCEEDED
    assert [str(m) for m in response.context["messages"]] == [
        f"The indicators were recomputed as of {run.as_of.isoformat()}: 2 values written."
    ]
    assert "Succeeded" in response.content.decode()


def test_with_the_broker_down_the_run_waits(
    monkeypatch, client, helpdesk_user, records, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis refused the connection")

    monkeypatch.setattr(tasks.run_recompute, "delay", broker_down)
    client.force_login(helpdesk_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(REQUEST))

    assert response.status_code == 302
    assert RecomputeRun.objects.get().status == S.PENDING
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("person", ["reviewer_user", "focal_point_a", "member_x"])
def test_others_may_not_request_a_recompute(client, request, person):
    client.force_login(request.getfixturevalue(person))

    get = client.get(reverse(REQUEST))
    post = client.post(reverse(REQUEST))

    if request.getfixturevalue(person).is_staff:
        assert (get.status_code, post.status_code) == (403, 403)
    else:  # the admin sends people who are not staff to its login page
        assert get.status_code == post.status_code == 302
        assert "/login/" in post.url
    assert not RecomputeRun.objects.exists()


def test_the_button_is_hidden_from_staff_without_the_permission(client, reviewer_user):
    reviewer_user.user_permissions.add(
        *apps.get_model("auth", "Permission").objects.filter(codename="view_recomputerun")
    )
    client.force_login(reviewer_user)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert reverse(REQUEST) not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.post(reverse(REQUEST))

    assert response.status_code == 302
    assert not RecomputeRun.objects.exists()


# --- The lists ------------------------------------------------------------------------------------
@pytest.mark.parametrize("runs", [2, 12])
def test_the_list_of_runs_shows_each_run_in_fixed_queries(
    client, helpdesk_user, runs, django_assert_max_num_queries
):
    start = timezone.now() - datetime.timedelta(hours=2)
    RecomputeRun.objects.create(
        as_of=datetime.date(2026, 6, 30),
        trigger=RecomputeRun.Trigger.ADMIN,
        requested_by=helpdesk_user,
        status=S.SUCCEEDED,
        started_at=start,
        finished_at=start + datetime.timedelta(seconds=2.5),
        indicators_computed=35,
        values_written=4321,
    )
    for n in range(runs - 1):
        RecomputeRun.objects.create(
            as_of=datetime.date(2026, 5, 1) + datetime.timedelta(days=n),
            trigger=RecomputeRun.Trigger.SCHEDULE,
            status=S.FAILED,
            error="boom",
        )
    client.force_login(helpdesk_user)

    with django_assert_max_num_queries(12):
        response = client.get(reverse(CHANGELIST))

    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Staff, from the admin", "Succeeded", "Failed", "2.5 s", "4321", "Hana Kim"):
        assert text in page
    assert page.count('class="field-as_of') == runs


def test_a_run_is_read_only(client, helpdesk_user):
    run = RecomputeRun.objects.create(
        as_of=datetime.date(2026, 6, 30), trigger="schedule", status=S.FAILED, error="boom"
    )
    client.force_login(helpdesk_user)
    url = reverse("admin:monitoring_recomputerun_change", args=[run.pk])

    page = client.get(url)
    client.post(url, {"status": S.SUCCEEDED, "error": ""})

    assert page.status_code == 200
    assert "boom" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    run.refresh_from_db()
    assert (run.status, run.error) == (S.FAILED, "boom")
    assert client.get(reverse("admin:monitoring_recomputerun_add")).status_code == 403
    assert (
        client.post(reverse("admin:monitoring_recomputerun_delete", args=[run.pk])).status_code
        == 403
    )


def test_values_are_listed_read_only_with_their_filters(client, helpdesk_user):
    day = datetime.date(2026, 6, 30)
    IndicatorValueFactory(indicator="T.1", date=day, value=2)
    IndicatorValueFactory(indicator="T.1", date=day, dimension="kind", key="activity", value=2)
    IndicatorValueFactory(indicator="9.9", date=day, value=7)
    client.force_login(helpdesk_user)
    url = reverse("admin:monitoring_indicatorvalue_changelist")

    everything = client.get(url).content.decode()
    one = client.get(url, {"indicator": "T.1", "dimension": "kind"})

    assert "T.1 Evaluations done" in everything  # the registry's indicators in the filter
    assert one.status_code == 200
    assert list(one.context["cl"].queryset.values_list("indicator", "key")) == [("T.1", "activity")]
    value = IndicatorValue.objects.first()
    assert client.get(reverse("admin:monitoring_indicatorvalue_add")).status_code == 403
    change = client.post(
        reverse("admin:monitoring_indicatorvalue_change", args=[value.pk]), {"value": 99}
    )
    assert change.status_code in (200, 403)
    value.refresh_from_db()
    assert value.value != 99


def test_gap_cells_are_listed_read_only(client, helpdesk_user):
    GapCell.objects.create(
        date=datetime.date(2026, 6, 30), target="GBF-T3", measure="needs", value=4
    )
    GapCell.objects.create(
        date=datetime.date(2026, 6, 30), target="GBF-T3", measure="offers", scope="region:002"
    )
    client.force_login(helpdesk_user)
    url = reverse("admin:monitoring_gapcell_changelist")

    response = client.get(url, {"measure": "offers"})

    assert response.status_code == 200
    assert list(response.context["cl"].queryset.values_list("scope", flat=True)) == ["region:002"]
    assert client.get(reverse("admin:monitoring_gapcell_add")).status_code == 403
