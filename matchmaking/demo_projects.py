"""Demo pilot projects in every status, with progress reports, evaluations, success stories
and a matchmaking roundtable (``manage.py seed_demo``). Idempotent and deterministic.

Run by ``matchmaking/demo.py`` after ``demo_matches``. Each scenario takes a demo request
(``needs/demo.py``) and the agreed match ``demo_matches`` made for it, or, when the request has
no match (the demo requests already matched, in progress or fulfilled were taken there by the
needs' demo alone), an agreed match written here with its history, with an offer of the demo
organisations whose administrator is the demo partner administrator (``partners/demo.py``). The
project is then taken through the services as the people would (launch, status, reports,
evaluations, story), and its dates moved into the past, so that the reporting flags show:

==========  ====================  ==========================================================
DEMO-PE-01  planning              launched from the match agreed after the Andean roundtable
DEMO-BR-01  implementation        reports on time
DEMO-KE-02  implementation        its last report was four months ago: late
DEMO-MG-01  implementation        no report for eight months: stale
DEMO-CM-01  cancelled             the co-financing fell through
DEMO-PE-02  evaluated             both sides evaluated; its success story is published
DEMO-HT-01  completed             the requester evaluated; the story is a draft
==========  ====================  ==========================================================

A request that has a project is left alone, so running the seed again changes nothing. Demo
history counts as notified: seeding sends no email and fills no inbox.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from needs import services as need_services
from needs.models import Need, NeedEvent, NeedMessage
from partners.models import Event, Offer

from .models import (
    Match,
    MatchEvent,
    MatchingWorkshop,
    ProgressReport,
    Project,
    ProjectEvent,
    Suggestion,
)
from .selectors.matches import offer_places_taken, offers_open_to_requests
from .services import projects as services
from .services.projects import add_months

SOURCE = "demo"
S = Project.Status
# The organisations whose administrator is the demo partner administrator (partners/demo.py).
DEMO_PROVIDERS = (
    "Biodiversity Capacity Network",
    "Institute for Island Ecosystems",
    "Andean Conservation Fund",
)
ROUNDTABLE = "matchmaking_roundtable"


@dataclass(frozen=True)
class Scenario:
    """A demo request's project taken to ``status``, launched ``age`` days ago; ``reports`` are
    the days ago of its progress reports (oldest first)."""

    need_key: str
    status: str
    age: int
    title: str
    objectives: str
    budget: int
    currency: str = "USD"
    cofinancing: int | None = None
    cofinancing_sources: str = ""
    reports: tuple[int, ...] = ()
    evaluations: tuple[str, ...] = ()
    story: str = ""  # "", "draft" or "published"
    note: str = ""
    from_workshop: bool = False
    extra: dict = field(default_factory=dict)


SCENARIOS = (
    Scenario(
        "DEMO-PE-01",
        S.PLANNING,
        12,
        "Community seed banks for native Andean potatoes",
        "Set up three community seed banks in the Cusco highlands and train 30 farmers to "
        "keep, test and exchange the seed of native potato varieties.",
        38000,
        cofinancing=12000,
        cofinancing_sources="Regional government of Cusco (in kind: premises and transport).",
        from_workshop=True,
    ),
    Scenario(
        "DEMO-BR-01",
        S.IMPLEMENTATION,
        110,
        "Mentoring state agencies to restore degraded Atlantic Forest",
        "Pair four state environment agencies with experienced restoration practitioners for a "
        "year, to plan and monitor 2,000 hectares of restoration.",
        60000,
        reports=(20,),
    ),
    Scenario(
        "DEMO-KE-02",
        S.IMPLEMENTATION,
        230,
        "Early detection of invasive plants around Lake Naivasha",
        "Train county officers and community scouts to detect and map invasive water hyacinth "
        "and Prosopis early, and report sightings to the national database.",
        42000,
        reports=(200, 125),
    ),
    Scenario(
        "DEMO-MG-01",
        S.IMPLEMENTATION,
        245,
        "Monitoring lemur populations in community forests",
        "Set up a monitoring protocol for lemurs in five community-managed forests and train "
        "the community patrols to run it.",
        25000,
        currency="EUR",
    ),
    Scenario(
        "DEMO-CM-01",
        S.CANCELLED,
        95,
        "Wildlife trade checkpoints in the Dja landscape",
        "Train customs and wildlife officers at four checkpoints to identify protected species "
        "and their products.",
        30000,
        cofinancing=10000,
        cofinancing_sources="Expected from a bilateral donor.",
        note="The expected co-financing fell through; the request stays open for other support.",
        from_workshop=True,
    ),
    Scenario(
        "DEMO-PE-02",
        S.EVALUATED,
        400,
        "Participatory monitoring of vicuña in the Andean highlands",
        "Train community monitors of six highland communities to count vicuña and report the "
        "counts each year.",
        48000,
        cofinancing=15000,
        cofinancing_sources="National protected areas service.",
        reports=(330, 240, 150, 60),
        evaluations=("requester", "provider"),
        story="published",
        from_workshop=True,
    ),
    Scenario(
        "DEMO-HT-01",
        S.COMPLETED,
        300,
        "Restoring mangroves with fishing communities in the Gulf of Gonâve",
        "Restore 50 hectares of mangroves with three fishing communities and train them to "
        "monitor the plantations.",
        52000,
        reports=(240, 150, 60),
        evaluations=("requester",),
        story="draft",
    ),
)

REPORT_TEXT = (
    "Field activities went as planned: the first training sessions were held and the "
    "participants started applying what they learnt.",
    "Staff turnover at one partner institution delayed a session by a month.",
    "Hold the next session and review the monitoring data together.",
)
EVALUATION = {
    "requester": {
        "effectiveness": 5,
        "quality": 4,
        "achievement": "fully",
        "lessons_learned": "Involving the communities from the first day made the monitoring "
        "their own; plan the field work around the rainy season.",
    },
    "provider": {
        "effectiveness": 4,
        "quality": 4,
        "achievement": "mostly",
        "lessons_learned": "Train local trainers early: they carried the second half of the "
        "programme in the communities' own language.",
    },
}
STORY = {
    "summary": "Community monitors now count and report on their own every year.",
    "body": "When the project started, the counts depended on two visiting specialists. Two "
    "years later, trained community members run the counts themselves, the data reach the "
    "national information system every year, and neighbouring communities have asked to join.",
}


def _user(local_part: str) -> User:
    return User.objects.get(email__iexact=demo_email(local_part))


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _offer_for(need: Need) -> Offer | None:
    """The best offer of the demo providers for ``need`` with a place left: its best stored
    suggestion among them, else their first open offer (by id)."""
    candidates = offers_open_to_requests().filter(provider__name__in=DEMO_PROVIDERS)
    taken = offer_places_taken(candidates.values("pk"))
    busy = set(
        Match.objects.filter(need=need, status__in=Match.OPEN_STATUSES).values_list(
            "offer_id", flat=True
        )
    )

    def free(offer: Offer) -> bool:
        places = offer.max_concurrent_requests
        return offer.pk not in busy and (places is None or taken.get(offer.pk, 0) < places)

    suggested = (
        Suggestion.objects.filter(need=need, offer__in=candidates.values("pk"))
        .select_related("offer")
        .order_by("rank")
    )
    for suggestion in suggested:
        if free(suggestion.offer):
            return suggestion.offer
    return next((offer for offer in candidates.order_by("pk") if free(offer)), None)


def _provider_admin(offer: Offer) -> User:
    return User.objects.get(
        organisation_memberships__organisation_id=offer.provider_id,
        email__iexact=demo_email("partner.admin"),
    )


def _agreed_match(need: Need, *, age: int, helpdesk: User) -> Match | None:
    """An agreed match for a request ``demo_matches`` left alone, written with its history."""
    offer = _offer_for(need)
    if offer is None:
        return None
    provider = _provider_admin(offer)
    proposed, accepted, agreed = _ago(age + 30), _ago(age + 20), _ago(age + 10)
    _publish_before(need, proposed)
    match = Match.objects.create(
        need=need,
        offer=offer,
        status=Match.Status.AGREED,
        origin=Match.Origin.HELPDESK,
        proposal_message="The provider has run this kind of programme in the region before.",
        proposed_by=helpdesk,
        proposed_at=proposed,
        provider_contact_name=provider.get_full_name(),
        provider_contact_email=provider.email,
        provider_message="We would be glad to help; our trainers are available.",
        responded_by=provider,
        responded_at=accepted,
        confirmed_by=need.created_by,
        agreed_at=agreed,
        created_by=helpdesk,
        created_at=proposed,
        status_changed_at=agreed,
    )
    A = MatchEvent.Action
    for action, status, actor, moment in (
        (A.PROPOSED, Match.Status.PROPOSED, helpdesk, proposed),
        (A.ACCEPTED, Match.Status.ACCEPTED, provider, accepted),
        (A.AGREED, Match.Status.AGREED, need.created_by, agreed),
    ):
        MatchEvent.objects.create(
            match=match,
            action=action,
            to_status=status,
            actor=actor,
            created_at=moment,
            notified_at=moment,
        )
    if need.status == Need.Status.PUBLISHED:
        need_services.need_mark_matched(need=need, by=helpdesk, note="Agreed with a partner.")
    return match


def _publish_before(need: Need, moment: datetime.datetime) -> None:
    """Move the request's whole history back so that it was published a week before ``moment``
    (the project's story starts earlier than the request's own demo history)."""
    need.refresh_from_db()
    if need.published_at is None or need.published_at < moment:
        return
    shift = need.published_at - (moment - datetime.timedelta(days=7))
    Need.objects.filter(pk=need.pk).update(
        created_at=F("created_at") - shift,
        submitted_at=F("submitted_at") - shift,
        published_at=F("published_at") - shift,
        status_changed_at=F("status_changed_at") - shift,
    )
    NeedEvent.objects.filter(need=need).update(
        created_at=F("created_at") - shift, notified_at=F("notified_at") - shift
    )
    NeedMessage.objects.filter(need=need).update(created_at=F("created_at") - shift)
    need.refresh_from_db()


def _side_people(match: Match, helpdesk: User) -> tuple[User, User]:
    """Who acts for the requester (the request's author) and for the provider."""
    return match.need.created_by or helpdesk, _provider_admin(match.offer)


def _play(scenario: Scenario, match: Match, *, helpdesk: User) -> Project:
    requester, provider = _side_people(match, helpdesk)
    start = timezone.localdate() - datetime.timedelta(days=scenario.age)
    project = services.project_launch(
        match=match,
        by=requester,
        data={
            "title": scenario.title,
            "objectives": scenario.objectives,
            "budget": Decimal(scenario.budget),
            "cofinancing": Decimal(scenario.cofinancing) if scenario.cofinancing else None,
            "cofinancing_sources": scenario.cofinancing_sources,
            "currency": scenario.currency,
            "start_date": start,
            "end_date": add_months(start, 18),
            "agreement_signed_on": start - datetime.timedelta(days=5),
            "report_every_months": 3,
        },
    )
    if scenario.status == S.CANCELLED:
        services.project_set_status(
            project=project, by=helpdesk, status=S.CANCELLED, note=scenario.note
        )
        return project
    if scenario.status != S.PLANNING:
        services.project_set_status(project=project, by=provider, status=S.IMPLEMENTATION)
    for index, _days in enumerate(scenario.reports):
        services.progress_report_submit(
            project=project,
            by=provider if index % 2 else requester,
            data={
                "period_start": start,
                "period_end": start + datetime.timedelta(days=30 * (index + 1)),
                "progress_percent": min(100, 25 * (index + 1)),
                "achievements": REPORT_TEXT[0],
                "challenges": REPORT_TEXT[1] if index % 2 else "",
                "next_steps": REPORT_TEXT[2],
            },
        )
    if scenario.status in (S.COMPLETED, S.EVALUATED):
        services.project_set_status(project=project, by=requester, status=S.COMPLETED)
        for side in scenario.evaluations:
            services.project_evaluate(
                project=project,
                by=requester if side == "requester" else provider,
                side=side,
                data=EVALUATION[side],
            )
        if scenario.story:
            story = services.success_story_save(
                project=project,
                by=provider,
                data={"language": "en", "title": scenario.title, **STORY},
            )
            if scenario.story == "published":
                services.success_story_publish(story=story, by=requester)
    return project


def _backdate(project: Project, scenario: Scenario) -> None:
    """Move the project's history into the past: launched ``scenario.age`` days ago, started
    ten days later, reported on the days of ``scenario.reports``, ended some weeks after the
    last report; the next report of a running project is due three months after the last."""
    launched = _ago(scenario.age)
    started = launched + datetime.timedelta(days=10)
    report_moments = [_ago(days) for days in scenario.reports]
    for report, moment in zip(project.reports.order_by("pk"), report_moments, strict=False):
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=moment)
    last_report = report_moments[-1] if report_moments else None
    ended = scenario.status in (S.COMPLETED, S.EVALUATED)
    if ended:
        final = (last_report or started) + datetime.timedelta(days=20)
    elif scenario.status == S.CANCELLED:
        final = launched + datetime.timedelta(days=30)
    else:
        final = started if scenario.status == S.IMPLEMENTATION else launched
    base = timezone.localdate(last_report or launched)
    Project.objects.filter(pk=project.pk).update(
        created_at=launched,
        last_report_at=last_report,
        next_report_due=add_months(base, 3)
        if scenario.status in Project.RUNNING_STATUSES
        else None,
        status_changed_at=final,
        completed_at=final if ended else None,
    )
    A = ProjectEvent.Action
    reports = iter(report_moments)
    for index, event in enumerate(project.events.order_by("pk")):
        if event.action == A.LAUNCHED:
            moment = launched
        elif event.action == A.REPORTED:
            moment = next(reports, final)
        elif event.action == A.STATUS_CHANGED and event.to_status == S.IMPLEMENTATION:
            moment = started
        else:  # the end: completion, evaluations, story, cancellation, in their order
            moment = final + datetime.timedelta(hours=index)
        ProjectEvent.objects.filter(pk=event.pk).update(created_at=moment, notified_at=moment)


def _workshop(
    *, helpdesk: User, projects: list[tuple[Scenario, Project]]
) -> MatchingWorkshop | None:
    """The latest past matchmaking roundtable, with the requests and offers of the scenarios
    born there; their matches point to it."""
    event = (
        Event.objects.filter(event_type__code=ROUNDTABLE, starts_at__lt=timezone.now())
        .order_by("-starts_at", "pk")
        .first()
    )
    if event is None:
        return None
    matches = [project.match for scenario, project in projects if scenario.from_workshop]
    existing = MatchingWorkshop.objects.filter(event=event).first()
    if existing is not None and not matches:
        return existing
    needs = {match.need_id: match.need for match in matches}
    offers = {match.offer_id: match.offer for match in matches}
    if existing is not None:
        needs.update({need.pk: need for need in existing.needs.all()})
        offers.update({offer.pk: offer for offer in existing.offers.all()})
    workshop = services.workshop_save(
        event=event,
        by=helpdesk,
        needs=needs.values(),
        offers=offers.values(),
        summary="Countries presented their requests for assistance to partners, who discussed "
        "in small groups how they could support them; matches were agreed in the following "
        "weeks.",
    )
    Match.objects.filter(pk__in=[match.pk for match in matches], workshop__isnull=True).update(
        workshop=workshop, origin=Match.Origin.WORKSHOP
    )
    return workshop


def seed(*, log: Callable[[str], None]) -> None:
    helpdesk = _user("helpdesk")
    created: list[tuple[Scenario, Project]] = []
    skipped = []
    for scenario in SCENARIOS:
        need = (
            Need.objects.select_related("country", "created_by")
            .filter(source=SOURCE, external_id=scenario.need_key)
            .first()
        )
        if need is None or Project.objects.filter(match__need=need).exists():
            continue
        match = Match.objects.filter(need=need, status=Match.Status.AGREED).order_by("pk").first()
        if match is None and scenario.need_key == "DEMO-HT-01":
            match = Match.objects.filter(need=need, status=Match.Status.COMPLETED).first()
            if match is not None:
                # demo_matches closed this match as if its project had ended: the project is
                # made here, and closes the match itself when it is completed.
                MatchEvent.objects.filter(match=match, action=MatchEvent.Action.COMPLETED).delete()
                Match.objects.filter(pk=match.pk).update(status=Match.Status.AGREED)
                match.status = Match.Status.AGREED
        if match is None and not Match.objects.filter(need=need).exists():
            match = _agreed_match(need, age=scenario.age, helpdesk=helpdesk)
        if match is None:
            skipped.append(scenario.need_key)
            continue
        project = _play(scenario, match, helpdesk=helpdesk)
        _backdate(project, scenario)
        created.append((scenario, project))
    workshop = _workshop(helpdesk=helpdesk, projects=created)
    # Demo history is made up: nothing of it is sent (the notification tasks run after commit
    # and find every event already notified).
    for model, path in (
        (ProjectEvent, "project__match__need__source"),
        (MatchEvent, "match__need__source"),
        (NeedEvent, "need__source"),
    ):
        model.objects.filter(**{path: SOURCE, "notified_at__isnull": True}).update(
            notified_at=F("created_at")
        )
    demo = Project.objects.filter(match__need__source=SOURCE)
    statuses = sorted(set(demo.values_list("status", flat=True)))
    log(
        f"projects: {demo.count()} demo pilot projects ({len(created)} new) in statuses "
        f"{', '.join(statuses)}"
        + (f"; workshop “{workshop.event.title}”" if workshop else "")
        + (f"; skipped {', '.join(skipped)}" if skipped else "")
    )
