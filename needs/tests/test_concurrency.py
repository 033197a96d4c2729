"""Two people acting on the same request at once: one wins, the other is told it moved on.

The first test plays the race in one thread (both load the page, then act one after the other).
The PostgreSQL tests run it for real in two threads with their own connections, which shows that
the row lock (``select_for_update``) serialises the transitions and the reference numbers; SQLite
locks the whole database instead, so they are skipped there (CI runs the suite on PostgreSQL too).
"""

import threading
import time

import pytest
from django.db import connection, transaction

from chm_portal.core.services import reference_next
from needs import services
from needs.models import Need, NeedEvent
from needs.workflow import TransitionNotAllowed

from .conftest import COMPLETE_FIELDS

A = NeedEvent.Action
S = Need.Status

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks and concurrent connections"
)
# Each thread commits for real, so these tests run outside the test transaction. They make what
# they need themselves and read no reference data: a transactional test that ran before them may
# have emptied the tables (and serialized_rollback clashes with the staff groups that accounts
# recreates after each flush).
real_transactions = pytest.mark.django_db(transaction=True)


@pytest.fixture
def request_in_triage(focal_point_a, country_a):
    """Amani's Kenyan request, in triage; made without vocabulary codes (see above)."""
    need = services.need_create(
        by=focal_point_a, country=country_a, title="Waterbird census", fields=COMPLETE_FIELDS
    )
    Need.objects.filter(pk=need.pk).update(status=S.IN_TRIAGE)
    return need


@pytest.mark.django_db
def test_second_help_desk_member_acting_on_a_stale_page_is_refused(
    need_in_status, helpdesk_user, second_helpdesk_user
):
    need = need_in_status(S.IN_TRIAGE)
    hanas_page = Need.objects.get(pk=need.pk)
    hugos_page = Need.objects.get(pk=need.pk)

    services.need_publish(need=hanas_page, by=helpdesk_user)
    with pytest.raises(TransitionNotAllowed, match="Published"):
        services.need_reject(need=hugos_page, by=second_helpdesk_user, reason="Out of scope.")

    need.refresh_from_db()
    assert need.status == S.PUBLISHED
    assert need.rejection_reason == ""
    assert need.events.filter(action=A.PUBLISHED).count() == 1
    assert not need.events.filter(action=A.REJECTED).exists()


def _run_in_threads(*functions):
    """Run each function in its own thread, all released at once; return what each returned
    or raised, in order."""
    start = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(index, function):
        try:
            start.wait(timeout=10)
            outcomes[index] = function()
        except BaseException as error:  # reported to the test, not lost in the thread
            outcomes[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=run, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


@postgresql_only
@real_transactions
def test_publish_and_reject_at_the_same_moment_one_wins(
    request_in_triage, helpdesk_user, second_helpdesk_user
):
    need = request_in_triage

    def publish():
        fresh = Need.objects.get(pk=need.pk)
        return services.need_publish(need=fresh, by=helpdesk_user).status

    def reject():
        fresh = Need.objects.get(pk=need.pk)
        return services.need_reject(
            need=fresh, by=second_helpdesk_user, reason="Out of scope."
        ).status

    outcomes = _run_in_threads(publish, reject)

    winners = [outcome for outcome in outcomes if isinstance(outcome, str)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, TransitionNotAllowed)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    need.refresh_from_db()
    assert need.status == winners[0]
    decisions = need.events.filter(action__in=[A.PUBLISHED, A.REJECTED])
    assert list(decisions.values_list("to_status", flat=True)) == winners


@postgresql_only
@real_transactions
def test_the_row_lock_makes_the_second_decision_wait_for_the_first(
    request_in_triage, helpdesk_user, second_helpdesk_user
):
    """Hana's publication holds the lock a moment before committing; Hugo's rejection, which
    read the request as "in triage" before that, waits for it and is then refused. Without the
    lock both would succeed."""
    need = request_in_triage
    locked = threading.Event()
    hugos_page = Need.objects.get(pk=need.pk)

    def publish_slowly():
        with transaction.atomic():
            services.need_publish(need=Need.objects.get(pk=need.pk), by=helpdesk_user)
            locked.set()
            time.sleep(0.5)  # still holding the row lock
        return "published"

    def reject_meanwhile():
        assert locked.wait(timeout=10)
        started = time.monotonic()
        try:
            services.need_reject(need=hugos_page, by=second_helpdesk_user, reason="Out of scope.")
        except TransitionNotAllowed as refused:
            return refused, time.monotonic() - started
        return "rejected", time.monotonic() - started

    published, rejection = _run_in_threads(publish_slowly, reject_meanwhile)

    assert published == "published"
    assert isinstance(rejection, tuple), rejection  # not an error raised in the thread
    rejected, waited = rejection
    assert isinstance(rejected, TransitionNotAllowed)
    assert waited >= 0.3  # it waited for Hana's commit
    need.refresh_from_db()
    assert need.status == S.PUBLISHED
    assert need.events.filter(action=A.PUBLISHED).count() == 1
    assert not need.events.filter(action=A.REJECTED).exists()


@postgresql_only
@real_transactions
def test_reference_numbers_handed_out_in_parallel_are_distinct():
    per_thread = 15

    def take_numbers():
        return [reference_next(prefix="RACE", year=2031) for _ in range(per_thread)]

    outcomes = _run_in_threads(take_numbers, take_numbers, take_numbers, take_numbers)

    assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
    references = [reference for outcome in outcomes for reference in outcome]
    assert len(set(references)) == len(references) == 4 * per_thread
    assert sorted(references) == [f"RACE-2031-{n:05d}" for n in range(1, 4 * per_thread + 1)]
