"""Requests for assistance and capacity assessments of the scale data set (``manage.py
seed_scale``), at scale 1: 100,000 requests over six and a half years, and the assessments of
about two Parties in three.

Requests are written by a focal point of their country (one in five with the help desk, on its
behalf) in English, French or Spanish, from the vocabularies' topics. Their status follows their
age: recent ones are still drafts or in triage; most older ones were published and many matched,
started and fulfilled; some were withdrawn, rejected or closed as duplicates. Each has the history
its status implies (events already notified), a reference of its year, GBF targets from its
thematic areas, support types, capacity levels, beneficiaries and working languages. The reference
sequences are moved past the references written, so new requests continue them.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from chm_portal.accounts.models import FocalPoint, User
from chm_portal.core.models import ReferenceSequence
from chm_portal.core.scale import (
    SCALE_EMAIL_DOMAIN,
    ScaleContext,
    copy_links,
    copy_rows,
    reserve_ids,
    some,
)
from chm_portal.vocabularies.scale import (
    AREA_TARGETS,
    Terms,
    Wording,
    indices,
    load_terms,
)

from .models import Assessment, AssessmentEntry, Need, NeedEvent, NeedMessage, NeedSupport
from .services import REFERENCE_PREFIX

NEEDS = 100_000
DAYS = 2_400  # the registry's age: six and a half years
ASSESSING_SHARE = 0.65  # Parties that assessed their capacity at least once
S = Need.Status
A = NeedEvent.Action

# Status by the request's age (days since it was created).
STATUS_WEIGHTS = [
    (30, {S.DRAFT: 30, S.SUBMITTED: 25, S.IN_TRIAGE: 20, S.CLARIFICATION_REQUESTED: 10,
          S.PUBLISHED: 15}),
    (180, {S.DRAFT: 8, S.SUBMITTED: 3, S.IN_TRIAGE: 4, S.CLARIFICATION_REQUESTED: 4,
           S.PUBLISHED: 48, S.MATCHED: 15, S.IN_PROGRESS: 6, S.FULFILLED: 2, S.WITHDRAWN: 3,
           S.REJECTED: 4, S.DUPLICATE: 1}),
    (None, {S.DRAFT: 4, S.SUBMITTED: 0.5, S.PUBLISHED: 24, S.MATCHED: 14, S.IN_PROGRESS: 18,
            S.FULFILLED: 28, S.WITHDRAWN: 5, S.REJECTED: 4, S.DUPLICATE: 1.5}),
]  # fmt: skip
PUBLISHED_ONCE = {S.PUBLISHED, S.MATCHED, S.IN_PROGRESS, S.FULFILLED}
LANGUAGE_WEIGHTS = {"en": 50, "fr": 28, "es": 22}

TITLES = {
    "en": [
        "Strengthening {topic}",
        "Training {audience} in {topic}",
        "Technical support for {topic}",
        "National capacity for {topic} and {topic2}",
        "{Support} for {topic}",
        "Pilot project on {topic} with local communities",
    ],
    "fr": [
        "Renforcer {topic}",
        "Formation des {audience} pour {topic}",
        "Appui technique pour {topic}",
        "Capacités nationales pour {topic} et {topic2}",
        "{Support} pour {topic}",
        "Projet pilote sur {topic} avec les communautés locales",
    ],
    "es": [
        "Fortalecer {topic}",
        "Capacitación de {audience} para {topic}",
        "Apoyo técnico para {topic}",
        "Capacidades nacionales para {topic} y {topic2}",
        "{Support} para {topic}",
        "Proyecto piloto sobre {topic} con las comunidades locales",
    ],
}
PROBLEMS = {
    "en": [
        "Our {audience} have little experience of {topic}.",
        "Data on {topic2} are scattered and incomplete, and the national report on target "
        "{target} could not be completed.",
        "Pressure on ecosystems has grown over the last decade and the national strategy sets "
        "goals for {topic} that we cannot yet monitor.",
        "Local communities depend on these ecosystems and must take part in decisions on {topic}.",
        "Only a few specialists in the country master {topic}, and most will retire within five "
        "years.",
        "Previous projects on {topic2} ended without follow-up, and the equipment is no longer "
        "maintained.",
        "We ask for support ({support}) to address {topic3} in {n} provinces.",
        "The national biodiversity strategy and action plan ({country}) lists {topic} among its "
        "priorities.",
    ],
    "fr": [
        "Nos {audience} ont peu d'expérience concernant {topic}.",
        "Les données sur {topic2} sont dispersées et incomplètes, et le rapport national sur la "
        "cible {target} n'a pas pu être achevé.",
        "La pression sur les écosystèmes s'est accrue au cours de la dernière décennie et la "
        "stratégie nationale fixe pour {topic} des objectifs que nous ne pouvons pas encore "
        "suivre.",
        "Les communautés locales dépendent de ces écosystèmes et doivent participer aux décisions "
        "sur {topic}.",
        "Seuls quelques spécialistes du pays maîtrisent {topic}, et la plupart partiront à la "
        "retraite d'ici cinq ans.",
        "Les projets précédents sur {topic2} se sont terminés sans suivi et l'équipement n'est "
        "plus entretenu.",
        "Nous demandons un appui ({support}) pour traiter {topic3} dans {n} provinces.",
        "La stratégie et le plan d'action nationaux pour la biodiversité ({country}) placent "
        "{topic} parmi les priorités.",
    ],
    "es": [
        "Nuestros {audience} tienen poca experiencia en {topic}.",
        "Los datos sobre {topic2} están dispersos e incompletos, y el informe nacional sobre la "
        "meta {target} no pudo completarse.",
        "La presión sobre los ecosistemas ha aumentado en la última década y la estrategia "
        "nacional fija metas para {topic} que aún no podemos monitorear.",
        "Las comunidades locales dependen de estos ecosistemas y deben participar en las "
        "decisiones sobre {topic}.",
        "Solo unos pocos especialistas del país dominan {topic} y la mayoría se jubilará en los "
        "próximos cinco años.",
        "Los proyectos anteriores sobre {topic2} terminaron sin seguimiento y el equipo ya no se "
        "mantiene.",
        "Solicitamos apoyo ({support}) para abordar {topic3} en {n} provincias.",
        "La estrategia y plan de acción nacionales en materia de biodiversidad ({country}) "
        "sitúan {topic} entre las prioridades.",
    ],
}
OBJECTIVES = {
    "en": [
        "Train {n} {audience} in {topic} and set up a national team that can continue the work.",
        "Produce national guidelines on {topic2} and test them in two pilot sites.",
        "Report progress on target {target} with reliable data by the next national report.",
    ],
    "fr": [
        "Former {n} {audience} sur {topic} et constituer une équipe nationale capable de "
        "poursuivre le travail.",
        "Produire des lignes directrices nationales sur {topic2} et les tester sur deux sites "
        "pilotes.",
        "Rendre compte des progrès sur la cible {target} avec des données fiables d'ici le "
        "prochain rapport national.",
    ],
    "es": [
        "Capacitar a {n} {audience} en {topic} y conformar un equipo nacional capaz de continuar "
        "el trabajo.",
        "Elaborar directrices nacionales sobre {topic2} y probarlas en dos sitios piloto.",
        "Informar sobre los avances de la meta {target} con datos fiables para el próximo informe "
        "nacional.",
    ],
}
OUTPUTS = {
    "en": [
        "{n} people trained; a manual on {topic}; a national workshop.",
        "A georeferenced database on {topic2}, published openly.",
        "A policy brief on {topic} for the ministry.",
    ],
    "fr": [
        "{n} personnes formées ; un manuel sur {topic} ; un atelier national.",
        "Une base de données géoréférencée sur {topic2}, publiée en accès libre.",
        "Une note de politique sur {topic} pour le ministère.",
    ],
    "es": [
        "{n} personas capacitadas; un manual sobre {topic}; un taller nacional.",
        "Una base de datos georreferenciada sobre {topic2}, publicada en acceso abierto.",
        "Una nota de política sobre {topic} para el ministerio.",
    ],
}
OUTCOMES = {
    "en": ["Indicators of target {target} reported for the first time."],
    "fr": ["Indicateurs de la cible {target} rapportés pour la première fois."],
    "es": ["Indicadores de la meta {target} reportados por primera vez."],
}
REQUESTERS = {
    Need.RequesterKind.GOVERNMENT: {
        "en": ["Ministry of Environment", "National Parks Authority", "Department of Forestry",
               "National Biodiversity Institute"],
        "fr": ["Ministère de l'Environnement", "Office national des parcs", "Direction des forêts",
               "Institut national de la biodiversité"],
        "es": ["Ministerio de Ambiente", "Autoridad Nacional de Parques", "Dirección Forestal",
               "Instituto Nacional de Biodiversidad"],
    },
    Need.RequesterKind.IPLC: {
        "en": ["Indigenous Peoples' Council", "Coastal Communities Association"],
        "fr": ["Conseil des peuples autochtones", "Association des communautés côtières"],
        "es": ["Consejo de Pueblos Indígenas", "Asociación de Comunidades Costeras"],
    },
    Need.RequesterKind.OTHER_STAKEHOLDER: {
        "en": ["National University", "Wildlife Conservation Society chapter"],
        "fr": ["Université nationale", "Association de protection de la nature"],
        "es": ["Universidad Nacional", "Sociedad para la Conservación"],
    },
}  # fmt: skip
SUPPORT_DETAILS = {
    "en": "What we need: {support} on {topic}.",
    "fr": "Ce dont nous avons besoin : {support} sur {topic}.",
    "es": "Lo que necesitamos: {support} sobre {topic}.",
}
CLARIFICATION = {
    "en": ("Could you say which sites and how many people the activities would involve?",
           "Two pilot sites and about {n} people; details are in the objectives now."),
    "fr": ("Pouvez-vous préciser les sites et le nombre de personnes concernées ?",
           "Deux sites pilotes et environ {n} personnes ; les objectifs le précisent désormais."),
    "es": ("¿Podrían indicar los sitios y el número de personas involucradas?",
           "Dos sitios piloto y unas {n} personas; los objetivos ya lo detallan."),
}  # fmt: skip


def generate(ctx: ScaleContext) -> None:
    rng = ctx.random("needs")
    terms = load_terms(ctx.seed)
    focal_points: dict[int, list[int]] = defaultdict(list)
    for user_id, country_id in FocalPoint.objects.active().values_list("user_id", "country_id"):
        focal_points[country_id].append(user_id)
    staff = list(
        User.objects.filter(email__iendswith=f"@{SCALE_EMAIL_DOMAIN}", is_staff=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _assessments(ctx, rng, terms, focal_points)
    _needs(ctx, rng, terms, focal_points, staff)


# --- Capacity assessments -------------------------------------------------------------------------
def _assessments(ctx: ScaleContext, rng: random.Random, terms: Terms, focal_points) -> None:
    assessments, entries = [], []
    cycles = list(range(ctx.now.year - 4, ctx.now.year + 1))
    parties = [p for p in terms.parties if rng.random() < ASSESSING_SHARE]
    chosen = [
        (party, cycle)
        for party in parties
        for cycle in sorted(rng.sample(cycles, rng.randint(1, 3)))
    ]
    ids = iter(reserve_ids(Assessment, len(chosen)))
    target_numbers = sorted(terms.targets)
    for party, cycle in chosen:
        pk = next(ids)
        author = rng.choice(focal_points.get(party.id) or [None])
        created = datetime.datetime(
            cycle, rng.randint(1, 10), rng.randint(1, 28), tzinfo=datetime.UTC
        )
        created = min(created, ctx.now - datetime.timedelta(days=1))
        submitted = cycle < ctx.now.year or rng.random() < 0.5
        assessments.append(
            {
                "id": pk,
                "country_id": party.id,
                "cycle": cycle,
                "status": Assessment.Status.SUBMITTED if submitted else Assessment.Status.DRAFT,
                "created_by_id": author,
                "created_at": created,
                "updated_at": created,
                "submitted_at": created + datetime.timedelta(days=30) if submitted else None,
                "submitted_by_id": author if submitted else None,
            }
        )
        for number in target_numbers:
            scores = [rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4)) for _ in range(3)]
            entries.append(
                {
                    "assessment_id": pk,
                    "target_id": terms.targets[number],
                    "thematic_area_id": None,
                    "capacity_individual": scores[0],
                    "capacity_organisational": scores[1],
                    "capacity_systemic": scores[2] if submitted or rng.random() < 0.5 else None,
                    "gap_description": "Few trained staff and no monitoring data."
                    if sum(scores) < 5
                    else "",
                    "priority_id": rng.choice(terms.priorities).id,
                    "updated_at": created,
                }
            )
    ctx.step("capacity assessments", copy_rows(Assessment, assessments))
    ctx.step("  entries", copy_rows(AssessmentEntry, entries))


# --- Requests for assistance ----------------------------------------------------------------------
def _status(rng: random.Random, age_days: float) -> str:
    for limit, weights in STATUS_WEIGHTS:
        if limit is None or age_days < limit:
            return rng.choices(list(weights), weights=list(weights.values()))[0]
    raise AssertionError


def _needs(ctx: ScaleContext, rng: random.Random, terms: Terms, focal_points, staff) -> None:
    count = ctx.count(NEEDS, minimum=50)
    created = sorted(ctx.ago(rng, DAYS, skew=1.3) for _ in range(count))
    ids = reserve_ids(Need, count)
    numbers: dict[int, int] = defaultdict(int)  # year -> last reference number
    rows, events, messages, supports = [], [], [], []
    links: dict[object, list[tuple[int, int]]] = defaultdict(list)
    by_country: dict[int, list[int]] = defaultdict(list)
    language_ids = terms.languages
    for pk, created_at in zip(ids, created, strict=True):
        party = terms.party(rng)
        areas = some(rng, terms.areas, 1, 3)
        support_types = some(rng, terms.support_types, 1, 2)
        area_codes = [a.code for a in areas]
        target_numbers = sorted({n for code in area_codes for n in AREA_TARGETS.get(code, ())})[:3]
        wording = Wording.draw(
            rng,
            terms,
            area_codes,
            support=support_types[0],
            party=party,
            target=target_numbers[0] if target_numbers else None,
            year=created_at.year,
        )
        language = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
        kind = rng.choices(
            (
                Need.RequesterKind.GOVERNMENT,
                Need.RequesterKind.IPLC,
                Need.RequesterKind.OTHER_STAKEHOLDER,
            ),
            weights=(80, 12, 8),
        )[0]
        with_helpdesk = rng.random() < 0.2 or not focal_points.get(party.id)
        author = rng.choice(staff) if with_helpdesk else rng.choice(focal_points[party.id])
        status = _status(rng, (ctx.now - created_at).total_seconds() / 86400)
        if status == S.DUPLICATE and not by_country[party.id]:
            status = S.REJECTED
        numbers[created_at.year] += 1
        row = {
            "id": pk,
            "reference": f"{REFERENCE_PREFIX}-{created_at.year}-{numbers[created_at.year]:05d}",
            "status": status,
            "language": language,
            "title": wording.render(TITLES, [rng.randrange(len(TITLES["en"]))], language),
            "problem_statement": wording.render(PROBLEMS, indices(rng, PROBLEMS, 3, 5), language),
            "objectives": wording.render(OBJECTIVES, indices(rng, OBJECTIVES, 1, 2), language),
            "expected_outputs": wording.render(OUTPUTS, indices(rng, OUTPUTS, 1, 2), language),
            "outcomes_and_indicators": (
                wording.render(OUTCOMES, [0], language) if rng.random() < 0.5 else ""
            ),
            "country_id": party.id,
            "application_level": rng.choices(
                [choice for choice, _label in Need.ApplicationLevel.choices],
                weights=(60, 20, 10, 10),
            )[0],
            "requesting_organisation": rng.choice(REQUESTERS[kind][language]),
            "requester_kind": kind,
            "contact_name": f"Contact person {pk}",
            "contact_email": f"contact{pk}@ministry.example",
            "visibility": Need.Visibility.RESTRICTED
            if rng.random() < 0.04
            else Need.Visibility.PUBLIC,
            "source": "portal",
            "expressed_with_helpdesk": with_helpdesk,
            "created_by_id": author,
            "created_at": created_at,
            "priority_id": rng.choice(terms.priorities).id if rng.random() < 0.7 else None,
            "cofinancing_available": rng.random() < 0.3,
        }
        if rng.random() < 0.6:
            row["estimated_budget"] = Decimal(rng.randint(1, 50) * 10_000)
            row["budget_currency"] = rng.choice(("USD", "USD", "USD", "EUR"))
        if rng.random() < 0.7:
            start = (created_at + datetime.timedelta(days=rng.randint(60, 300))).date()
            row["desired_start"] = start
            row["desired_end"] = start + datetime.timedelta(days=rng.randint(90, 900))
        _history(ctx, rng, row, author, staff, events, messages, by_country[party.id])
        rows.append(row)
        by_country[party.id].append(pk)
        for area in areas:
            links[Need.thematic_areas].append((pk, area.id))
        for number in target_numbers:
            links[Need.targets].append((pk, terms.targets[number]))
        for support in support_types:
            supports.append(
                {
                    "need_id": pk,
                    "support_type_id": support.id,
                    "details": SUPPORT_DETAILS[language].format(**wording.values(language))
                    if rng.random() < 0.6
                    else "",
                }
            )
        for level in some(rng, terms.capacity_levels, 1, 2):
            links[Need.capacity_levels].append((pk, level.id))
        for beneficiary in some(rng, terms.beneficiary_types, 1, 3):
            links[Need.beneficiary_types].append((pk, beneficiary.id))
        working = {language, *(["en"] if rng.random() < 0.4 else [])}
        for code in sorted(working):
            if code in language_ids:
                links[Need.working_languages].append((pk, language_ids[code]))
        if rng.random() < 0.08:
            for other in some(rng, terms.parties, 1, 2):
                if other.id != party.id:
                    links[Need.other_countries].append((pk, other.id))
    ctx.step("requests for assistance", copy_rows(Need, rows))
    for field, pairs in links.items():
        ctx.step(f"  {field.field.name}", copy_links(field, pairs))
    ctx.step("  support asked for", copy_rows(NeedSupport, supports))
    ctx.step("  history events", copy_rows(NeedEvent, events))
    ctx.step("  messages", copy_rows(NeedMessage, messages))
    # New requests continue the references written here.
    for year, last in numbers.items():
        ReferenceSequence.objects.update_or_create(
            prefix=REFERENCE_PREFIX, year=year, defaults={"last_number": last}
        )


def _history(ctx, rng, row: dict, author: int, staff: list[int], events, messages, earlier) -> None:
    """The events (and messages) the request's status implies, and its dates."""
    status = row["status"]
    language = row["language"]
    moment = row["created_at"]
    need = row["id"]
    helpdesk = rng.choice(staff)

    current = ""

    def event(action: str, after_days: float, *, by=None, to="", internal=False, note="") -> None:
        nonlocal moment, current
        moment = min(ctx.now, moment + datetime.timedelta(days=after_days))
        events.append(
            {
                "need_id": need,
                "action": action,
                "from_status": current if to else "",
                "to_status": to,
                "actor_id": by,
                "note": note,
                "is_internal": internal,
                "created_at": moment,
                "notified_at": moment,
            }
        )
        current = to or current

    event(A.CREATED, 0, by=author, to=S.DRAFT)
    if status == S.DRAFT:
        row["status_changed_at"] = row["updated_at"] = moment
        return
    event(A.SUBMITTED, rng.uniform(0, 10), by=author, to=S.SUBMITTED)
    row["submitted_at"] = moment
    if status != S.SUBMITTED:
        event(A.ASSIGNED, rng.uniform(0.5, 5), by=helpdesk, internal=True, note="Assigned.")
        event(A.TRIAGE_STARTED, 0, by=helpdesk, to=S.IN_TRIAGE, internal=True)
        row["assigned_to_id"] = helpdesk
    clarify = status == S.CLARIFICATION_REQUESTED or (
        status in PUBLISHED_ONCE and rng.random() < 0.12
    )
    if clarify:
        question, answer = CLARIFICATION[language]
        event(
            A.CLARIFICATION_REQUESTED,
            rng.uniform(1, 10),
            by=helpdesk,
            to=S.CLARIFICATION_REQUESTED,
            note=question,
        )
        messages.append(
            {
                "need_id": need,
                "author_id": helpdesk,
                "from_helpdesk": True,
                "body": question,
                "created_at": moment,
            }
        )
        if status != S.CLARIFICATION_REQUESTED:
            reply = answer.format(n=rng.choice((20, 30, 40)))
            event(
                A.CLARIFICATION_ANSWERED, rng.uniform(1, 20), by=author, to=S.IN_TRIAGE, note=reply
            )
            messages.append(
                {
                    "need_id": need,
                    "author_id": author,
                    "from_helpdesk": False,
                    "body": reply,
                    "created_at": moment,
                }
            )
    if status in PUBLISHED_ONCE or (status == S.WITHDRAWN and rng.random() < 0.6):
        event(A.PUBLISHED, rng.uniform(2, 40), by=helpdesk, to=S.PUBLISHED)
        row["published_at"] = moment
    if status in (S.MATCHED, S.IN_PROGRESS, S.FULFILLED):
        event(A.MATCHED, rng.uniform(10, 150), by=helpdesk, to=S.MATCHED)
    if status in (S.IN_PROGRESS, S.FULFILLED):
        event(A.STARTED, rng.uniform(10, 90), by=author, to=S.IN_PROGRESS)
    if status == S.FULFILLED:
        event(A.FULFILLED, rng.uniform(90, 500), by=helpdesk, to=S.FULFILLED)
    if status == S.WITHDRAWN:
        event(A.WITHDRAWN, rng.uniform(5, 200), by=author, to=S.WITHDRAWN, note="No longer needed.")
    if status == S.REJECTED:
        reason = "Outside the scope of the programme."
        event(A.REJECTED, rng.uniform(2, 30), by=helpdesk, to=S.REJECTED, note=reason)
        row["rejection_reason"] = reason
    if status == S.DUPLICATE:
        row["duplicate_of_id"] = rng.choice(earlier)
        event(A.MARKED_DUPLICATE, rng.uniform(2, 30), by=helpdesk, to=S.DUPLICATE)
    row["status_changed_at"] = row["updated_at"] = moment
