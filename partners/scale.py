"""Partners of the scale data set (``manage.py seed_scale``), at scale 1:

5,000 organisations (nine in ten approved) with one to three members each, 10,000 offers of
support, 5,000 initiatives, 50,000 resources with 100,000 downloads, 2,000 opportunities, 2,000
events and 500 partnership agreements. A few organisations publish much more than most. Records
of organisations not yet approved are drafts. Texts are written in English (most), French or
Spanish from the vocabularies' topics, about one in six with a translation; dates spread over six
years, more of them recent.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from chm_portal.accounts.models import User
from chm_portal.core.scale import (
    SCALE_EMAIL_DOMAIN,
    ScaleContext,
    copy_links,
    copy_rows,
    reserve_ids,
    scale_email,
    some,
    zipf_weights,
)
from chm_portal.vocabularies.scale import (
    AREA_TARGETS,
    LANGUAGES,
    Party,
    Terms,
    Wording,
    capitalised,
    content_languages,
    contract,
    indices,
    load_terms,
    translated,
)

from .models import (
    Event,
    Initiative,
    Membership,
    Offer,
    Opportunity,
    Organisation,
    PartnershipAgreement,
    RecordStatus,
    Resource,
    ResourceDownload,
)

ORGANISATIONS = 5_000
OFFERS = 10_000
INITIATIVES = 5_000
RESOURCES = 50_000
DOWNLOADS = 100_000
OPPORTUNITIES = 2_000
EVENTS = 2_000
AGREEMENTS = 500
DAYS = 2_200  # records spread over the last six years
LANGUAGE_WEIGHTS = {"en": 70, "fr": 17, "es": 13}

ORGANISATION_NAMES = {
    "en": [
        "{country} Biodiversity Trust",
        "Centre for {topic}",
        "{country} Wildlife Society",
        "Alliance for {topic}",
        "{country} Institute of Ecology",
        "Friends of Nature {country}",
    ],
    "fr": [
        "Fondation pour la biodiversité ({country})",
        "Centre pour {topic}",
        "Société de protection de la nature ({country})",
        "Alliance pour {topic}",
        "Institut d'écologie ({country})",
        "Amis de la nature ({country})",
    ],
    "es": [
        "Fundación para la Biodiversidad ({country})",
        "Centro para {topic}",
        "Sociedad de Vida Silvestre ({country})",
        "Alianza para {topic}",
        "Instituto de Ecología ({country})",
        "Amigos de la Naturaleza ({country})",
    ],
}
ORGANISATION_SENTENCES = {
    "en": [
        "We work with governments and communities on {topic} and {topic2}.",
        "Founded in {year}, our team of {n} specialists supports national action on target "
        "{target}.",
        "We run training, field projects and research on {topic3}.",
        "Our partners include ministries, universities and indigenous peoples' organisations.",
    ],
    "fr": [
        "Nous travaillons avec les gouvernements et les communautés sur {topic} et {topic2}.",
        "Fondée en {year}, notre équipe de {n} spécialistes appuie l'action nationale sur la "
        "cible {target}.",
        "Nous menons des formations, des projets de terrain et des recherches sur {topic3}.",
        "Nos partenaires sont des ministères, des universités et des organisations de peuples "
        "autochtones.",
    ],
    "es": [
        "Trabajamos con gobiernos y comunidades en {topic} y {topic2}.",
        "Fundada en {year}, nuestro equipo de {n} especialistas apoya la acción nacional sobre "
        "la meta {target}.",
        "Realizamos formación, proyectos de campo e investigación sobre {topic3}.",
        "Entre nuestros socios hay ministerios, universidades y organizaciones de pueblos "
        "indígenas.",
    ],
}
OFFER_TITLES = {
    "en": [
        "{Support} on {topic}",
        "{Topic}: support for {audience}",
        "Mentoring programme on {topic}",
        "Online course and coaching on {topic}",
    ],
    "fr": [
        "{Support} sur {topic}",
        "{Topic} : appui à les {audience}",
        "Programme de mentorat sur {topic}",
        "Cours en ligne et accompagnement sur {topic}",
    ],
    "es": [
        "{Support} sobre {topic}",
        "{Topic}: apoyo a {audience}",
        "Programa de mentoría sobre {topic}",
        "Curso en línea y acompañamiento sobre {topic}",
    ],
}
OFFER_SENTENCES = {
    "en": [
        "We offer {support} to {audience} working on {topic}.",
        "The programme covers {topic}, {topic2} and practical tools for field work.",
        "Participants learn methods for {topic2} and receive follow-up support from our experts.",
        "Activities combine workshops, field visits and remote advice.",
        "Priority is given to institutions that include {topic} in their national plans.",
        "Our team has worked with ministries, universities and community organisations on "
        "{topic3} for over ten years.",
        "Travel and participation costs can be covered for participants from eligible countries.",
    ],
    "fr": [
        "Nous proposons un appui ({support}) à les {audience} qui travaillent sur {topic}.",
        "Le programme couvre {topic}, {topic2} et des outils pratiques pour le terrain.",
        "Les participants apprennent des méthodes pour {topic2} et bénéficient d'un suivi par "
        "nos experts.",
        "Les activités associent ateliers, visites de terrain et conseils à distance.",
        "La priorité est donnée aux institutions qui intègrent {topic} dans leurs plans nationaux.",
        "Notre équipe travaille depuis plus de dix ans avec des ministères, des universités et "
        "des associations sur {topic3}.",
        "Les frais de voyage et de participation peuvent être pris en charge pour les "
        "participants des pays éligibles.",
    ],
    "es": [
        "Ofrecemos apoyo ({support}) a {audience} que trabajan en {topic}.",
        "El programa abarca {topic}, {topic2} y herramientas prácticas para el trabajo de campo.",
        "Los participantes aprenden métodos para {topic2} y reciben acompañamiento de nuestros "
        "expertos.",
        "Las actividades combinan talleres, visitas de campo y asesoría a distancia.",
        "Se da prioridad a las instituciones que incluyen {topic} en sus planes nacionales.",
        "Nuestro equipo trabaja desde hace más de diez años con ministerios, universidades y "
        "organizaciones comunitarias en {topic3}.",
        "Los gastos de viaje y participación pueden cubrirse para participantes de países "
        "elegibles.",
    ],
}
RESOURCE_TITLES = {
    "en": [
        "Guide to {topic}",
        "{Topic}: a toolkit for practitioners",
        "Case study: {topic} in {country}",
        "Training manual on {topic}",
        "Lessons learned on {topic}",
        "Dataset: {topic} ({year})",
    ],
    "fr": [
        "Guide sur {topic}",
        "{Topic} : boîte à outils pour les praticiens",
        "Étude de cas : {topic} ({country})",
        "Manuel de formation sur {topic}",
        "Enseignements sur {topic}",
        "Jeu de données : {topic} ({year})",
    ],
    "es": [
        "Guía sobre {topic}",
        "{Topic}: caja de herramientas para profesionales",
        "Estudio de caso: {topic} ({country})",
        "Manual de capacitación sobre {topic}",
        "Lecciones aprendidas sobre {topic}",
        "Conjunto de datos: {topic} ({year})",
    ],
}
RESOURCE_SENTENCES = {
    "en": [
        "This document presents methods for {topic} drawn from field experience.",
        "It is intended for {audience} and can be used in training courses.",
        "Chapters cover {topic2}, monitoring and reporting on target {target}.",
        "Examples come from Africa, Asia, Latin America and the Pacific.",
        "Templates and checklists are included in the annexes.",
    ],
    "fr": [
        "Ce document présente des méthodes pour {topic} tirées de l'expérience de terrain.",
        "Il s'adresse à les {audience} et peut être utilisé dans des formations.",
        "Les chapitres couvrent {topic2}, le suivi et les rapports sur la cible {target}.",
        "Les exemples viennent d'Afrique, d'Asie, d'Amérique latine et du Pacifique.",
        "Des modèles et des listes de contrôle figurent en annexe.",
    ],
    "es": [
        "Este documento presenta métodos para {topic} basados en la experiencia de campo.",
        "Está dirigido a {audience} y puede utilizarse en cursos de formación.",
        "Los capítulos abarcan {topic2}, el seguimiento y los informes sobre la meta {target}.",
        "Los ejemplos proceden de África, Asia, América Latina y el Pacífico.",
        "Se incluyen plantillas y listas de verificación en los anexos.",
    ],
}
INITIATIVE_TITLES = {
    "en": ["Regional programme on {topic}", "Partnership for {topic}", "{Topic} in {country}"],
    "fr": ["Programme régional sur {topic}", "Partenariat pour {topic}", "{Topic} ({country})"],
    "es": ["Programa regional sobre {topic}", "Alianza para {topic}", "{Topic} ({country})"],
}
RESULTS = {
    "en": ["{n} people trained in {topic}.", "Guidelines on {topic2} adopted by the ministry."],
    "fr": ["{n} personnes formées sur {topic}.", "Lignes directrices sur {topic2} adoptées."],
    "es": ["{n} personas capacitadas en {topic}.", "Directrices sobre {topic2} adoptadas."],
}
KIND_TITLES = {  # opportunities and events: "<type>: <topic>"
    "en": ["{kind}: {topic}"],
    "fr": ["{kind} : {topic}"],
    "es": ["{kind}: {topic}"],
}
ELIGIBILITY = {
    "en": ["Open to {audience} from developing countries working on {topic}."],
    "fr": ["Ouvert à les {audience} des pays en développement travaillant sur {topic}."],
    "es": ["Abierto a {audience} de países en desarrollo que trabajan en {topic}."],
}
CITIES = ["Nairobi", "Montréal", "Bogotá", "Bangkok", "Dakar", "Lima", "Suva", "Rabat", "Manila"]
TIME_ZONES = ["Africa/Nairobi", "America/Toronto", "America/Bogota", "Asia/Bangkok", "UTC"]


def generate(ctx: ScaleContext) -> None:
    rng = ctx.random("partners")
    terms = load_terms(ctx.seed)
    people = list(
        User.objects.filter(email__iendswith=f"@{SCALE_EMAIL_DOMAIN}", is_staff=False)
        .exclude(focal_points__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    staff = list(
        User.objects.filter(email__iendswith=f"@{SCALE_EMAIL_DOMAIN}", is_staff=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    partner = User.objects.get(email=scale_email("partner.scale")).pk
    organisations = _organisations(ctx, rng, terms, people, staff, partner)
    approved = [org for org in organisations if org["status"] == Organisation.Status.APPROVED]
    writer = _RecordWriter(ctx, rng, terms, approved, organisations)
    writer.offers()
    writer.initiatives()
    writer.resources(people)
    writer.opportunities()
    writer.events()
    writer.agreements()


# --- Organisations --------------------------------------------------------------------------------
def _organisations(ctx, rng, terms: Terms, people, staff, partner) -> list[dict]:
    count = ctx.count(ORGANISATIONS, minimum=10)
    ids = reserve_ids(Organisation, count)
    rows, links = [], _Links()
    memberships = []
    members = iter(_cycle(rng, people))
    for number, pk in enumerate(ids):
        party = terms.party(rng)
        areas = some(rng, terms.areas, 1, 3)
        wording = Wording.draw(rng, terms, [a.code for a in areas], party=party)
        original, written = content_languages(rng, LANGUAGE_WEIGHTS)
        name_index = rng.randrange(len(ORGANISATION_NAMES["en"]))
        sentences = indices(rng, ORGANISATION_SENTENCES, 2, 4)
        names = {lang: wording.render(ORGANISATION_NAMES, [name_index], lang) for lang in written}
        created = ctx.ago(rng, DAYS, skew=1.3)
        status = rng.choices(
            (
                Organisation.Status.APPROVED,
                Organisation.Status.PENDING,
                Organisation.Status.REJECTED,
            ),
            weights=(90, 8, 2),
        )[0]
        if number == 0:  # the named partner's organisation
            status = Organisation.Status.APPROVED
        founder = next(members)
        rows.append(
            {
                "id": pk,
                **translated("name", names, original),
                **translated(
                    "description",
                    {
                        lang: wording.render(ORGANISATION_SENTENCES, sentences, lang)
                        for lang in written
                    },
                    original,
                ),
                "acronym": "".join(
                    word[0] for word in names[original].split() if word[0].isupper()
                )[:8],
                "organisation_type_id": rng.choice(terms.organisation_types).id,
                "country_id": party.id,
                "website": f"https://org{pk}.example.org/",
                "contact_name": f"Contact {pk}",
                "contact_email": f"contact{pk}@org.example",
                "status": status,
                "decided_at": (
                    None
                    if status == Organisation.Status.PENDING
                    else created + datetime.timedelta(days=rng.randint(1, 20))
                ),
                "decided_by_id": None
                if status == Organisation.Status.PENDING
                else rng.choice(staff),
                "rejection_reason": (
                    "Not a biodiversity organisation."
                    if status == Organisation.Status.REJECTED
                    else ""
                ),
                "created_by_id": partner if number == 0 else founder,
                "created_at": created,
                "updated_at": created,
            }
        )
        links.add(Organisation.thematic_areas, pk, [a.id for a in areas])
        links.add(Organisation.targets, pk, _targets(terms, areas))
        links.add(
            Organisation.support_types, pk, [t.id for t in some(rng, terms.support_types, 1, 3)]
        )
        links.add(Organisation.languages, pk, _languages(rng, terms, original))
        if rng.random() < 0.4:
            links.add(Organisation.countries_of_operation, pk, some(rng, terms.country_ids, 1, 5))
        if rng.random() < 0.15:
            links.add(Organisation.regions_of_operation, pk, some(rng, terms.regions, 1, 2))
        admin = partner if number == 0 else founder
        team = {admin}
        memberships.append(_membership(pk, admin, Membership.Role.ADMIN, created))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            editor = next(members)
            if editor not in team:
                team.add(editor)
                memberships.append(_membership(pk, editor, Membership.Role.EDITOR, created))
    ctx.step("organisations", copy_rows(Organisation, rows))
    links.write(ctx)
    ctx.step("  memberships", copy_rows(Membership, memberships))
    return rows


def _membership(organisation: int, user: int, role: str, since: datetime.datetime) -> dict:
    return {"organisation_id": organisation, "user_id": user, "role": role, "created_at": since}


def _cycle(rng: random.Random, items: Sequence[int]) -> Iterator[int]:
    """The items in a random order, again and again."""
    items = list(items)
    while True:
        rng.shuffle(items)
        yield from items


def _targets(terms: Terms, areas) -> list[int]:
    numbers = {number for area in areas for number in AREA_TARGETS.get(area.code, ())}
    return [terms.targets[number] for number in sorted(numbers)]


def _languages(rng, terms: Terms, original: str) -> list[int]:
    codes = {original, *some(rng, list(terms.languages), 0, 2)}
    return [terms.languages[code] for code in sorted(codes) if code in terms.languages]


class _Links:
    """Many-to-many rows gathered while the records are built, written after them."""

    def __init__(self) -> None:
        self.pairs: dict[object, list[tuple[int, int]]] = {}

    def add(self, field, owner: int, related: Sequence[int]) -> None:
        self.pairs.setdefault(field, []).extend((owner, pk) for pk in related)

    def write(self, ctx: ScaleContext) -> None:
        for field, pairs in self.pairs.items():
            ctx.step(f"  {field.field.name}", copy_links(field, pairs))


# --- The partners' databases ----------------------------------------------------------------------
@dataclass
class _Draft:
    """A record's common columns, and what its other columns are drawn from."""

    row: dict
    areas: list
    original: str
    written: list[str]
    party: Party
    values: dict[str, dict]


class _RecordWriter:
    def __init__(
        self, ctx: ScaleContext, rng, terms: Terms, approved: list[dict], all_orgs
    ) -> None:
        self.ctx, self.rng, self.terms = ctx, rng, terms
        self.approved = approved
        # A few organisations publish much more than most (cumulative weights: drawn in O(log n)).
        self.cumulative = list(itertools.accumulate(zipf_weights(len(approved), 0.8)))
        self.pending = [org for org in all_orgs if org["status"] != Organisation.Status.APPROVED]

    def organisation(self) -> dict:
        if self.pending and self.rng.random() < 0.04:
            return self.rng.choice(self.pending)
        return self.rng.choices(self.approved, cum_weights=self.cumulative)[0]

    def record(self, pk: int, org: dict, titles, sentences, *, low=3, high=5, **extra) -> _Draft:
        """The common columns of a record, and what its other columns are drawn from."""
        rng = self.rng
        areas = some(rng, self.terms.areas, 1, 3)
        party = self.terms.party(rng)
        created = self.ctx.ago(rng, DAYS, skew=1.4)
        wording = Wording.draw(
            rng, self.terms, [a.code for a in areas], party=party, year=created.year
        )
        original, written = content_languages(rng, LANGUAGE_WEIGHTS)
        title_index = [rng.randrange(len(titles["en"]))]
        body = indices(rng, sentences, low, high)
        values = {lang: {**wording.values(lang), **extra.get(lang, {})} for lang in LANGUAGES}
        row = {
            "id": pk,
            **translated(
                "title",
                {lang: _render(titles, title_index, lang, values) for lang in written},
                original,
            ),
            **translated(
                "description",
                {lang: _render(sentences, body, lang, values) for lang in written},
                original,
            ),
            "language": original,
            "created_by_id": org["created_by_id"],
            "created_at": created,
            "updated_at": created,
        }
        return _Draft(row, areas, original, written, party, values)

    def status(self, org: dict, statuses: dict[str, float]) -> str:
        if org["status"] != Organisation.Status.APPROVED:
            return RecordStatus.DRAFT
        return self.rng.choices(list(statuses), weights=list(statuses.values()))[0]

    def published(self, row: dict, status: str) -> None:
        if status != RecordStatus.DRAFT:
            row["published_at"] = row["created_at"] + datetime.timedelta(
                hours=self.rng.randint(1, 240)
            )
            row["updated_at"] = row["published_at"]

    def offers(self) -> None:
        ctx, rng, terms = self.ctx, self.rng, self.terms
        rows, links = [], _Links()
        for pk in reserve_ids(Offer, ctx.count(OFFERS, minimum=20)):
            org = self.organisation()
            draft = self.record(pk, org, OFFER_TITLES, OFFER_SENTENCES)
            row, areas = draft.row, draft.areas
            status = self.status(
                org,
                {
                    RecordStatus.PUBLISHED: 70,
                    RecordStatus.PAUSED: 4,
                    RecordStatus.CLOSED: 16,
                    RecordStatus.DRAFT: 10,
                },
            )
            self.published(row, status)
            start = row["created_at"].date() + datetime.timedelta(days=rng.randint(0, 60))
            if status == RecordStatus.CLOSED:
                until = min(
                    ctx.now.date() - datetime.timedelta(days=1),
                    start + datetime.timedelta(days=rng.randint(90, 700)),
                )
                until = max(until, start)
            else:
                until = (
                    max(ctx.now.date(), start) + datetime.timedelta(days=rng.randint(30, 900))
                    if rng.random() < 0.8
                    else None
                )
            financial = rng.random() < 0.2
            low = Decimal(rng.choice((5_000, 10_000, 20_000, 50_000)))
            row.update(
                provider_id=org["id"],
                status=status,
                closed_automatically=status == RecordStatus.CLOSED and rng.random() < 0.6,
                available_from=start if rng.random() < 0.9 else None,
                available_until=until,
                cost=rng.choices((Offer.Cost.FREE, Offer.Cost.AT_COST), weights=(85, 15))[0],
                contribution=Offer.Contribution.FINANCIAL
                if financial
                else Offer.Contribution.IN_KIND,
                budget_min=low if financial else None,
                budget_max=low * rng.choice((2, 4, 10)) if financial else None,
                max_concurrent_requests=rng.choice((None, None, None, 2, 5, 10, 20)),
            )
            if row["available_from"] and until and until < row["available_from"]:
                row["available_from"] = until
            rows.append(row)
            links.add(Offer.thematic_areas, pk, [a.id for a in areas])
            links.add(Offer.targets, pk, _targets(terms, areas)[:3])
            links.add(Offer.support_types, pk, [t.id for t in some(rng, terms.support_types, 1, 3)])
            links.add(
                Offer.capacity_levels, pk, [t.id for t in some(rng, terms.capacity_levels, 1, 2)]
            )
            if rng.random() < 0.9:
                links.add(Offer.languages, pk, _languages(rng, terms, draft.original))
            kind = rng.random()
            if kind < 0.1:
                links.add(
                    Offer.eligible_countries, pk, [p.id for p in some(rng, terms.parties, 1, 6)]
                )
            elif kind < 0.3:
                links.add(Offer.eligible_regions, pk, some(rng, terms.regions, 1, 2))
            elif kind < 0.4:
                links.add(Offer.eligible_groups, pk, some(rng, terms.country_groups, 1, 2))
        ctx.step("offers of support", copy_rows(Offer, rows))
        links.write(ctx)

    def initiatives(self) -> None:
        ctx, rng, terms = self.ctx, self.rng, self.terms
        rows, links = [], _Links()
        for pk in reserve_ids(Initiative, ctx.count(INITIATIVES, minimum=10)):
            org = self.organisation()
            draft = self.record(pk, org, INITIATIVE_TITLES, OFFER_SENTENCES, low=2, high=4)
            row, areas = draft.row, draft.areas
            status = self.status(
                org, {RecordStatus.PUBLISHED: 80, RecordStatus.CLOSED: 10, RecordStatus.DRAFT: 10}
            )
            self.published(row, status)
            start = row["created_at"].date() - datetime.timedelta(days=rng.randint(0, 400))
            end = start + datetime.timedelta(days=rng.randint(365, 1800))
            result_lines = indices(rng, RESULTS, 1, 2)
            row.update(
                organisation_id=org["id"],
                status=status,
                start_date=start,
                end_date=end if rng.random() < 0.85 else None,
                stage=(
                    Initiative.Stage.COMPLETED
                    if end < ctx.now.date()
                    else Initiative.Stage.ONGOING
                    if start <= ctx.now.date()
                    else Initiative.Stage.PLANNED
                ),
                budget=Decimal(rng.randint(2, 500) * 10_000) if rng.random() < 0.6 else None,
                website=f"https://initiative{pk}.example.org/" if rng.random() < 0.5 else "",
                **translated(
                    "results",
                    {
                        lang: _render(RESULTS, result_lines, lang, draft.values)
                        for lang in draft.written
                    },
                    draft.original,
                ),
            )
            rows.append(row)
            links.add(Initiative.thematic_areas, pk, [a.id for a in areas])
            links.add(Initiative.targets, pk, _targets(terms, areas)[:3])
            links.add(Initiative.countries, pk, [p.id for p in some(rng, terms.parties, 1, 4)])
            partners = {
                o["id"]
                for o in rng.sample(self.approved, min(len(self.approved), rng.randint(0, 3)))
            }
            partners.discard(org["id"])
            links.add(Initiative.partner_organisations, pk, sorted(partners))
        ctx.step("initiatives", copy_rows(Initiative, rows))
        links.write(ctx)

    def resources(self, people: list[int]) -> None:
        ctx, rng, terms = self.ctx, self.rng, self.terms
        rows, links = [], _Links()
        ids = reserve_ids(Resource, ctx.count(RESOURCES, minimum=50))
        licences = [choice for choice, _label in Resource.Licence.choices]
        for pk in ids:
            org = self.organisation()
            draft = self.record(pk, org, RESOURCE_TITLES, RESOURCE_SENTENCES, low=2, high=4)
            row, areas = draft.row, draft.areas
            status = self.status(org, {RecordStatus.PUBLISHED: 88, RecordStatus.DRAFT: 12})
            self.published(row, status)
            row.update(
                organisation_id=org["id"],
                status=status,
                resource_type_id=rng.choice(terms.resource_types).id,
                url=f"https://library.example.org/resources/{pk}",
                licence=rng.choices(licences, weights=(40, 10, 15, 8, 5, 3, 4, 10, 5))[0],
                authors=f"{rng.choice(('Mensah', 'Silva', 'Dupont', 'Wang', 'Rojas'))} et al.",
                publication_year=min(
                    ctx.now.year, row["created_at"].year - rng.choice((0, 0, 1, 2))
                ),
                download_count=0,
            )
            rows.append(row)
            links.add(Resource.thematic_areas, pk, [a.id for a in areas])
            links.add(Resource.targets, pk, _targets(terms, areas)[:3])
            links.add(Resource.languages, pk, _languages(rng, terms, draft.original))
        # Downloads: popular resources are downloaded much more (and only public ones are).
        public = [row for row in rows if row["status"] == RecordStatus.PUBLISHED]
        downloads = []
        if public:
            weights = zipf_weights(len(public), 1.0)
            chosen = rng.choices(public, weights=weights, k=ctx.count(DOWNLOADS))
            for row in chosen:
                row["download_count"] += 1
                signed_in = rng.random() < 0.4
                downloads.append(
                    {
                        "resource_id": row["id"],
                        "downloaded_at": max(row["published_at"], ctx.ago(rng, DAYS, skew=1.5)),
                        "user_id": rng.choice(people) if signed_in and people else None,
                        "country_id": terms.party(rng).id if rng.random() < 0.7 else None,
                        "by_focal_point": signed_in and rng.random() < 0.1,
                    }
                )
        ctx.step("resources", copy_rows(Resource, rows))
        links.write(ctx)
        ctx.step("  downloads", copy_rows(ResourceDownload, downloads))

    def opportunities(self) -> None:
        ctx, rng, terms = self.ctx, self.rng, self.terms
        rows, links = [], _Links()
        for pk in reserve_ids(Opportunity, ctx.count(OPPORTUNITIES, minimum=10)):
            org = self.organisation()
            kind = rng.choice(terms.opportunity_types)
            extra = {lang: {"kind": kind.names[lang]} for lang in LANGUAGES}
            draft = self.record(pk, org, KIND_TITLES, OFFER_SENTENCES, low=2, high=4, **extra)
            row, areas = draft.row, draft.areas
            opens = row["created_at"] + datetime.timedelta(days=rng.randint(0, 30))
            deadline = opens + datetime.timedelta(days=rng.randint(20, 120))
            status = (
                RecordStatus.DRAFT
                if org["status"] != Organisation.Status.APPROVED
                else (RecordStatus.CLOSED if deadline < ctx.now else RecordStatus.PUBLISHED)
            )
            self.published(row, status)
            on_portal = rng.random() < 0.25
            row.update(
                organisation_id=org["id"],
                opportunity_type_id=kind.id,
                status=status,
                closed_automatically=status == RecordStatus.CLOSED,
                opens_at=opens,
                deadline=deadline,
                link="" if on_portal else f"https://apply.example.org/{pk}",
                applications_on_portal=on_portal,
                places=rng.choice((None, 10, 20, 30)),
                **translated(
                    "eligibility",
                    {lang: _render(ELIGIBILITY, [0], lang, draft.values) for lang in draft.written},
                    draft.original,
                ),
            )
            rows.append(row)
            links.add(Opportunity.thematic_areas, pk, [a.id for a in areas])
            links.add(Opportunity.targets, pk, _targets(terms, areas)[:3])
            links.add(Opportunity.languages, pk, _languages(rng, terms, draft.original))
            if rng.random() < 0.3:
                links.add(Opportunity.eligible_groups, pk, some(rng, terms.country_groups, 1, 2))
        ctx.step("opportunities", copy_rows(Opportunity, rows))
        links.write(ctx)

    def events(self) -> None:
        ctx, rng, terms = self.ctx, self.rng, self.terms
        rows, links = [], _Links()
        for pk in reserve_ids(Event, ctx.count(EVENTS, minimum=10)):
            org = self.organisation()
            kind = rng.choice(terms.event_types)
            extra = {lang: {"kind": kind.names[lang]} for lang in LANGUAGES}
            draft = self.record(pk, org, KIND_TITLES, OFFER_SENTENCES, low=2, high=3, **extra)
            row, areas = draft.row, draft.areas
            starts = row["created_at"] + datetime.timedelta(days=rng.randint(14, 200))
            ends = starts + datetime.timedelta(hours=rng.choice((2, 8, 32, 56)))
            online = rng.random() < 0.45
            status = (
                RecordStatus.DRAFT
                if org["status"] != Organisation.Status.APPROVED
                else (RecordStatus.CLOSED if ends < ctx.now else RecordStatus.PUBLISHED)
            )
            self.published(row, status)
            row.update(
                organisation_id=org["id"],
                event_type_id=kind.id,
                status=status,
                starts_at=starts,
                ends_at=ends,
                time_zone=rng.choice(TIME_ZONES),
                is_online=online,
                city="" if online else rng.choice(CITIES),
                country_id=None if online else draft.party.id,
                registration_url=f"https://events.example.org/{pk}",
                participant_count=rng.randint(10, 400) if starts < ctx.now else None,
            )
            rows.append(row)
            links.add(Event.thematic_areas, pk, [a.id for a in areas])
            links.add(Event.targets, pk, _targets(terms, areas)[:3])
            links.add(Event.languages, pk, _languages(rng, terms, draft.original))
        ctx.step("events", copy_rows(Event, rows))
        links.write(ctx)

    def agreements(self) -> None:
        ctx, rng = self.ctx, self.rng
        rows = []
        kinds = [choice for choice, _label in PartnershipAgreement.Kind.choices]
        for pk in reserve_ids(PartnershipAgreement, ctx.count(AGREEMENTS, minimum=5)):
            org = rng.choice(self.approved)
            draft = self.record(pk, org, INITIATIVE_TITLES, ORGANISATION_SENTENCES, low=1, high=2)
            row = draft.row
            signed = row["created_at"].date()
            self.published(row, RecordStatus.PUBLISHED)
            row.update(
                organisation_id=org["id"],
                status=RecordStatus.PUBLISHED,
                kind=rng.choice(kinds),
                signed_on=signed,
                ends_on=signed + datetime.timedelta(days=rng.choice((365, 730, 1095))),
            )
            rows.append(row)
        ctx.step("partnership agreements", copy_rows(PartnershipAgreement, rows))


def _render(templates, chosen: Sequence[int], language: str, values: dict[str, dict]) -> str:
    """Templates filled with a record's values in ``language`` (its wording plus extras)."""
    text = " ".join(templates[language][i].format(**values[language]) for i in chosen)
    return capitalised(contract(language, text))
