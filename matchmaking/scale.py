"""Matchmaking of the scale data set (``manage.py seed_scale``), in the proportions the statuses of
the requests imply:

- suggestions: the engine's ten offers for every request open to suggestions (submitted to
  matched), public offers sharing its thematic areas first, and five resources for the published
  ones, with reasons in the engine's format;
- matches: one agreed (or completed) match for each matched, started or fulfilled request, dated by
  its history; open matches (interest, proposed, accepted) for a fifth of the published requests;
  declined and withdrawn ones besides; each with its history, already notified;
- pilot projects for a quarter of the agreed matches of started and fulfilled requests, with
  progress reports and, once evaluated, both sides' evaluations.

Nothing is computed by the engine: the point is the rows' number and shape.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from chm_portal.core.models import ReferenceSequence
from chm_portal.core.scale import SCALE_EMAIL_DOMAIN, ScaleContext, copy_rows, reserve_ids
from chm_portal.vocabularies.models import ThematicArea
from needs.models import Need, NeedEvent
from partners.models import Offer, Resource

from .models import (
    Match,
    MatchEvent,
    ProgressReport,
    Project,
    ProjectEvaluation,
    ProjectEvent,
    RelatedSuggestion,
    Suggestion,
)
from .selectors.suggestions import SUGGESTION_STATUSES, TOP_OFFERS, TOP_RELATED
from .services.projects import REFERENCE_PREFIX

ALGORITHM = "scale-seed"
S = Need.Status
M = Match.Status
P = Project.Status
PROJECT_SHARE = 0.25


def generate(ctx: ScaleContext) -> None:
    rng = ctx.random("matchmaking")
    needs = list(
        Need.objects.filter(created_by__email__iendswith=f"@{SCALE_EMAIL_DOMAIN}")
        .order_by("pk")
        .values("id", "status", "created_by_id", "assigned_to_id", "published_at")
    )
    if not needs:
        return
    areas_of: dict[int, list[int]] = defaultdict(list)
    for need_id, area_id in Need.thematic_areas.through.objects.order_by("pk").values_list(
        "need_id", "thematicarea_id"
    ):
        areas_of[need_id].append(area_id)
    offers = list(
        Offer.objects.public().order_by("pk").values("id", "provider_id", "created_by_id")
    )
    offers_by_area: dict[int, list[int]] = defaultdict(list)
    for offer_id, area_id in (
        Offer.thematic_areas.through.objects.filter(offer_id__in=[o["id"] for o in offers])
        .order_by("pk")
        .values_list("offer_id", "thematicarea_id")
    ):
        offers_by_area[area_id].append(offer_id)
    offer_ids = [o["id"] for o in offers]
    area_codes = dict(ThematicArea.objects.values_list("pk", "code"))
    _suggestions(ctx, rng, needs, areas_of, offers_by_area, offer_ids, area_codes)
    matched_at = dict(
        NeedEvent.objects.filter(action=NeedEvent.Action.MATCHED).values_list(
            "need_id", "created_at"
        )
    )
    _matches(ctx, rng, needs, matched_at, areas_of, offers_by_area, offers)


def _ranked(rng, need_id: int, areas_of, offers_by_area, offer_ids: list[int], k: int) -> list:
    """``k`` distinct offers for a request: sharing one of its areas first, then any."""
    chosen: list[int] = []
    seen: set[int] = set()
    pools = [offers_by_area.get(area, ()) for area in areas_of.get(need_id, ())]
    for pool in [*pools, offer_ids]:
        if not pool:
            continue
        for offer in rng.sample(pool, min(len(pool), k * 2)):
            if offer not in seen:
                seen.add(offer)
                chosen.append(offer)
            if len(chosen) == k:
                return chosen
    return chosen


def _suggestions(ctx, rng, needs, areas_of, offers_by_area, offer_ids, area_codes) -> None:
    suggestions, related = [], []
    resources = list(Resource.objects.public().order_by("pk").values_list("pk", flat=True))
    open_statuses = set(SUGGESTION_STATUSES)
    offer_areas = {area: set(ids) for area, ids in offers_by_area.items()}
    for need in needs:
        if need["status"] not in open_statuses or not offer_ids:
            continue
        areas = areas_of.get(need["id"], [])
        score = rng.uniform(0.55, 0.9)
        for rank, offer in enumerate(
            _ranked(rng, need["id"], areas_of, offers_by_area, offer_ids, TOP_OFFERS), start=1
        ):
            shared = [a for a in areas if offer in offer_areas.get(a, ())]
            suggestions.append(
                {
                    "need_id": need["id"],
                    "offer_id": offer,
                    "rank": rank,
                    "score": round(score, 4),
                    "reasons": [["thematic_area", area_codes[a]] for a in shared[:2]]
                    + [["similar_text", ""]],
                    "algorithm_version": ALGORITHM,
                    "computed_at": ctx.now,
                }
            )
            score *= rng.uniform(0.8, 0.97)
        if need["status"] in (S.PUBLISHED, S.MATCHED) and resources:
            for rank, resource in enumerate(
                rng.sample(resources, min(len(resources), TOP_RELATED)), start=1
            ):
                related.append(
                    {
                        "need_id": need["id"],
                        "kind": RelatedSuggestion.Kind.RESOURCE,
                        "object_id": resource,
                        "rank": rank,
                        "score": round(rng.uniform(0.2, 0.7) / rank, 4),
                        "reasons": [["similar_text", ""]],
                        "algorithm_version": ALGORITHM,
                        "computed_at": ctx.now,
                    }
                )
    ctx.step("suggestions", copy_rows(Suggestion, suggestions))
    ctx.step("  related resources", copy_rows(RelatedSuggestion, related))


def _matches(ctx, rng: random.Random, needs, matched_at, areas_of, offers_by_area, offers) -> None:
    offer_ids = [o["id"] for o in offers]
    provider_admin = {o["id"]: o["created_by_id"] for o in offers}
    if not offer_ids:
        return
    plans: list[tuple[dict, str, datetime.datetime]] = []  # (need, match status, created)
    for need in needs:
        status, published = need["status"], need["published_at"]
        if status in (S.MATCHED, S.IN_PROGRESS, S.FULFILLED):
            agreed = matched_at.get(need["id"]) or published
            match_status = M.COMPLETED if status == S.FULFILLED else M.AGREED
            plans.append((need, match_status, agreed))
            if rng.random() < 0.15:  # an earlier offer declined it
                plans.append((need, M.DECLINED, published))
        elif status == S.PUBLISHED and rng.random() < 0.2:
            open_status = rng.choices((M.INTEREST, M.PROPOSED, M.ACCEPTED), weights=(4, 4, 2))[0]
            plans.append((need, open_status, published))
        elif status == S.WITHDRAWN and published and rng.random() < 0.3:
            plans.append((need, M.WITHDRAWN, published))
    ids = iter(reserve_ids(Match, len(plans)))
    matches, events, used = [], [], set()
    projects_for = []
    for need, status, moment in plans:
        pk = next(ids)
        candidates = _ranked(rng, need["id"], areas_of, offers_by_area, offer_ids, 3)
        offer = next((o for o in candidates if (need["id"], o) not in used), candidates[0])
        used.add((need["id"], offer))
        created = min(ctx.now, moment + datetime.timedelta(days=rng.uniform(1, 20)))
        helpdesk = need["assigned_to_id"]
        row = {
            "id": pk,
            "need_id": need["id"],
            "offer_id": offer,
            "status": status,
            "origin": rng.choices(
                [choice for choice, _label in Match.Origin.choices], weights=(50, 30, 15, 5)
            )[0],
            "score": round(rng.uniform(0.4, 0.9), 4),
            "suggestion_rank": rng.randint(1, TOP_OFFERS),
            "created_by_id": helpdesk,
            "created_at": created,
        }
        steps = _match_steps(status)
        moment = created
        previous = ""
        for action, to in steps:
            moment = min(ctx.now, moment + datetime.timedelta(days=rng.uniform(1, 15)))
            actor = need["created_by_id"] if action in ("interest", "agreed") else helpdesk
            if action in ("accepted", "declined"):
                actor = provider_admin.get(offer)
            events.append(
                {
                    "match_id": pk,
                    "action": action,
                    "from_status": previous,
                    "to_status": to,
                    "actor_id": actor,
                    "created_at": moment,
                    "notified_at": moment,
                }
            )
            previous = to
            if action == "proposed":
                row.update(proposed_by_id=helpdesk, proposed_at=moment)
            elif action in ("accepted", "declined"):
                row.update(
                    responded_by_id=actor,
                    responded_at=moment,
                    provider_contact_name="Programme officer" if action == "accepted" else "",
                    provider_contact_email=f"officer{offer}@org.example"
                    if action == "accepted"
                    else "",
                    decline_reason="No capacity this year." if action == "declined" else "",
                )
            elif action == "agreed":
                row.update(confirmed_by_id=need["created_by_id"], agreed_at=moment)
            elif action == "withdrawn":
                row["withdrawal_reason"] = "The request was withdrawn."
        row["status_changed_at"] = row["updated_at"] = moment
        matches.append(row)
        if (
            status in (M.AGREED, M.COMPLETED)
            and need["status"] in (S.IN_PROGRESS, S.FULFILLED)
            and rng.random() < PROJECT_SHARE
        ):
            projects_for.append((row, need))
    ctx.step("matches", copy_rows(Match, matches))
    ctx.step("  history events", copy_rows(MatchEvent, events))
    _projects(ctx, rng, projects_for)


def _match_steps(status: str) -> list[tuple[str, str]]:
    """The actions that took a match to ``status``: (action, status after it)."""
    path = [("interest", M.INTEREST), ("proposed", M.PROPOSED)]
    if status == M.INTEREST:
        return path[:1]
    if status == M.PROPOSED:
        return path
    if status == M.DECLINED:
        return [*path, ("declined", M.DECLINED)]
    if status == M.WITHDRAWN:
        return [*path, ("withdrawn", M.WITHDRAWN)]
    path.append(("accepted", M.ACCEPTED))
    if status == M.ACCEPTED:
        return path
    path.append(("agreed", M.AGREED))
    if status == M.COMPLETED:
        path.append(("completed", M.COMPLETED))
    return path


def _projects(ctx, rng: random.Random, chosen) -> None:
    ids = iter(reserve_ids(Project, len(chosen)))
    projects, events, reports, evaluations = [], [], [], []
    numbers: dict[int, int] = defaultdict(int)
    for match, need in chosen:
        pk = next(ids)
        created = min(ctx.now, match["agreed_at"] + datetime.timedelta(days=rng.uniform(5, 40)))
        numbers[created.year] += 1
        if need["status"] == S.FULFILLED:
            status = rng.choices((P.COMPLETED, P.EVALUATED, P.CANCELLED), weights=(4, 5, 1))[0]
        else:
            status = rng.choices((P.PLANNING, P.IMPLEMENTATION), weights=(1, 4))[0]
        start = created.date() + datetime.timedelta(days=rng.randint(0, 60))
        end = start + datetime.timedelta(days=rng.choice((180, 365, 540, 730)))
        completed = (
            min(ctx.now, created + datetime.timedelta(days=(end - start).days))
            if status in (P.COMPLETED, P.EVALUATED)
            else None
        )
        owner = need["created_by_id"]
        row = {
            "id": pk,
            "reference": f"{REFERENCE_PREFIX}-{created.year}-{numbers[created.year]:05d}",
            "match_id": match["id"],
            "title": f"Pilot project for request {need['id']}",
            "objectives": "Deliver the support agreed in the match and report on its results.",
            "budget": rng.randint(2, 40) * 5_000,
            "start_date": start,
            "end_date": end,
            "agreement_signed_on": start,
            "status": status,
            "report_every_months": 3,
            "created_by_id": owner,
            "created_at": created,
            "completed_at": completed,
        }
        events.append(_project_event(pk, "launched", "", P.PLANNING, owner, created))
        moment = created
        if status != P.PLANNING:
            moment = min(ctx.now, created + datetime.timedelta(days=30))
            events.append(
                _project_event(pk, "status_changed", P.PLANNING, P.IMPLEMENTATION, owner, moment)
            )
            # A report a quarter while it runs (at most four written here).
            period_start = start
            for quarter in range(1, 5):
                period_end = period_start + datetime.timedelta(days=90)
                if period_end > ctx.now.date() or (completed and period_end > completed.date()):
                    break
                submitted = datetime.datetime.combine(
                    period_end, datetime.time(12), tzinfo=datetime.UTC
                )
                reports.append(
                    {
                        "project_id": pk,
                        "period_start": period_start,
                        "period_end": period_end,
                        "progress_percent": min(100, quarter * 25),
                        "achievements": "Training delivered as planned; materials translated.",
                        "submitted_by_id": owner,
                        "submitted_at": submitted,
                    }
                )
                events.append(_project_event(pk, "reported", "", "", owner, submitted))
                row["last_report_at"] = submitted
                period_start = period_end
            if status in (P.PLANNING, P.IMPLEMENTATION):
                row["next_report_due"] = period_start + datetime.timedelta(days=90)
        if completed:
            events.append(
                _project_event(
                    pk, "status_changed", P.IMPLEMENTATION, P.COMPLETED, owner, completed
                )
            )
            moment = completed
        if status == P.EVALUATED:
            for side in ProjectEvaluation.Side.values:
                evaluations.append(
                    {
                        "project_id": pk,
                        "side": side,
                        "effectiveness": rng.randint(2, 5),
                        "quality": rng.randint(2, 5),
                        "achievement": rng.choices(
                            ProjectEvaluation.Achievement.values, weights=(4, 4, 2, 1)
                        )[0],
                        "lessons_learned": "Local ownership from the start made the difference.",
                        "evaluated_by_id": owner,
                        "evaluated_at": min(ctx.now, moment + datetime.timedelta(days=20)),
                    }
                )
            events.append(_project_event(pk, "evaluated", P.COMPLETED, P.EVALUATED, owner, moment))
        row["status_changed_at"] = row["updated_at"] = moment
        projects.append(row)
    ctx.step("pilot projects", copy_rows(Project, projects))
    ctx.step("  history events", copy_rows(ProjectEvent, events))
    ctx.step("  progress reports", copy_rows(ProgressReport, reports))
    ctx.step("  evaluations", copy_rows(ProjectEvaluation, evaluations))
    for year, last in numbers.items():
        ReferenceSequence.objects.update_or_create(
            prefix=REFERENCE_PREFIX, year=year, defaults={"last_number": last}
        )


def _project_event(project: int, action: str, before: str, after: str, actor, moment) -> dict:
    return {
        "project_id": project,
        "action": action,
        "from_status": before,
        "to_status": after,
        "actor_id": actor,
        "created_at": moment,
        "notified_at": moment,
    }
