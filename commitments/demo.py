# ruff: noqa: E501  (the demo texts in three languages are kept one per line)
"""Demo commitments of the Action Agenda, news and stories, and frequently asked questions.
Idempotent.

Twenty-four commitments of the four kinds of actor, in English, French and Spanish, in many
countries and in every phase, go through the services as people would: written by their owners,
submitted, and published (or returned, or left waiting) by the demo help desk; the published ones
in implementation or evaluation have progress reports. A commitment is identified by its owner and
its title in its original language, and left alone once it exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import Country, GBFTarget, OrganisationType, ThematicArea
from partners.models import Organisation

from . import services
from .models import (
    ActorType,
    Commitment,
    GovernmentLevel,
    ModerationStatus,
    NewsItem,
    Phase,
    Question,
    Scope,
    Sector,
    Size,
)

# (actor type, actor name, language, title, description, audience, targets, deliverable
#  (description, indicator, unit, baseline, target), extra fields)
COMMITMENTS = [
    (
        ActorType.INDIVIDUAL,
        "Lea Learner",
        "fr",
        "Un jardin sans pesticides pour les pollinisateurs",
        "Je transforme mon jardin en refuge pour les pollinisateurs, sans pesticides, et "
        "j'accompagne mes voisins qui veulent faire de même.",
        "Voisins du quartier",
        ["GBF-T7", "GBF-T11"],
        ("Jardins convertis", "Jardins sans pesticides", "jardins", "1", "15"),
        {},
    ),
    (
        ActorType.ORGANISATION,
        "Mangrove Alliance",
        "en",
        "Replant 500 hectares of mangroves with coastal communities",
        "Community nurseries grow mangrove seedlings that fishers' associations plant and look "
        "after along degraded stretches of the coast.",
        "Fishers' associations and coastal schools",
        ["GBF-T2", "GBF-T8"],
        ("Mangroves replanted", "Area replanted", "ha", "0", "500"),
        {"organisation_type": "ngo", "size": Size.MEDIUM},
    ),
    (
        ActorType.BUSINESS,
        "Highland Coffee Cooperative",
        "en",
        "Deforestation-free coffee by 2027",
        "Every bag we sell will be traced to farms that keep their forest cover, checked each "
        "year by satellite images and farm visits.",
        "Member farms and buyers",
        ["GBF-T10", "GBF-T15"],
        (
            "Traceable coffee",
            "Share of coffee traced to deforestation-free farms",
            "%",
            "35",
            "100",
        ),
        {"sector": Sector.AGRICULTURE, "size": Size.LARGE},
    ),
    (
        ActorType.LOCAL_GOVERNMENT,
        "Municipalidad de Valdivia",
        "es",
        "Proteger los humedales urbanos de Valdivia",
        "La comuna declara sus humedales urbanos áreas protegidas y crea un plan de gestión con "
        "los vecinos y la universidad.",
        "Vecinos, escuelas y universidad",
        ["GBF-T1", "GBF-T3", "GBF-T12"],
        ("Humedales protegidos", "Superficie de humedal protegida", "ha", "40", "320"),
        {"government_level": GovernmentLevel.CITY, "population": 166080},
    ),
    (
        ActorType.INDIVIDUAL,
        "Amani Otieno",
        "en",
        "Teach 300 pupils to recognise invasive plants",
        "I run monthly field lessons with schools near Lake Naivasha so that pupils recognise "
        "and report invasive water hyacinth and prosopis.",
        "Primary school pupils",
        ["GBF-T6", "GBF-T21"],
        ("Pupils trained", "Pupils who passed the field quiz", "pupils", "0", "300"),
        {},
    ),
    (
        ActorType.ORGANISATION,
        "Red de Semillas Andinas",
        "es",
        "Bancos comunitarios de semillas nativas",
        "Acompañamos a comunidades campesinas en la creación de bancos de semillas de "
        "variedades nativas de papa y quinua.",
        "Comunidades campesinas",
        ["GBF-T4", "GBF-T13", "GBF-T22"],
        ("Bancos de semillas", "Bancos comunitarios en funcionamiento", "bancos", "2", "20"),
        {"organisation_type": "ngo", "size": Size.SMALL},
    ),
    (
        ActorType.BUSINESS,
        "BioSafe Seeds Ltd",
        "en",
        "Publish biosafety assessments of every product we field-test",
        "We share the risk assessments of our field trials of living modified organisms with "
        "the national biosafety authority and the public, in line with the Cartagena Protocol.",
        "Regulators, farmers and the public",
        ["GBF-T17"],
        ("Published assessments", "Field trials with a public risk assessment", "%", "20", "100"),
        {"sector": Sector.CHEMICALS, "size": Size.MEDIUM, "is_biosafety": True},
    ),
    (
        ActorType.LOCAL_GOVERNMENT,
        "Région Sud-Ouest",
        "fr",
        "Zéro artificialisation nette des zones humides régionales",
        "La région compense chaque hectare de zone humide aménagé par la restauration de deux "
        "hectares, suivis par l'observatoire régional.",
        "Communes et aménageurs",
        ["GBF-T1", "GBF-T2"],
        ("Zones humides restaurées", "Surface restaurée", "ha", "0", "1200"),
        {"government_level": GovernmentLevel.PROVINCE, "population": 3200000},
    ),
]
# Each base commitment is made in three countries, in different phases (24 in all).
COUNTRIES = ["KE", "FR", "BR", "CL", "SN", "PE", "MX", "IN", "VN", "PH", "ZA", "CO"]
PHASES = [Phase.PLANNING, Phase.DEVELOPMENT, Phase.IMPLEMENTATION, Phase.EVALUATION]
# The owners: demo people (README's demo logins), whoever they are elsewhere on the portal.
OWNERS = [
    "learner",
    "partner.admin",
    "partner.editor",
    "focal.kenya",
    "focal.kenya.chm",
    "focal.brazil",
]

NEWS = [
    (
        NewsItem.Kind.NEWS,
        {
            "en": (
                "The Action Agenda opens to local governments",
                "Cities and regions can now commit with their own form.",
                "Local and subnational governments have a form of their own: level of government, population and territory.",
            ),
            "fr": (
                "Le Programme d'action s'ouvre aux collectivités",
                "Villes et régions s'engagent avec leur propre formulaire.",
                "Les gouvernements locaux et infranationaux ont leur formulaire : niveau de gouvernement, population et territoire.",
            ),
            "es": (
                "La Agenda de Acción se abre a los gobiernos locales",
                "Ciudades y regiones se comprometen con su propio formulario.",
                "Los gobiernos locales y subnacionales tienen su formulario: nivel de gobierno, población y territorio.",
            ),
        },
    ),
    (
        NewsItem.Kind.STORY,
        {
            "en": (
                "How Valdivia protected its urban wetlands",
                "A city, its university and its residents.",
                "Valdivia mapped its wetlands with volunteers before declaring them protected areas.",
            ),
            "fr": (
                "Comment Valdivia a protégé ses zones humides",
                "Une ville, son université et ses habitants.",
                "Valdivia a cartographié ses zones humides avec des bénévoles avant de les protéger.",
            ),
            "es": (
                "Cómo Valdivia protegió sus humedales urbanos",
                "Una ciudad, su universidad y sus vecinos.",
                "Valdivia mapeó sus humedales con voluntarios antes de declararlos áreas protegidas.",
            ),
        },
    ),
    (
        NewsItem.Kind.NEWS,
        {
            "en": (
                "Biosafety commitments now have their own filter",
                "Find commitments on the Cartagena Protocol.",
                "Commitments linked to GBF target 17 are marked as biosafety commitments.",
            ),
            "fr": (
                "Les engagements sur la biosécurité ont leur filtre",
                "Trouvez les engagements sur le Protocole de Cartagena.",
                "Les engagements liés à la cible 17 du Cadre sont marqués comme engagements de biosécurité.",
            ),
            "es": (
                "Los compromisos de bioseguridad tienen su filtro",
                "Encuentre los compromisos sobre el Protocolo de Cartagena.",
                "Los compromisos vinculados a la meta 17 del Marco se marcan como compromisos de bioseguridad.",
            ),
        },
    ),
]

QUESTIONS = [
    {
        "en": (
            "Who can make a commitment?",
            "Anyone: individuals, organisations, businesses and local or subnational governments. Each has its own form.",
        ),
        "fr": (
            "Qui peut prendre un engagement ?",
            "Tout le monde : particuliers, organisations, entreprises et gouvernements locaux ou infranationaux. Chacun a son formulaire.",
        ),
        "es": (
            "¿Quién puede asumir un compromiso?",
            "Cualquiera: personas, organizaciones, empresas y gobiernos locales o subnacionales. Cada uno tiene su formulario.",
        ),
    },
    {
        "en": (
            "What makes a good commitment?",
            "It is concrete and measurable: each deliverable has an indicator with a baseline, a target and a unit, and a date.",
        ),
        "fr": (
            "Qu'est-ce qu'un bon engagement ?",
            "Il est concret et mesurable : chaque livrable a un indicateur avec une valeur de départ, une cible, une unité et une date.",
        ),
        "es": (
            "¿Qué es un buen compromiso?",
            "Es concreto y medible: cada producto tiene un indicador con una línea de base, una meta, una unidad y una fecha.",
        ),
    },
    {
        "en": (
            "When is my commitment published?",
            "Once a moderator has checked it. If something is missing they return it to you with a message.",
        ),
        "fr": (
            "Quand mon engagement est-il publié ?",
            "Une fois vérifié par un modérateur. S'il manque quelque chose, il vous le renvoie avec un message.",
        ),
        "es": (
            "¿Cuándo se publica mi compromiso?",
            "Cuando un moderador lo ha revisado. Si falta algo, se lo devuelve con un mensaje.",
        ),
    },
    {
        "en": (
            "How do I report progress?",
            "On your commitment's page, choose “Report progress”: give the value each indicator has reached and the phase you are in.",
        ),
        "fr": (
            "Comment rendre compte des progrès ?",
            "Sur la page de votre engagement, choisissez « Rendre compte des progrès » : donnez la valeur atteinte par chaque indicateur et la phase où vous en êtes.",
        ),
        "es": (
            "¿Cómo informo sobre los avances?",
            "En la página de su compromiso, elija «Informar sobre los avances»: indique el valor alcanzado por cada indicador y la fase en la que está.",
        ),
    },
    {
        "en": (
            "Can my website show commitments?",
            "Yes: the API, the exports and the Atom feed are open, and the statistics can be read as JSON.",
        ),
        "fr": (
            "Mon site peut-il afficher les engagements ?",
            "Oui : l'API, les exports et le flux Atom sont ouverts, et les statistiques se lisent en JSON.",
        ),
        "es": (
            "¿Puede mi sitio web mostrar los compromisos?",
            "Sí: la API, las exportaciones y el canal Atom son abiertos, y las estadísticas se leen en JSON.",
        ),
    },
]


def _owner(local_part: str) -> User:
    return User.objects.get(email__iexact=demo_email(local_part))


def _translated(values: dict[str, tuple], names: tuple[str, ...]) -> dict[str, str]:
    return {
        f"{name}_{language}": text
        for language, texts in values.items()
        for name, text in zip(names, texts, strict=True)
    }


@transaction.atomic
def _commitment(index: int, spec, *, owner: User, moderator: User, today) -> bool:
    (
        actor_type,
        actor_name,
        language,
        title,
        description,
        audience,
        targets,
        deliverable,
        extra,
    ) = spec
    country = Country.objects.get(code=COUNTRIES[index % len(COUNTRIES)])
    title_field = f"title_{language}"
    if Commitment.objects.filter(owner=owner, **{title_field: title}, country=country).exists():
        return False
    extra = dict(extra)
    if "organisation_type" in extra:
        extra["organisation_type"] = OrganisationType.objects.get(code=extra["organisation_type"])
    organisation = Organisation.objects.filter(name_en=actor_name).first()
    if organisation is not None:
        extra["organisation"] = organisation
    start = today - datetime.timedelta(days=60 + 45 * index)
    described, indicator, unit, baseline, target = deliverable
    commitment = services.commitment_create(
        by=owner,
        actor_type=actor_type,
        data={
            "actor_name": actor_name,
            "country": country,
            "language": language,
            title_field: title,
            f"description_{language}": description,
            "scope": [Scope.LOCAL, Scope.NATIONAL, Scope.REGIONAL][index % 3],
            "audience": audience,
            "start_date": start,
            "end_date": start + datetime.timedelta(days=3 * 365),
            **extra,
        },
        targets=GBFTarget.objects.filter(code__in=targets),
        thematic_areas=ThematicArea.objects.order_by("position")[index % 5 : index % 5 + 1],
        deliverables=[
            {
                "description": described,
                "indicator": indicator,
                "unit": unit,
                "baseline": Decimal(baseline),
                "target": Decimal(target),
            }
        ],
    )
    # Most are published; a few wait for a moderator, one is returned, one stays a draft.
    if index == len(COUNTRIES) * 2 - 1:
        return True
    commitment = services.commitment_submit(commitment=commitment, by=owner)
    if index in (5, 13):
        return True
    if index == 9:
        services.commitment_return(
            commitment=commitment,
            by=moderator,
            note="Please say how the area will be measured.",
        )
        return True
    commitment = services.commitment_publish(commitment=commitment, by=moderator)
    phase = PHASES[index % len(PHASES)]
    if phase in (Phase.IMPLEMENTATION, Phase.EVALUATION):
        item = commitment.deliverables.get()
        step = (item.target - item.baseline) * Decimal("0.4")
        for number, days_ago in enumerate((40, 10), start=1):
            report = services.progress_report_submit(
                commitment=commitment,
                by=owner,
                period_end=today - datetime.timedelta(days=days_ago),
                phase=phase if number == 2 else Phase.IMPLEMENTATION,
                summary="Work went as planned this period."
                if language == "en"
                else "Le travail a avancé comme prévu."
                if language == "fr"
                else "El trabajo avanzó según lo previsto.",
                values={item.pk: (item.baseline + step * number, "")},
            )
            services.progress_report_publish(report=report, by=moderator)
    elif phase != commitment.phase:
        services.commitment_set_phase(commitment=commitment, by=owner, phase=phase)
    return True


def seed(*, log: Callable[[str], None]) -> None:
    with translation.override("en"):
        moderator = User.objects.get(email__iexact=demo_email("helpdesk"))
        today = timezone.localdate()
        made = 0
        for index in range(len(COUNTRIES) * 2):
            spec = COMMITMENTS[index % len(COMMITMENTS)]
            owner = _owner(OWNERS[index % len(OWNERS)])
            made += _commitment(index, spec, owner=owner, moderator=moderator, today=today)
        for position, (kind, texts) in enumerate(NEWS):
            if not NewsItem.objects.filter(title_en=texts["en"][0]).exists():
                NewsItem.objects.create(
                    kind=kind,
                    is_published=True,
                    published_at=timezone.now() - datetime.timedelta(days=7 * position),
                    **_translated(texts, ("title", "summary", "body")),
                )
        for position, texts in enumerate(QUESTIONS):
            if not Question.objects.filter(question_en=texts["en"][0]).exists():
                Question.objects.create(
                    position=position, **_translated(texts, ("question", "answer"))
                )
        public = Commitment.objects.filter(status=ModerationStatus.PUBLISHED).count()
        log(
            f"commitments: {made} new, {public} published, {len(NEWS)} news, {len(QUESTIONS)} questions"
        )
