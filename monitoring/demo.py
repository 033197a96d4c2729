"""Demo data of monitoring (``manage.py seed_demo``, after every other app's). Idempotent.

- Country profiles of 80 Parties (Kenya and Brazil among them), at every maturity level of the
  national CHM, with a website from level 3 and the support each asks for. A profile that exists
  is left alone: its focal points may have changed it.
- National CHM nodes of 30 of those Parties (Kenya and Brazil among them), at every maturity
  level (the profile's), with an introduction, two to four institutions, one to three pieces of
  national news and the types of support asked for; four are left unpublished. A node that
  exists is left alone.
- Eight evaluations (activities 3, 4, 5 and 8, and the matchmaking itself), in English, French and
  Spanish; one still a draft. Identified by subject, activity and completion date.
- The indicators' history: every indicator computed as of the last day of each of the past 24
  months and as of today, from the dates of the other apps' demo records, so that each has a time
  series. A recompute replaces its day's values, and the demo's earlier runs are deleted first, so
  seeding again leaves the same rows.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

from django.utils import timezone

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import Country, SupportType

from . import services
from .models import (
    CountryProfile,
    Evaluation,
    GapCell,
    IndicatorValue,
    MaturityLevel,
    NationalNode,
    NodeInstitution,
    NodeNewsItem,
    RecomputeRun,
)

PROFILES = 80
HISTORY_MONTHS = 24

# Parties whose profile the demo's focal points keep: (code, level, website).
KNOWN_PROFILES = {
    "KE": (MaturityLevel.WEB_PRESENCE, "https://chm.kenya.example.org/"),
    "BR": (MaturityLevel.COMPLETE, "https://chm.brazil.example.org/"),
}
# How many of the 80 Parties are at each level (0 to 5): most have a focal point, about half
# a website, a few an advanced CHM.
LEVEL_WEIGHTS = (8, 12, 20, 22, 12, 6)

SUPPORT_ASKED = {
    MaturityLevel.NO_FOCAL_POINT: [
        "",
        "Guidance for the ministry on the role and terms of reference of a CHM focal point.",
    ],
    MaturityLevel.UNDER_EQUIPPED: [
        "A laptop and a reliable Internet connection for the focal point's office.",
        "Basic training in web publishing and in the CBD's online reporting tools.",
        "Funds for a part-time assistant to collect national biodiversity information.",
    ],
    MaturityLevel.NO_WEBSITE: [
        "Hosting and the CHM toolkit (Bioland) to launch a first national website.",
        "Training of two staff in web publishing, in French.",
        "A template and guidance for a first national CHM site in Spanish.",
    ],
    MaturityLevel.WEB_PRESENCE: [
        "Help to link national partners (universities, NGOs, museums) into a national network.",
        "Translation of the website into the national languages.",
        "Content for the national targets and the NBSAP, and a species checklist page.",
    ],
    MaturityLevel.COMPLETE: [
        "Interoperability with GBIF and the national biodiversity information facility.",
        "Training on open data standards (Darwin Core, DCAT) for the national CHM team.",
        "",
    ],
    MaturityLevel.ADVANCED: [
        "",
        "Support to mentor neighbouring Parties through regional CHM workshops.",
    ],
}

NOTES = {
    MaturityLevel.NO_FOCAL_POINT: "Nomination of the focal point pending with the ministry.",
    MaturityLevel.UNDER_EQUIPPED: "The focal point works part time on the CHM.",
    MaturityLevel.NO_WEBSITE: "Content is ready; no hosting yet.",
    MaturityLevel.WEB_PRESENCE: "The website presents the NBSAP and national reports.",
    MaturityLevel.COMPLETE: "A national network of partners publishes on the CHM.",
    MaturityLevel.ADVANCED: "The CHM exchanges data with national and regional networks.",
}


def seed(*, log: Callable[[str], None]) -> None:
    helpdesk = User.objects.filter(email__iexact=demo_email("helpdesk")).first()
    profiles = _profiles(helpdesk)
    nodes = _nodes(helpdesk)
    evaluations = _evaluations(helpdesk)
    log(f"monitoring: {profiles} country profiles, {evaluations} evaluations")
    log(f"monitoring: {nodes} national CHM nodes")
    started = time.perf_counter()
    runs = _history()
    log(
        f"monitoring: indicators computed as of {len(runs)} days "
        f"({IndicatorValue.objects.count()} values, {GapCell.objects.count()} gap cells) "
        f"in {time.perf_counter() - started:.1f} s"
    )


# --- Country profiles -----------------------------------------------------------------------------
def _profiles(helpdesk: User | None) -> int:
    rng = random.Random(23)
    parties = list(Country.objects.filter(is_cbd_party=True).order_by("code"))
    if not parties:
        return 0
    chosen = [c for c in parties if c.code in KNOWN_PROFILES]
    others = [c for c in parties if c.code not in KNOWN_PROFILES]
    chosen += rng.sample(others, min(len(others), PROFILES - len(chosen)))
    focal_points = {
        "KE": User.objects.filter(email__iexact=demo_email("focal.kenya.chm")).first(),
        "BR": User.objects.filter(email__iexact=demo_email("focal.brazil")).first(),
    }
    existing = set(
        CountryProfile.objects.filter(country__in=chosen).values_list("country_id", flat=True)
    )
    now = timezone.now()
    levels = list(MaturityLevel)
    new = []
    for country in sorted(chosen, key=lambda c: c.code):
        if country.code in KNOWN_PROFILES:
            level, website = KNOWN_PROFILES[country.code]
        else:
            level = rng.choices(levels, weights=LEVEL_WEIGHTS)[0]
            website = (
                f"https://chm.{country.code.lower()}.example.org/"
                if level >= MaturityLevel.WEB_PRESENCE
                else ""
            )
        support = rng.choice(SUPPORT_ASKED[level])
        updated_at = now - datetime.timedelta(days=rng.randint(5, 400))
        if country.pk in existing:
            continue
        new.append(
            CountryProfile(
                country=country,
                maturity_level=level,
                national_chm_url=website,
                support_requested=support,
                notes=NOTES[level],
                updated_at=updated_at,
                updated_by=focal_points.get(country.code) or helpdesk,
            )
        )
    CountryProfile.objects.bulk_create(new)
    return len(chosen)


# --- National nodes -------------------------------------------------------------------------------
NODES = 30
UNPUBLISHED_NODES = 4

INTRODUCTIONS = {
    "en": (
        "The national clearing-house mechanism of {country} shares information on the "
        "country's biodiversity, its national biodiversity strategy and action plan (NBSAP) and "
        "its national reports, and connects the institutions that work on them."
    ),
    "fr": (
        "Le centre d'échange national de {country} partage l'information sur la biodiversité "
        "du pays, sa stratégie et son plan d'action nationaux (SPANB) et ses rapports "
        "nationaux, et relie les institutions qui y travaillent."
    ),
    "es": (
        "El mecanismo nacional de facilitación de {country} comparte información sobre la "
        "biodiversidad del país, su estrategia y plan de acción nacionales (EPANB) y sus "
        "informes nacionales, y conecta a las instituciones que trabajan en ellos."
    ),
}
# (name, role) of the institutions a node may list; {country} is the country's name.
INSTITUTIONS = [
    ("Ministry of Environment of {country}", "Hosts the CHM focal point and the website."),
    ("National Museum of Natural History", "Publishes the national species checklists."),
    ("{country} Biodiversity Information Facility", "Shares occurrence data with GBIF."),
    ("National University, Department of Biology", "Trains the CHM team; hosts data."),
    ("National Parks Authority", "Reports on protected areas and their management."),
    ("Network of environmental NGOs", "Publishes awareness material and local news."),
]
NEWS = [
    (
        "National biodiversity strategy adopted",
        "The government adopted the updated NBSAP, aligned with the Kunming-Montreal Global "
        "Biodiversity Framework. The full text is on the national CHM.",
    ),
    (
        "Training of CHM correspondents",
        "Twenty correspondents from ministries and universities were trained to publish on the "
        "national clearing-house mechanism.",
    ),
    (
        "Seventh national report submitted",
        "The country submitted its national report to the Convention; the indicators and the "
        "data sources are published on the national CHM.",
    ),
    (
        "International Day for Biological Diversity",
        "Schools, parks and museums took part in the national celebration of 22 May; photos and "
        "teaching material are online.",
    ),
]
# Types of support a node asks for, by maturity level (codes of the vocabulary).
NODE_SUPPORT = {
    MaturityLevel.NO_FOCAL_POINT: ["policy_legal"],
    MaturityLevel.UNDER_EQUIPPED: ["equipment", "training"],
    MaturityLevel.NO_WEBSITE: ["training", "technical_advice"],
    MaturityLevel.WEB_PRESENCE: ["training", "data_information"],
    MaturityLevel.COMPLETE: ["data_information", "exchange_mentoring"],
    MaturityLevel.ADVANCED: ["exchange_mentoring"],
}


def _nodes(helpdesk: User | None) -> int:
    """Nodes of Parties with a profile, Kenya and Brazil first, then by a fixed random draw so
    that every level appears; a Party that has a node is skipped."""
    rng = random.Random(2007)
    profiles = list(CountryProfile.objects.select_related("country").order_by("country__code"))
    if not profiles:
        return 0
    known = [p for p in profiles if p.country.code in KNOWN_PROFILES]
    by_level: dict[int, list[CountryProfile]] = {}
    for profile in profiles:
        if profile.country.code not in KNOWN_PROFILES:
            by_level.setdefault(profile.maturity_level, []).append(profile)
    chosen = list(known)
    while len(chosen) < NODES and any(by_level.values()):
        for level in sorted(by_level):  # round robin over the levels
            if by_level[level] and len(chosen) < NODES:
                chosen.append(by_level[level].pop(rng.randrange(len(by_level[level]))))
    existing = set(
        NationalNode.objects.filter(country__in=[p.country for p in chosen]).values_list(
            "country_id", flat=True
        )
    )
    focal_points = {
        "KE": User.objects.filter(email__iexact=demo_email("focal.kenya.chm")).first(),
        "BR": User.objects.filter(email__iexact=demo_email("focal.brazil")).first(),
    }
    support_types = {term.code: term for term in SupportType.objects.all()}
    now = timezone.now()
    for number, profile in enumerate(chosen):
        country = profile.country
        # Drawn for every Party, so that one skipped does not change the others.
        level = MaturityLevel(profile.maturity_level)
        days = rng.randint(3, 200)
        institutions = rng.sample(INSTITUTIONS, rng.randint(2, 4))
        news = rng.sample(NEWS, rng.randint(1, 3))
        language = rng.choice(["en", "en", "fr", "es"])
        if country.pk in existing:
            continue
        author = focal_points.get(country.code) or helpdesk
        introduction = {
            f"introduction_{code}": text.format(country=country.name)
            for code, text in INTRODUCTIONS.items()
            if code in ("en", language)
        }
        node = NationalNode.objects.create(
            country=country,
            is_published=number < len(chosen) - UNPUBLISHED_NODES,
            created_at=now - datetime.timedelta(days=days + 30),
            updated_at=now - datetime.timedelta(days=days),
            updated_by=author,
            **introduction,
        )
        node.support_types.set(
            [support_types[code] for code in NODE_SUPPORT[level] if code in support_types]
        )
        NodeInstitution.objects.bulk_create(
            NodeInstitution(
                node=node,
                name_en=name.format(country=country.name),
                role_en=role,
                website=f"https://{country.code.lower()}-{position}.example.org/",
                position=position,
            )
            for position, (name, role) in enumerate(institutions, start=1)
        )
        NodeNewsItem.objects.bulk_create(
            NodeNewsItem(
                node=node,
                title_en=title,
                body_en=body,
                published_at=now - datetime.timedelta(days=days - 1 + 20 * index),
                created_at=now - datetime.timedelta(days=days - 1 + 20 * index),
                created_by=author,
            )
            for index, (title, body) in enumerate(news)
        )
    return len(chosen)


# --- Evaluations ----------------------------------------------------------------------------------
A, M = Evaluation.Subject.ACTIVITY, Evaluation.Subject.MATCHMAKING
PUBLISHED, DRAFT = Evaluation.Status.PUBLISHED, Evaluation.Status.DRAFT

# (subject, activity, completed on (days ago), months evaluated, language, status, title,
#  evaluators, method, findings, recommendations)
EVALUATIONS = [
    (
        A,
        4,
        620,
        12,
        "en",
        PUBLISHED,
        "Mid-term review of the help desk",
        "CBD Secretariat, Capacity-building unit",
        "Analysis of 140 help-desk tickets and interviews with 12 focal points.",
        "Most questions were answered within five working days. Focal points of least developed "
        "countries used the help desk most, chiefly to word their requests for assistance.",
        "Publish answers to frequent questions; add a French-speaking officer.",
    ),
    (
        A,
        3,
        480,
        18,
        "fr",
        PUBLISHED,
        "Évaluation de la plateforme d'apprentissage en ligne",
        "Université de Montpellier, équipe d'évaluation pédagogique",
        "Enquête auprès de 320 apprenants et analyse des taux d'achèvement de 24 cours.",
        "Les cours courts (moins de dix heures) sont achevés deux fois plus souvent que les MOOC. "
        "Les apprenants francophones demandent davantage de cours dans leur langue.",
        "Découper les MOOC en modules certifiants ; traduire les cinq cours les plus suivis.",
    ),
    (
        M,
        None,
        400,
        12,
        "en",
        PUBLISHED,
        "Evaluation of the Bio-Bridge matchmaking mechanism, first year",
        "Independent evaluation team (two consultants)",
        "Review of all matches of the year, a survey of requesters and providers, six case "
        "studies.",
        "One request in three found a provider within six months. Requests with clear budgets "
        "and targets were matched twice as often; providers found the suggestions relevant.",
        "Help requesters state budgets and targets; follow up unanswered proposals after a month.",
    ),
    (
        A,
        8,
        300,
        12,
        "es",
        PUBLISHED,
        "Evaluación del sistema de garantía de calidad",
        "Red Latinoamericana de Botánica, comité de evaluación",
        "Revisión de una muestra de 60 recursos y cursos evaluados y entrevistas a revisores.",
        "Las listas de verificación se aplican de forma coherente; el plazo medio de revisión es "
        "de tres semanas. Los proveedores valoran los comentarios recibidos.",
        "Reducir el plazo de revisión a diez días; publicar ejemplos de buenas prácticas.",
    ),
    (
        A,
        5,
        210,
        24,
        "en",
        PUBLISHED,
        "Review of the matchmaking activity in Africa",
        "African Union Commission and CBD Secretariat",
        "Desk review of the requests of 18 African Parties and two regional roundtables.",
        "Matches in Africa concentrate on protected areas and invasive species; few address "
        "biodiversity finance. Pilot projects were launched in seven countries.",
        "Invite finance providers to the next roundtable; report projects' results yearly.",
    ),
    (
        A,
        4,
        120,
        12,
        "fr",
        PUBLISHED,
        "Suivi du service d'assistance : deuxième année",
        "Secrétariat de la CDB",
        "Analyse des demandes reçues et enquête de satisfaction auprès de 45 correspondants.",
        "Le délai de réponse a baissé de moitié. Neuf demandes sur dix exprimées avec l'aide du "
        "service ont été publiées après une seule révision.",
        "Étendre l'aide à la rédaction aux évaluations des besoins.",
    ),
    (
        M,
        None,
        60,
        12,
        "es",
        PUBLISHED,
        "Evaluación del mecanismo de emparejamiento: segundo año",
        "Equipo de evaluación independiente",
        "Encuesta a 80 solicitantes y proveedores; análisis de los plazos de emparejamiento.",
        "El plazo medio hasta un acuerdo bajó a cuatro meses. Los proyectos piloto iniciados tras "
        "un emparejamiento obtienen buenas valoraciones de los participantes.",
        "Mantener las mesas redondas regionales; ampliar la red de proveedores en el Caribe.",
    ),
    (
        A,
        8,
        10,
        6,
        "en",
        DRAFT,
        "Quality reviews of teaching materials: first findings",
        "CBD Secretariat, Capacity-building unit",
        "Sample of 30 teaching materials reviewed in the last six months.",
        "Draft: most materials meet the standards after one round of improvements.",
        "",
    ),
]


def _evaluations(helpdesk: User | None) -> int:
    today = timezone.localdate()
    now = timezone.now()
    for (
        subject,
        activity,
        days_ago,
        months,
        language,
        status,
        title,
        evaluators,
        method,
        findings,
        recommendations,
    ) in EVALUATIONS:
        # Dates move with the day of the seed: the key is the title, not the date.
        if Evaluation.objects.filter(title=title).exists():
            continue
        completed = today - datetime.timedelta(days=days_ago)
        Evaluation.objects.create(
            title=title,
            subject=subject,
            activity=activity,
            evaluated_on=completed,
            period_start=completed - datetime.timedelta(days=30 * months + 30),
            period_end=completed - datetime.timedelta(days=30),
            evaluators=evaluators,
            method=method,
            findings=findings,
            recommendations=recommendations,
            language=language,
            status=status,
            created_by=helpdesk,
            created_at=now - datetime.timedelta(days=days_ago + 7),
            published_at=(
                now - datetime.timedelta(days=days_ago - 3) if status == PUBLISHED else None
            ),
        )
    return len(EVALUATIONS)


# --- History of the indicators --------------------------------------------------------------------
def history_days(today: datetime.date, months: int) -> list[datetime.date]:
    """The last day of each of the ``months`` months before ``today``'s, oldest first, and
    ``today``."""
    days = []
    end = today.replace(day=1) - datetime.timedelta(days=1)
    for _month in range(months):
        days.append(end)
        end = end.replace(day=1) - datetime.timedelta(days=1)
    return [*reversed(days), today]


def _history() -> list[RecomputeRun]:
    # The demo's earlier runs go (their values are replaced day by day below): seeding again
    # leaves as many runs as once.
    RecomputeRun.objects.filter(trigger=RecomputeRun.Trigger.DEMO).delete()
    return services.backfill_history(history_days(timezone.localdate(), HISTORY_MONTHS))
