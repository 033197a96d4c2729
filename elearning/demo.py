"""Demo data of e-learning (``manage.py seed_demo``). Idempotent and deterministic.

Twenty-eight courses of ten demo provider organisations (``partners/demo.py``) in English, French
and Spanish, some translated into the other two: every format (six MOOCs with their dates, one
running now and one about to start), every level and every status, with their GBF targets and
thematic areas. Each course has two to four modules of short lessons (one with a YouTube video,
some with resources of the partners' database) and a final quiz of two or three questions.

Courses were reviewed against the quality standards before publication (one had improvements
requested, made and confirmed); courses in review wait for a reviewer; a few resources and events
were reviewed too. The demo accounts (``chm_portal/accounts/demo.py``) learned over the last
three years: enrolments in every state (an invitation to a cohort, courses in progress, completed
with certificates and survey answers in three languages, withdrawn). Former participants, from
these completions and imported from past workshops and fellowships, form the alumni database;
five communities of practice (translated names) have members, moderators, discussions, a
reported post and a hidden one; two of them have been quiet for more than 90 days.

Rows are written through the ORM (``bulk_create``) keeping what the services keep: the courses'
enrolment and completion counts (``refresh_course_counts``), a lesson's course is its module's,
certificates only for completed enrolments of courses that offer them (codes from
``new_certificate_code``), the communities' and threads' counters. A course is identified by its
provider and its title in its original language and, once it exists, left alone with everything
that hangs from it; communities by their short name, imported alumni by their email address.
Dates are relative to the day of the first run. Nothing is sent: there is no task to enqueue.

The demo learner is ``learner@demo.chm-portal.org`` (password in the README, like every demo
account): completed courses with their certificates and survey answers, courses in progress (one
a running MOOC), an invitation to a cohort, a withdrawn enrolment, and a profile in the alumni
directory.
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone, translation

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from chm_portal.quality.models import QualityReview, ReviewCheck
from chm_portal.quality.services import standards_for_kind
from chm_portal.vocabularies.models import Country, GBFTarget, Language, ThematicArea
from partners.models import Event, Membership, Organisation, RecordStatus, Resource

from .models import (
    Alumnus,
    AttemptAnswer,
    Certificate,
    Choice,
    Cohort,
    Community,
    CommunityMembership,
    Course,
    CourseFormat,
    CourseInvitation,
    CourseLevel,
    CourseStatus,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
    Lesson,
    LessonProgress,
    Module,
    Participation,
    Post,
    PostFlag,
    PostStatus,
    Question,
    Quiz,
    QuizAttempt,
    SurveyResponse,
    Thread,
)
from .services.certificates import new_certificate_code
from .services.learning import refresh_course_counts

SEED = 20240612  # any constant: the same demo data on every machine
F, L, S = CourseFormat, CourseLevel, CourseStatus
E = EnrolmentStatus
R = QualityReview.Status
C = ReviewCheck.Result

BCN = "Biodiversity Capacity Network"
IIE = "Institute for Island Ecosystems"
ACF = "Andean Conservation Fund"
SDRC = "Sahel Drylands Research Centre"
ABTC = "African Biosafety Training Centre"
RACP = "Red Andina de Conservación de Páramos"
CTLN = "Coral Triangle Learning Network"
CDAB = "Clínica de Derecho Ambiental de Bogotá"
AFAP = "Association francophone des aires protégées"
GELP = "Global Environment Learning Programme"

# The demo accounts that learn (local part of their address; chm_portal/accounts/demo.py).
LEARNERS = (
    "learner",
    "focal.kenya",
    "focal.kenya.chm",
    "focal.brazil",
    "partner.admin",
    "partner.editor",
    "helpdesk",
    "reviewer",
    "admin",
)
DEMO_LEARNER = "learner"


@dataclass(frozen=True)
class CourseSpec:
    """A demo course. ``age``: days since its first publication (published and archived
    courses), since it was submitted (in review) or created (drafts). ``mooc``: the days from
    today to its start and its length in days. ``translations``: {language: (title, summary)}."""

    key: str
    provider: str
    language: str
    title: str
    summary: str
    format: str
    level: str
    hours: int
    status: str
    themes: tuple[str, ...]
    targets: tuple[int, ...]
    modules: tuple[str, ...]
    age: int
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)
    certificate: bool = True
    invitation_only: bool = False
    mooc: tuple[int, int] | None = None
    archived_age: int | None = None
    # Quality review story: "" (approved at once), "improved" (improvements requested, made and
    # confirmed), "requested" (improvements requested, back to draft).
    review: str = ""


# fmt: off
COURSES = (
    # --- English ---------------------------------------------------------------------------------
    CourseSpec(
        "nbsap-update", BCN, "en",
        "Updating your NBSAP in line with the Kunming-Montreal Global Biodiversity Framework",
        "A step-by-step course for national teams revising their biodiversity strategy and action "
        "plan: national targets, actions, indicators and the people to involve.",
        F.SELF_PACED, L.INTERMEDIATE, 6, S.PUBLISHED, ("planning_reporting", "mainstreaming"),
        (14, 20, 21),
        ("The framework in brief", "Setting national targets", "From targets to action plans",
         "Monitoring and reporting"),
        1000,
        translations={
            "fr": ("Mettre à jour votre SPANB en fonction du Cadre mondial de la biodiversité de "
                   "Kunming-Montréal",
                   "Un cours pas à pas pour les équipes nationales qui révisent leur stratégie "
                   "et plan d'action pour la biodiversité : cibles nationales, actions, "
                   "indicateurs et acteurs à associer."),
            "es": ("Actualizar su EPANB conforme al Marco Mundial de Biodiversidad de "
                   "Kunming-Montreal",
                   "Un curso paso a paso para los equipos nacionales que revisan su estrategia y "
                   "plan de acción en materia de biodiversidad: metas nacionales, acciones, "
                   "indicadores y actores."),
        },
        review="improved",
    ),
    CourseSpec(
        "ias-risk", IIE, "en", "Risk assessment of invasive alien species on islands",
        "Learn to screen, assess and rank the invasive species that threaten island ecosystems, "
        "with the tools biosecurity officers use in the Pacific.",
        F.SELF_PACED, L.INTERMEDIATE, 8, S.PUBLISHED, ("invasive_species", "islands"), (6,),
        ("Pathways of introduction", "Screening and ranking species", "Planning the response"),
        820,
        translations={"fr": (
            "Évaluer les risques liés aux espèces exotiques envahissantes dans les îles",
            "Apprenez à repérer, évaluer et hiérarchiser les espèces envahissantes qui menacent "
            "les écosystèmes insulaires, avec les outils des agents de biosécurité du "
            "Pacifique.")},
    ),
    CourseSpec(
        "reef-mooc", CTLN, "en", "Coral reef monitoring for community rangers (MOOC)",
        "Six weeks with marine protected area practitioners of the Coral Triangle: survey methods, "
        "bleaching alerts and sharing data with managers.",
        F.MOOC, L.INTRODUCTORY, 20, S.PUBLISHED, ("marine_coastal", "monitoring_data"), (3, 21),
        ("Reef ecology for monitors", "Survey methods", "Bleaching and other alerts",
         "From data to management decisions"),
        700, mooc=(-650, 42),
    ),
    CourseSpec(
        "lmo-detection", ABTC, "en", "Detecting living modified organisms: laboratory methods",
        "A hands-on course for laboratory staff and border inspectors on sampling, screening and "
        "confirming living modified organisms.",
        F.INSTRUCTOR_LED, L.ADVANCED, 30, S.PUBLISHED, ("biosafety",), (17,),
        ("Sampling at the border", "Screening methods", "Confirmation and reporting"),
        600,
        translations={"fr": (
            "Détecter les organismes vivants modifiés : méthodes de laboratoire",
            "Un cours pratique pour le personnel de laboratoire et les inspecteurs aux "
            "frontières : échantillonnage, dépistage et confirmation des organismes vivants "
            "modifiés.")},
    ),
    CourseSpec(
        "data-publishing", GELP, "en", "Publishing biodiversity data: from spreadsheets to open "
        "datasets",
        "Clean, describe and publish your species occurrence data so that others can find and "
        "reuse it, and so that it counts in national reports.",
        F.SELF_PACED, L.INTRODUCTORY, 5, S.PUBLISHED, ("monitoring_data", "taxonomy"), (21,),
        ("Why publish your data", "Cleaning occurrence data", "Describing and publishing a "
         "dataset"),
        450,
    ),
    CourseSpec(
        "pa-mooc", BCN, "en", "Managing protected areas effectively (MOOC)",
        "A ten-week course with protected area managers from three continents: planning, "
        "management effectiveness, governance and financing.",
        F.MOOC, L.INTERMEDIATE, 24, S.PUBLISHED, ("protected_areas",), (3, 22),
        ("Planning a protected area", "Assessing management effectiveness", "Governance and "
         "equity", "Financing protected areas"),
        40, mooc=(-20, 70),
        translations={
            "fr": ("Gérer efficacement les aires protégées (MOOC)",
                   "Dix semaines avec des gestionnaires d'aires protégées de trois continents : "
                   "planification, efficacité de gestion, gouvernance et financement."),
            "es": ("Gestión eficaz de áreas protegidas (MOOC)",
                   "Diez semanas con gestores de áreas protegidas de tres continentes: "
                   "planificación, eficacia de la gestión, gobernanza y financiación."),
        },
    ),
    CourseSpec(
        "gender", GELP, "en", "Gender-responsive biodiversity planning",
        "Why gender matters in biodiversity policy, and how to make national plans and projects "
        "gender-responsive, with examples from the Gender Plan of Action.",
        F.SELF_PACED, L.INTRODUCTORY, 3, S.PUBLISHED, ("gender", "planning_reporting"), (23,),
        ("Gender and biodiversity", "Gender-responsive plans in practice"),
        300, certificate=False,
    ),
    CourseSpec(
        "finance", GELP, "en", "Biodiversity finance: mobilising resources for national plans",
        "Estimate what your national plan costs, review harmful incentives and find the public, "
        "private and international sources that can pay for it.",
        F.BLENDED, L.INTERMEDIATE, 12, S.PUBLISHED, ("finance", "mainstreaming"), (18, 19),
        ("Costing a national plan", "Harmful incentives", "Sources of finance"),
        200,
    ),
    CourseSpec(
        "island-restoration-mooc", IIE, "en", "Restoring island ecosystems (MOOC)",
        "From eradicating invasive predators to replanting native forest: a MOOC on the "
        "restoration of island ecosystems, starting soon.",
        F.MOOC, L.INTRODUCTORY, 15, S.PUBLISHED, ("restoration", "islands"), (2, 6),
        ("Why islands are special", "Removing the threats", "Bringing nature back"),
        10, mooc=(15, 60),
    ),
    CourseSpec(
        "wildlife-trade", GELP, "en",
        "Controlling illegal wildlife trade at borders (2022 edition)",
        "For customs and wildlife officers: identifying protected species and their products, and "
        "working with CITES permits.",
        F.SELF_PACED, L.INTERMEDIATE, 6, S.ARCHIVED, ("wildlife_trade",), (5,),
        ("Species and products in trade", "Permits and controls"),
        1050, archived_age=400,
    ),
    CourseSpec(
        "citizen-science", CTLN, "en", "Citizen science for marine biodiversity",
        "Design a citizen science programme that produces data managers can use.",
        F.SELF_PACED, L.INTRODUCTORY, 2, S.DRAFT, ("marine_coastal", "cepa"), (21,),
        ("Designing a programme", "Keeping volunteers engaged"),
        30,
    ),
    CourseSpec(
        "one-health", GELP, "en", "One Health and biodiversity: an introduction",
        "How the health of people, animals and ecosystems is linked, and what it means for "
        "biodiversity and health policies.",
        F.SELF_PACED, L.INTRODUCTORY, 4, S.IN_REVIEW, ("health",), (11,),
        ("Links between biodiversity and health", "One Health in national policies"),
        12,
    ),
    CourseSpec(
        "urban-nature", BCN, "en", "Nature in cities: urban biodiversity strategies",
        "Plan green and blue spaces with city departments and residents.",
        F.SELF_PACED, L.INTRODUCTORY, 3, S.DRAFT, ("urban", "spatial_planning"), (12,),
        ("Mapping urban nature", "Writing a city strategy"),
        20,
    ),
    # --- French ----------------------------------------------------------------------------------
    CourseSpec(
        "sahel-restauration", SDRC, "fr", "Restaurer les terres dégradées au Sahel",
        "Régénération naturelle assistée, demi-lunes et parcs agroforestiers : les techniques qui "
        "ont fait leurs preuves au Sahel, et comment suivre leurs résultats.",
        F.SELF_PACED, L.INTERMEDIATE, 10, S.PUBLISHED, ("restoration", "drylands_mountains"),
        (2, 10),
        ("Comprendre la dégradation des terres", "Techniques de restauration",
         "Suivre les résultats"),
        900,
        translations={"en": (
            "Restoring degraded land in the Sahel",
            "Farmer-managed natural regeneration, half-moons and agroforestry parklands: the "
            "techniques that work in the Sahel, and how to monitor their results.")},
    ),
    CourseSpec(
        "biosecurite-intro", ABTC, "fr", "Introduction à la prévention des risques "
        "biotechnologiques",
        "Le Protocole de Cartagena, l'évaluation des risques et les décisions sur les organismes "
        "vivants modifiés, pour les nouveaux agents des autorités nationales.",
        F.SELF_PACED, L.INTRODUCTORY, 4, S.PUBLISHED, ("biosafety",), (17,),
        ("Le Protocole de Cartagena", "Évaluer et gérer les risques"),
        500,
        translations={"en": (
            "Introduction to biosafety",
            "The Cartagena Protocol, risk assessment and decisions on living modified organisms, "
            "for new staff of national authorities.")},
    ),
    CourseSpec(
        "efficacite-gestion", AFAP, "fr", "Former les gestionnaires d'aires protégées : évaluer "
        "l'efficacité de gestion",
        "Une formation en cohorte, sur invitation, pour les équipes d'aires protégées d'Afrique "
        "francophone : outils d'évaluation, plan d'amélioration et partage d'expérience.",
        F.INSTRUCTOR_LED, L.INTERMEDIATE, 35, S.PUBLISHED, ("protected_areas",), (3,),
        ("Pourquoi évaluer", "Les outils d'évaluation", "Du diagnostic au plan d'amélioration"),
        380, invitation_only=True,
    ),
    CourseSpec(
        "communiquer", BCN, "fr", "Communiquer sur la biodiversité : sensibiliser le public",
        "Construire un message, choisir ses canaux et mesurer l'effet d'une campagne de "
        "sensibilisation à la biodiversité.",
        F.SELF_PACED, L.INTRODUCTORY, 3, S.PUBLISHED, ("cepa",), (16, 21),
        ("Construire son message", "Choisir ses canaux", "Mesurer l'effet"),
        250,
        translations={
            "en": ("Communicating biodiversity: raising public awareness",
                   "Craft a message, choose your channels and measure the effect of a biodiversity "
                   "awareness campaign."),
            "es": ("Comunicar la biodiversidad: sensibilizar al público",
                   "Construir un mensaje, elegir los canales y medir el efecto de una campaña de "
                   "sensibilización sobre la biodiversidad."),
        },
    ),
    CourseSpec(
        "eee-iles-mooc", IIE, "fr", "Les espèces exotiques envahissantes dans les îles (MOOC)",
        "Six semaines pour comprendre les invasions biologiques dans les îles et organiser la "
        "détection précoce et la réponse rapide.",
        F.MOOC, L.INTRODUCTORY, 16, S.ARCHIVED, ("invasive_species", "islands"), (6,),
        ("Les invasions biologiques", "Détection précoce", "Réponse rapide"),
        780, mooc=(-760, 42), archived_age=500,
    ),
    CourseSpec(
        "nagoya", BCN, "fr", "Mettre en œuvre le Protocole de Nagoya : permis et protocoles "
        "communautaires",
        "Pour les correspondants nationaux APA : cadre juridique, permis, conditions convenues "
        "d'un commun accord et protocoles communautaires.",
        F.SELF_PACED, L.ADVANCED, 8, S.PUBLISHED, ("abs", "traditional_knowledge"), (13,),
        ("Le cadre juridique de l'APA", "Permis et conditions convenues",
         "Protocoles bioculturels communautaires"),
        150,
    ),
    CourseSpec(
        "suivi-participatif", SDRC, "fr", "Suivi écologique participatif",
        "Associer les communautés au suivi de la biodiversité : protocoles simples, outils "
        "mobiles et restitution des résultats.",
        F.SELF_PACED, L.INTRODUCTORY, 5, S.IN_REVIEW, ("monitoring_data",), (21,),
        ("Concevoir un protocole simple", "Collecter et restituer les données"),
        5,
    ),
    CourseSpec(
        "mangroves", AFAP, "fr", "Gérer et restaurer les mangroves",
        "Un parcours mixte pour les gestionnaires de mangroves : diagnostic, restauration "
        "écologique et gestion communautaire.",
        F.BLENDED, L.INTERMEDIATE, 14, S.DRAFT, ("marine_coastal", "restoration"), (2, 3),
        ("Diagnostic d'une mangrove", "Restaurer avec les communautés"),
        45, review="requested",
    ),
    # --- Spanish ---------------------------------------------------------------------------------
    CourseSpec(
        "paramos", RACP, "es", "Páramos y agua: conservación de ecosistemas de alta montaña",
        "Cómo funcionan los páramos, por qué abastecen de agua a las ciudades andinas y qué "
        "hacen las empresas de agua y las comunidades para conservarlos.",
        F.SELF_PACED, L.INTRODUCTORY, 6, S.PUBLISHED, ("drylands_mountains", "inland_waters"),
        (1, 11),
        ("El páramo y sus servicios", "Amenazas y presiones", "Experiencias de conservación"),
        980,
        translations={"en": (
            "Páramos and water: conserving high mountain ecosystems",
            "How páramos work, why they supply Andean cities with water, and what water utilities "
            "and communities do to conserve them.")},
    ),
    CourseSpec(
        "saberes", ACF, "es", "Conocimientos tradicionales y participación de pueblos indígenas",
        "El papel de los conocimientos tradicionales en la conservación y cómo asegurar la "
        "participación plena y efectiva de pueblos indígenas y comunidades locales.",
        F.SELF_PACED, L.INTERMEDIATE, 7, S.PUBLISHED, ("traditional_knowledge",), (22,),
        ("Conocimientos tradicionales", "Consentimiento libre, previo e informado",
         "Participación en la toma de decisiones"),
        560,
    ),
    CourseSpec(
        "derecho-mooc", CDAB, "es", "Derecho ambiental y acceso a recursos genéticos (MOOC)",
        "Un MOOC de diez semanas sobre el marco jurídico del acceso a los recursos genéticos, la "
        "participación en los beneficios y la información digital sobre secuencias.",
        F.MOOC, L.INTERMEDIATE, 18, S.PUBLISHED, ("abs",), (13,),
        ("Fundamentos del derecho ambiental", "El Protocolo de Nagoya", "Contratos y permisos",
         "Información digital sobre secuencias"),
        420, mooc=(-400, 70),
    ),
    CourseSpec(
        "restauracion-andes", ACF, "es", "Diseño de proyectos de restauración ecológica en los "
        "Andes",
        "Del diagnóstico al plan de monitoreo: cómo diseñar proyectos de restauración con "
        "especies nativas y financiarlos.",
        F.BLENDED, L.ADVANCED, 20, S.PUBLISHED, ("restoration",), (2,),
        ("Diagnóstico del sitio", "Especies nativas y viveros", "Monitoreo y financiación"),
        120,
        translations={"en": (
            "Designing ecological restoration projects in the Andes",
            "From site assessment to monitoring plan: designing restoration projects with native "
            "species, and financing them.")},
    ),
    CourseSpec(
        "donaciones", ACF, "es", "Pequeñas donaciones para la conservación comunitaria (edición "
        "2022)",
        "Cómo preparar una propuesta sólida para un fondo de pequeñas donaciones y rendir cuentas "
        "de sus resultados.",
        F.SELF_PACED, L.INTRODUCTORY, 2, S.ARCHIVED, ("finance", "sustainable_use"), (19,),
        ("Preparar la propuesta", "Rendir cuentas"),
        1060, archived_age=700, certificate=False,
    ),
    CourseSpec(
        "monitoreo-paramos-mooc", RACP, "es", "Monitoreo comunitario de páramos (MOOC)",
        "Protocolos sencillos de monitoreo de agua, vegetación y fauna para comunidades "
        "altoandinas.",
        F.MOOC, L.INTRODUCTORY, 12, S.IN_REVIEW, ("drylands_mountains", "monitoring_data"),
        (21,),
        ("Monitorear el agua", "Monitorear la vegetación y la fauna"),
        3, mooc=(30, 60),
    ),
    CourseSpec(
        "polinizadores", CDAB, "es", "Polinizadores y agricultura sostenible",
        "Por qué los polinizadores importan para la agricultura y cómo protegerlos en las fincas.",
        F.SELF_PACED, L.INTRODUCTORY, 3, S.DRAFT, ("agrobiodiversity",), (10,),
        ("Los polinizadores", "Fincas amigables con los polinizadores"),
        15,
    ),
)
# fmt: on

# What the demo learner did: {course key: (status, share of the lessons done)}.
DEMO_LEARNER_PATH = {
    "nbsap-update": (E.COMPLETED, 1.0),
    "communiquer": (E.COMPLETED, 1.0),
    "sahel-restauration": (E.COMPLETED, 1.0),
    "pa-mooc": (E.ACTIVE, 0.3),
    "nagoya": (E.ACTIVE, 0.6),
    "island-restoration-mooc": (E.ACTIVE, 0.0),
    "data-publishing": (E.WITHDRAWN, 0.2),
}
VIDEO_LESSON = ("pa-mooc", "https://www.youtube.com/watch?v=4Rrxh1wPEb8")

# --- Lessons, quizzes and surveys in the three languages ------------------------------------------
MODULE_SUMMARY = {
    "en": "{module}: key ideas, an example from the field and a short exercise.",
    "fr": "{module} : notions clés, un exemple de terrain et un court exercice.",
    "es": "{module}: ideas clave, un ejemplo de campo y un breve ejercicio.",
}
SYLLABUS = {
    "en": ("What you will learn", "Who this course is for",
           "Officers of ministries, agencies and organisations working on {theme}."),
    "fr": ("Ce que vous apprendrez", "À qui s'adresse ce cours",
           "Agents des ministères, agences et organisations qui travaillent sur : {theme}."),
    "es": ("Lo que aprenderá", "A quién va dirigido este curso",
           "Personal de ministerios, agencias y organizaciones que trabajan en: {theme}."),
}  # fmt: skip
# Where the case studies take place, in each language.
PLACES = {
    "en": ("Lake Naivasha, Kenya", "the Saloum delta, Senegal", "the Coral Coast, Fiji",
           "the Cusco highlands, Peru", "the Mekong delta, Viet Nam",
           "the Atlas mountains, Morocco", "the Chingaza páramo, Colombia"),
    "fr": ("Lac Naivasha (Kenya)", "Delta du Saloum (Sénégal)", "Côte de Corail (Fidji)",
           "Hauts plateaux de Cusco (Pérou)", "Delta du Mékong (Viet Nam)",
           "Montagnes de l'Atlas (Maroc)", "Páramo de Chingaza (Colombie)"),
    "es": ("el lago Naivasha (Kenia)", "el delta del Saloum (Senegal)",
           "la Costa de Coral (Fiyi)", "el altiplano de Cusco (Perú)",
           "el delta del Mekong (Vietnam)", "las montañas del Atlas (Marruecos)",
           "el páramo de Chingaza (Colombia)"),
}  # fmt: skip
# (title, body) of the content lessons of a module, in order.
LESSONS = {
    "en": (
        ("Key ideas",
         "<p>This lesson introduces the main ideas of <strong>{module}</strong>, a building block "
         "of this course on {theme}.</p><ul><li>What the Kunming-Montreal Global Biodiversity "
         "Framework asks of countries</li><li>Who does what, and with which information</li>"
         "<li>Common difficulties, and how teams overcame them</li></ul><p>Take notes as you "
         "read: the quiz at the end of the course builds on them.</p>"),
        ("Case study: {place}",
         "<h3>{heading}</h3><p>In {place}, a national team worked with local communities on "
         "{theme}. They started small, agreed on what to measure, and shared their results every "
         "season.</p><blockquote><p>“Once people saw the data, they asked for more of it.”"
         "</p></blockquote><p>Read the case, then ask yourself which of its steps would work in "
         "your country.</p>"),
        ("Putting it into practice",
         "<p>Apply what you learned to your own context:</p><ol><li>List the institutions "
         "involved in {theme} in your country.</li><li>Identify one gap in data or capacity."
         "</li><li>Write down one action you could take within six months.</li></ol><p>Share "
         "your answers in a community of practice if you wish.</p>"),
    ),
    "fr": (
        ("Notions clés",
         "<p>Cette leçon présente les idées principales de <strong>{module}</strong>, un élément "
         "de ce cours consacré au thème : {theme}.</p><ul><li>Ce que le Cadre mondial de la "
         "biodiversité de Kunming-Montréal attend des pays</li><li>Qui fait quoi, et avec quelles "
         "informations</li><li>Les difficultés courantes, et comment les équipes les ont "
         "surmontées</li></ul><p>Prenez des notes : le questionnaire final s'appuie sur elles."
         "</p>"),
        ("Étude de cas : {place}",
         "<h3>{heading}</h3><p>Sur ce terrain, une équipe nationale a travaillé avec les "
         "communautés locales sur le thème : {theme}. Elle a commencé petit, s'est accordée "
         "sur ce qu'il fallait mesurer et a partagé ses résultats à chaque saison.</p>"
         "<blockquote><p>« Quand les gens ont vu les données, ils en ont demandé davantage. »"
         "</p></blockquote><p>Lisez le cas, puis demandez-vous quelles étapes "
         "fonctionneraient dans votre pays.</p>"),
        ("Passer à la pratique",
         "<p>Appliquez ce que vous avez appris à votre contexte :</p><ol><li>Listez les "
         "institutions concernées dans votre pays.</li><li>Repérez un manque de données ou de "
         "capacités.</li><li>Notez une action que vous pourriez mener d'ici six mois.</li></ol>"
         "<p>Partagez vos réponses dans une communauté de pratique si vous le souhaitez.</p>"),
    ),
    "es": (
        ("Ideas clave",
         "<p>Esta lección presenta las ideas principales de <strong>{module}</strong>, una parte "
         "de este curso sobre el tema: {theme}.</p><ul><li>Lo que el Marco Mundial de "
         "Biodiversidad de Kunming-Montreal pide a los países</li><li>Quién hace qué, y con qué "
         "información</li><li>Dificultades frecuentes y cómo los equipos las superaron</li></ul>"
         "<p>Tome notas: el cuestionario final se basa en ellas.</p>"),
        ("Estudio de caso: {place}",
         "<h3>{heading}</h3><p>En {place}, un equipo nacional trabajó con las comunidades locales "
         "en el tema: {theme}. Empezaron con poco, acordaron qué medir y compartieron sus "
         "resultados cada temporada.</p><blockquote><p>«Cuando la gente vio los datos, pidió "
         "más.»</p></blockquote><p>Lea el caso y pregúntese qué pasos funcionarían en su país."
         "</p>"),
        ("Llevarlo a la práctica",
         "<p>Aplique lo aprendido a su propio contexto:</p><ol><li>Enumere las instituciones "
         "involucradas en su país.</li><li>Identifique una carencia de datos o de capacidades."
         "</li><li>Anote una acción que podría realizar en los próximos seis meses.</li></ol>"
         "<p>Si lo desea, comparta sus respuestas en una comunidad de práctica.</p>"),
    ),
}  # fmt: skip
QUIZ_TITLE = {
    "en": "Check your knowledge",
    "fr": "Testez vos connaissances",
    "es": "Ponga a prueba sus conocimientos",
}
TARGET_WORD = {"en": "Target", "fr": "Cible", "es": "Meta"}
QUESTIONS = {
    "target": {
        "en": "Which target of the Kunming-Montreal Global Biodiversity Framework does this course "
        "mainly support?",
        "fr": "Quelle cible du Cadre mondial de la biodiversité de Kunming-Montréal ce cours "
        "soutient-il principalement ?",
        "es": "¿Qué meta del Marco Mundial de Biodiversidad de Kunming-Montreal apoya "
        "principalmente este curso?",
    },
    "themes": {
        "en": "Which of these thematic areas does the course cover? (several answers)",
        "fr": "Quels domaines thématiques le cours aborde-t-il ? (plusieurs réponses)",
        "es": "¿Qué áreas temáticas aborda el curso? (varias respuestas)",
    },
    "completion": {
        "en": "When is this course completed?",
        "fr": "Quand ce cours est-il terminé ?",
        "es": "¿Cuándo se completa este curso?",
    },
}
COMPLETION_CHOICES = {
    "en": ("When every required lesson is done and the quiz is passed",
           "As soon as the first lesson is opened", "When the course's end date has passed"),
    "fr": ("Quand toutes les leçons obligatoires sont faites et le questionnaire réussi",
           "Dès l'ouverture de la première leçon", "Quand la date de fin du cours est passée"),
    "es": ("Cuando se han hecho todas las lecciones obligatorias y se ha aprobado el cuestionario",
           "En cuanto se abre la primera lección", "Cuando ha pasado la fecha de fin del curso"),
}  # fmt: skip
FEEDBACK = {
    "en": ("Right.", "Not quite: look again at the course's introduction."),
    "fr": ("Exact.", "Pas tout à fait : relisez l'introduction du cours."),
    "es": ("Correcto.", "No exactamente: vuelva a leer la introducción del curso."),
}
OTHER_THEMES = ("urban", "pollution", "health", "finance", "taxonomy", "gender", "forests")
COMMENTS = {
    "en": {
        "good": ("Clear, practical and well paced. The case studies were the best part.",
                 "Very useful for our national reporting team; I will share it with colleagues.",
                 "A good balance between theory and exercises."),
        "mixed": ("Useful content, but some lessons were long to read on a phone.",
                  "I would have liked more examples from small island States."),
        "poor": ("Too general for my work: I expected more technical detail.",),
    },
    "fr": {
        "good": ("Très clair et concret : les études de cas m'ont beaucoup aidé.",
                 "Un cours utile que je recommande à mes collègues du ministère.",
                 "Bon équilibre entre théorie et exercices pratiques."),
        "mixed": ("Contenu intéressant, mais certaines pages se chargent mal avec une connexion "
                  "lente.", "J'aurais aimé davantage d'exemples d'Afrique centrale."),
        "poor": ("Trop théorique pour mon travail de terrain.",),
    },
    "es": {
        "good": ("Muy práctico y bien organizado; los ejemplos andinos fueron excelentes.",
                 "Lo recomiendo a todo el equipo técnico de mi institución.",
                 "Buen equilibrio entre teoría y ejercicios."),
        "mixed": ("Contenido útil, aunque el cuestionario final fue demasiado corto.",
                  "Me habría gustado más material sobre financiación."),
        "poor": ("Demasiado general para mi trabajo diario.",),
    },
}  # fmt: skip
REVIEW_TEXTS = {
    "summary_ok": "Clear objectives, accurate content and accessible pages.",
    "requested": "State the learning objectives at the start of each module, add alternative "
    "text to the figures and cite the sources of the case studies.",
    "made": "Objectives added to every module, alternative text written for all figures, "
    "sources cited at the end of each case study.",
    "summary_improved": "The requested improvements were made; the course meets the standards.",
    "mangroves_requested": "The restoration module needs references and a safety note for "
    "field work in mangroves; the quiz has no question on community management.",
    "record_requested": "Add the licence and the year of publication, and describe the intended "
    "audience.",
    "record_made": "Licence, year and audience added to the description.",
}

# --- The cohort course ----------------------------------------------------------------------------
COHORT_COURSE = "efficacite-gestion"
# (cohort, local part, status): enrolments by accepted invitation (or still invited).
COHORT_PEOPLE = (
    (0, "partner.editor", E.COMPLETED),
    (0, "focal.kenya.chm", E.COMPLETED),
    (0, "focal.kenya", E.ACTIVE),
    (0, "helpdesk", E.WITHDRAWN),
    (1, "focal.brazil", E.ACTIVE),
    (1, "learner", E.INVITED),
)
# Invitations to people without an account: (address, days ago sent, still valid); the expired
# one was sent before the second cohort was planned (to the course alone).
COHORT_GUESTS = (
    ("aminata.diallo@example.org", 4, True),
    ("jean.rakoto@example.org", 4, True),
    ("paul.mbeki@example.org", 60, False),
)

# --- Alumni imported from offline activities ------------------------------------------------------
# (name, email, country, organisation, position, in directory, expertise, languages, days since
# last active (None: never), participations (kind, activity, year, country))
IMPORTED_ALUMNI = (
    ("Aminata Diallo", "aminata.diallo@example.org", "SN", "Direction des parcs nationaux",
     "Conservatrice", True, ("protected_areas", "marine_coastal"), ("fr", "en"), 40,
     (("workshop", "Atelier régional sur l'efficacité de gestion des aires protégées", 2023, "SN"),
      ("fellowship", "Bio-Bridge fellowship on marine spatial planning", 2024, "FR"))),
    ("Jean Rakoto", "jean.rakoto@example.org", "MG", "Ministère de l'Environnement",
     "Chargé de suivi", True, ("forests", "monitoring_data"), ("fr",), 200,
     (("workshop", "Atelier de formation au suivi écologique participatif", 2022, "MG"),)),
    ("Carlos Quispe", "carlos.quispe@example.org", "PE", "Servicio Nacional de Áreas Naturales",
     "Guardaparque jefe", True, ("drylands_mountains", "restoration"), ("es",), 15,
     (("fellowship", "Programa de intercambio en restauración de páramos", 2023, "EC"),)),
    ("Mele Tupou", "mele.tupou@example.org", "TO", "Ministry of Lands and Natural Resources",
     "Invasive species officer", True, ("invasive_species", "islands"), ("en",), 500,
     (("workshop", "Pacific workshop on invasive species risk assessment", 2022, "FJ"),)),
    ("Nguyen Thi Lan", "nguyen.lan@example.org", "VN", "Institute of Ecology", "Researcher",
     False, ("inland_waters",), ("en",), None,
     (("project", "Mekong wetland inventory pilot project", 2021, "VN"),)),
    ("Grace Wanjiru", "grace.wanjiru@example.org", "KE", "Kenya Wildlife Service",
     "Biodiversity data officer", True, ("monitoring_data", "taxonomy"), ("en", "sw"), 90,
     (("workshop", "Biodiversity data mobilisation workshop", 2024, "KE"),
      ("fellowship", "Data fellowship at the Deccan Institute of Biodiversity Informatics", 2025,
       "IN"))),
    ("Fatima Zahra El Idrissi", "fatima.elidrissi@example.org", "MA",
     "Haut-Commissariat aux Eaux et Forêts", "Ingénieure", False,
     ("drylands_mountains", "traditional_knowledge"), ("fr", "ar"), 700,
     (("workshop", "Atelier sur les protocoles communautaires APA", 2021, "MA"),)),
    ("Diego Fernández", "diego.fernandez@example.org", "AR", "Fundación Estepa Patagónica",
     "Coordinador de campo", True, ("sustainable_use",), ("es", "en"), 30,
     (("project", "Planes de pastoreo en la estepa patagónica", 2024, "AR"),)),
    ("Aisha Bello", "aisha.bello@example.org", "NG", "Federal Ministry of Environment",
     "Biosafety officer", True, ("biosafety",), ("en",), 120,
     (("workshop", "Regional biosafety laboratory training", 2023, "UG"),)),
    ("Tevita Naivalu", "tevita.naivalu@example.org", "FJ",
     "Fiji Locally-Managed Marine Area Network", "Community facilitator", False,
     ("marine_coastal",), ("en",), 420,
     (("fellowship", "Coral reef monitoring exchange", 2022, "ID"),)),
    ("Sofía Ramírez", "sofia.ramirez@example.org", "CO", "Instituto Humboldt", "Investigadora",
     True, ("abs", "traditional_knowledge"), ("es",), 60,
     (("workshop", "Taller andino sobre acceso y participación en los beneficios", 2024, "CO"),
      ("other", "Mentoría en derecho ambiental", 2025, "CO"))),
    ("Dorje Sherpa", "dorje.sherpa@example.org", "NP", "Department of National Parks", "Ranger",
     False, ("drylands_mountains", "climate_change"), ("en",), None,
     (("workshop", "Himalayan rangeland management workshop", 2023, "NP"),)),
)  # fmt: skip
# Demo accounts in the alumni directory once they have completed a course.
IN_DIRECTORY = {"learner", "focal.brazil", "focal.kenya", "reviewer"}


# --- Communities of practice ----------------------------------------------------------------------
@dataclass(frozen=True)
class CommunitySpec:
    slug: str
    names: dict[str, str]
    descriptions: dict[str, str]
    theme: str
    targets: tuple[int, ...]
    moderator: str
    members: tuple[str, ...]
    # (title, author, pinned, locked, [(author, body, days ago)]): the first post opens it.
    threads: tuple[tuple[str, str, bool, bool, tuple[tuple[str, str, int], ...]], ...]
    is_open: bool = True


# fmt: off
COMMUNITIES = (
    CommunitySpec(
        "invasive-species-islands",
        {"en": "Invasive species on islands", "fr": "Espèces envahissantes dans les îles",
         "es": "Especies invasoras en islas"},
        {"en": "Biosecurity officers, rangers and researchers sharing what works against invasive "
               "species on islands.",
         "fr": "Agents de biosécurité, gardes et chercheurs partagent ce qui marche contre les "
               "espèces envahissantes dans les îles.",
         "es": "Oficiales de bioseguridad, guardaparques e investigadores comparten lo que "
               "funciona contra las especies invasoras en islas."},
        "invasive_species", (6,), "reviewer",
        ("learner", "focal.kenya", "partner.editor", "partner.admin", "focal.brazil"),
        (
            ("Early detection networks: what worked for you?", "focal.kenya", False, False, (
                ("focal.kenya", "We are setting up an early detection network around Lake "
                 "Naivasha. How did you keep volunteers reporting after the first months?", 60),
                ("partner.admin", "Aux Seychelles, une application simple et un retour rapide "
                 "aux observateurs ont fait toute la différence.", 55),
                ("learner", "Au Sénégal, nous envoyons chaque mois un court bilan aux "
                 "volontaires : ils voient que leurs signalements servent.", 20),
                ("reviewer", "Thanks both. The course on risk assessment has a lesson on this; "
                 "I added the link to the resources.", 10),
            )),
            ("Lutte contre les rats sur les îlots : retours d'expérience", "partner.editor",
             False, False, (
                ("partner.editor", "Nous préparons une campagne de dératisation sur trois "
                 "îlots. Quels appâts et quel calendrier avez-vous utilisés ?", 35),
                ("focal.brazil", "En Fernando de Noronha trabajamos en la estación seca, con "
                 "estaciones de cebo numeradas y revisadas cada semana.", 30),
                ("partner.admin", "Notre réseau vend des pièges à prix réduit : écrivez-moi pour "
                 "une offre groupée !", 12),
                ("learner", "Merci pour le calendrier, c'est très utile.", 8),
            )),
        ),
    ),
    CommunitySpec(
        "nbsap-practitioners",
        {"en": "NBSAP practitioners", "fr": "Praticiens des SPANB",
         "es": "Profesionales de las EPANB"},
        {"en": "People who write, update and follow up national biodiversity strategies and "
               "action plans.",
         "fr": "Celles et ceux qui rédigent, mettent à jour et suivent les stratégies et plans "
               "d'action nationaux pour la biodiversité.",
         "es": "Quienes redactan, actualizan y dan seguimiento a las estrategias y planes de "
               "acción nacionales en materia de biodiversidad."},
        "planning_reporting", (14, 21), "partner.admin",
        ("focal.kenya", "focal.kenya.chm", "focal.brazil", "reviewer", "helpdesk", "learner"),
        (
            ("Welcome! Read this first", "partner.admin", True, False, (
                ("partner.admin", "Welcome to the community. Introduce yourself in a new "
                 "thread, and keep discussions about national plans practical.", 300),
            )),
            ("Aligning national targets with the GBF: how granular?", "focal.kenya.chm", False,
             False, (
                ("focal.kenya.chm", "Did you adopt one national target per global target, or "
                 "group them? We are torn between completeness and readability.", 85),
                ("focal.brazil", "Nosotros agrupamos algunas metas, pero mantuvimos indicadores "
                 "para cada meta mundial.", 80),
                ("partner.admin", "Grouping works if the mapping table is published with the "
                 "plan: reviewers then see every global target covered.", 70),
                ("focal.kenya", "That mapping table is what our parliament asked for as well.",
                 12),
            )),
            ("Indicadores de cabecera: ¿quién tiene los datos?", "focal.brazil", False, False, (
                ("focal.brazil", "¿Qué instituciones producen los datos de los indicadores de "
                 "cabecera en sus países? Estamos haciendo el inventario.", 45),
                ("helpdesk", "The help desk has a list of data providers per indicator; ask us "
                 "and we will share it.", 40),
                ("focal.kenya", "Call me on my personal number to discuss it.", 38),
                ("learner", "Au Sénégal, c'est le centre de suivi écologique qui coordonne.", 5),
            )),
        ),
    ),
    CommunitySpec(
        "andean-restoration",
        {"en": "Andean restoration", "fr": "Restauration andine", "es": "Restauración andina"},
        {"en": "Restoration practitioners of the Andes: nurseries, native species, monitoring.",
         "fr": "Praticiens de la restauration dans les Andes : pépinières, espèces indigènes, "
               "suivi.",
         "es": "Profesionales de la restauración en los Andes: viveros, especies nativas, "
               "monitoreo."},
        "restoration", (2,), "focal.brazil",
        ("reviewer", "partner.editor", "admin", "learner"),
        (
            ("Viveros comunitarios de especies nativas", "focal.brazil", False, False, (
                ("focal.brazil", "¿Cómo organizan la recolección de semillas de especies "
                 "nativas con las comunidades?", 70),
                ("reviewer", "En México pagamos a los recolectores por lote y registramos el "
                 "origen de cada lote.", 66),
                ("partner.editor", "Au Maroc, les coopératives tiennent un registre des "
                 "semences : cela aide beaucoup pour le suivi.", 60),
                ("admin", "Worth a resource in the database: could one of you share the "
                 "register template?", 25),
            )),
            ("Monitoreo de la restauración con drones", "reviewer", False, False, (
                ("reviewer", "¿Alguien ha comparado el monitoreo con drones y las parcelas de "
                 "campo en páramos?", 15),
                ("focal.brazil", "Sí: los drones sirven para la cobertura, pero no reemplazan "
                 "las parcelas para la composición de especies.", 14),
            )),
        ),
    ),
    CommunitySpec(
        "protected-area-managers",
        {"en": "Protected area managers", "fr": "Gestionnaires d'aires protégées",
         "es": "Gestores de áreas protegidas"},
        {"en": "A closed group of protected area managers who took the management effectiveness "
               "course.",
         "fr": "Un groupe fermé de gestionnaires d'aires protégées ayant suivi la formation sur "
               "l'efficacité de gestion.",
         "es": "Un grupo cerrado de gestores de áreas protegidas que siguieron el curso sobre la "
               "eficacia de la gestión."},
        "protected_areas", (3,), "helpdesk",
        ("partner.admin", "learner", "focal.kenya", "focal.kenya.chm"),
        (
            ("Outil METT : faut-il encore l'utiliser ?", "partner.admin", False, False, (
                ("partner.admin", "Le METT reste-t-il pertinent face aux nouveaux outils "
                 "d'évaluation ? Vos avis ?", 260),
                ("learner", "Nous l'utilisons encore pour comparer dans le temps, mais avec "
                 "l'outil IMET en complément.", 250),
                ("focal.kenya", "Same here: METT for continuity, IMET for planning.", 200),
                ("helpdesk", "Both tools are in the resources database, with their guides.",
                 150),
            )),
            ("Ranger welfare survey", "focal.kenya", False, True, (
                ("focal.kenya", "Please answer the ranger welfare survey before the end of the "
                 "month.", 320),
                ("focal.kenya.chm", "Done for the Kenyan sites.", 310),
            )),
        ),
        is_open=False,
    ),
    CommunitySpec(
        "biosafety-regulators",
        {"en": "Biosafety regulators", "fr": "Régulateurs de la biosécurité",
         "es": "Reguladores de bioseguridad"},
        {"en": "Staff of national biosafety authorities exchanging on risk assessment and "
               "detection.",
         "fr": "Agents des autorités nationales de biosécurité échangeant sur l'évaluation des "
               "risques et la détection.",
         "es": "Personal de las autoridades nacionales de bioseguridad que intercambian sobre "
               "evaluación de riesgos y detección."},
        "biosafety", (17,), "reviewer",
        ("focal.kenya", "focal.kenya.chm", "partner.editor"),
        (
            ("Sampling protocols at border posts", "focal.kenya.chm", False, False, (
                ("focal.kenya.chm", "Which sampling protocol do you use for grain shipments at "
                 "border posts?", 520),
                ("partner.editor", "Nous suivons le protocole de l'ISTA, adapté aux petits "
                 "lots.", 500),
                ("focal.kenya", "The laboratory course covers it; we use the same.", 430),
                ("reviewer", "Closing the loop: the protocol is now in the resources database.",
                 400),
            )),
        ),
    ),
)
# fmt: on
# The reply reported to the moderators, and the one they hid: (community, thread, index).
FLAGGED_POST = ("invasive-species-islands", 1, 2, "learner", "Advertising, not a contribution.")
HIDDEN_POST = ("nbsap-practitioners", 2, 2, "partner.admin", "Personal contact details.")


# --- Building -------------------------------------------------------------------------------------
class Vocabularies:
    """The reference rows the demo points to, loaded once (a query per vocabulary)."""

    def __init__(self) -> None:
        self.themes = {row.code: row for row in ThematicArea.objects.all()}
        self.targets = {row.number: row for row in GBFTarget.objects.all()}
        self.languages = {row.code: row for row in Language.objects.all()}
        self.countries = {row.code: row for row in Country.objects.all()}

    def theme_name(self, code: str, language: str) -> str:
        theme = self.themes[code]
        return getattr(theme, f"name_{language}", None) or theme.name

    def target_title(self, number: int, language: str) -> str:
        target = self.targets[number]
        return getattr(target, f"title_{language}", None) or target.title


@dataclass
class Built:
    """A course written by this run, with what its learners need."""

    spec: CourseSpec
    course: Course
    lessons: list[Lesson] = field(default_factory=list)  # in order, the quiz last
    quiz: Quiz | None = None
    # (question, correct choices, wrong choices)
    questions: list[tuple[Question, list[Choice], list[Choice]]] = field(default_factory=list)


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()

    def ago(self, days: float, hours: float = 0) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days, hours=hours)

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)


def _link(model: type[Model], relation: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Add many-to-many rows (row id, target id) in one ``bulk_create``."""
    model_field = model._meta.get_field(relation)
    through = model_field.remote_field.through
    source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in pairs],
        ignore_conflicts=True,
    )


def _between(
    rng: random.Random, start: datetime.datetime, end: datetime.datetime, count: int
) -> list[datetime.datetime]:
    """``count`` sorted moments between ``start`` and ``end``."""
    span = max((end - start).total_seconds(), 60)
    return sorted(
        (start + datetime.timedelta(seconds=rng.uniform(0, span))).replace(microsecond=0)
        for _ in range(count)
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _in_sentence(name: str, language: str) -> str:
    """A vocabulary term inside an English sentence is lower-case ("a course on invasive alien
    species"); the French and Spanish texts introduce it after a colon."""
    return name[:1].lower() + name[1:] if language == "en" else name


def _title_in(course: Course, language: str) -> str:
    return (
        getattr(course, f"title_{language}", None)
        or getattr(course, f"title_{course.language}", None)
        or course.title
    )


# --- Courses ------------------------------------------------------------------------------------
def _course_dates(spec: CourseSpec, clock: Clock) -> dict[str, Any]:
    if spec.status in (S.PUBLISHED, S.ARCHIVED):
        published = clock.ago(spec.age, hours=9)
        dates = {
            "created_at": published - datetime.timedelta(days=45),
            "submitted_at": published - datetime.timedelta(days=12),
            "published_at": published,
        }
        if spec.status == S.ARCHIVED:
            dates["archived_at"] = clock.ago(spec.archived_age or 0, hours=4)
        return dates
    if spec.status == S.IN_REVIEW:
        return {"created_at": clock.ago(spec.age + 40), "submitted_at": clock.ago(spec.age)}
    return {"created_at": clock.ago(spec.age)}


def _courses(
    specs: list[CourseSpec],
    providers: dict[str, Organisation],
    vocabularies: Vocabularies,
    clock: Clock,
    by: User,
) -> list[Built]:
    """Create the courses of ``specs`` that do not exist yet (key: provider and title in the
    original language), with their modules, lessons and quiz."""
    existing = {
        (provider_id, titles[language])
        for provider_id, language, *values in Course.objects.filter(
            provider__in=list(providers.values())
        ).values_list("provider_id", "language", "title_en", "title_fr", "title_es")
        for titles in [dict(zip(("en", "fr", "es"), values, strict=True))]
    }
    built: list[Built] = []
    for spec in specs:
        provider = providers[spec.provider]
        if (provider.pk, spec.title) in existing:
            continue
        language = spec.language
        theme = _in_sentence(vocabularies.theme_name(spec.themes[0], language), language)
        heading, audience_heading, audience = SYLLABUS[language]
        syllabus = (
            f"<p>{spec.summary}</p><h3>{heading}</h3><ul>"
            + "".join(f"<li>{module}</li>" for module in spec.modules)
            + f"</ul><h3>{audience_heading}</h3><p>{audience.format(theme=theme)}</p>"
        )
        texts = {
            f"title_{language}": spec.title,
            f"summary_{language}": spec.summary,
            f"syllabus_{language}": syllabus,
        }
        for other, (title, summary) in spec.translations.items():
            texts |= {f"title_{other}": title, f"summary_{other}": summary}
        mooc = {}
        if spec.mooc:
            start, length = spec.mooc
            mooc = {
                "starts_on": clock.day(start),
                "ends_on": clock.day(start + length),
                "enrolment_closes_on": clock.day(start + min(14, length)),
            }
        course = Course(
            provider=provider,
            language=language,
            format=spec.format,
            level=spec.level,
            estimated_hours=spec.hours,
            certificate_offered=spec.certificate,
            status=spec.status,
            enrolment_mode=EnrolmentMode.INVITATION if spec.invitation_only else EnrolmentMode.OPEN,
            created_by=by,
            **texts,
            **mooc,
            **_course_dates(spec, clock),
        )
        built.append(Built(spec=spec, course=course))
    Course.objects.bulk_create([item.course for item in built])
    relations: dict[str, list[tuple[int, int]]] = {
        "languages": [],
        "targets": [],
        "thematic_areas": [],
    }
    for item in built:
        spec, course = item.spec, item.course
        for code in (spec.language, *spec.translations):
            relations["languages"].append((course.pk, vocabularies.languages[code].pk))
        relations["targets"] += [(course.pk, vocabularies.targets[n].pk) for n in spec.targets]
        relations["thematic_areas"] += [
            (course.pk, vocabularies.themes[code].pk) for code in spec.themes
        ]
    for relation, pairs in relations.items():
        _link(Course, relation, pairs)
    _content(built, vocabularies)
    return built


def _content(built: list[Built], vocabularies: Vocabularies) -> None:
    """Modules, lessons (the last one a quiz) and the quiz's questions and answers."""
    modules: list[tuple[Built, Module]] = []
    for item in built:
        language = item.spec.language
        for position, title in enumerate(item.spec.modules):
            module = Module(
                course=item.course,
                position=position,
                **{
                    f"title_{language}": title,
                    f"summary_{language}": MODULE_SUMMARY[language].format(module=title),
                },
            )
            modules.append((item, module))
    Module.objects.bulk_create([module for _item, module in modules])

    resources = _resources_by_organisation([item.course.provider_id for item in built])
    lessons: list[tuple[Built, Lesson]] = []
    resource_pairs: list[tuple[Lesson, int]] = []
    for index, (item, module) in enumerate(modules):
        spec, language = item.spec, item.spec.language
        theme = _in_sentence(
            vocabularies.theme_name(spec.themes[min(module.position, len(spec.themes) - 1)],
                                    language), language)  # fmt: skip
        place = PLACES[language][index % len(PLACES[language])]
        module_title = getattr(module, f"title_{language}")
        for position, (title, body) in enumerate(LESSONS[language]):
            if position == 2 and module.position % 2:
                continue  # every other module has two lessons only
            lesson = Lesson(
                course=item.course,  # a lesson's course is its module's
                module=module,
                position=position,
                estimated_minutes=10 + 5 * position,
                **{
                    f"title_{language}": title.format(place=place),
                    f"body_{language}": body.format(
                        module=module_title, theme=theme, place=place, heading=_capitalised(place)
                    ),
                },
            )
            if (spec.key, module.position, position) == (VIDEO_LESSON[0], 0, 0):
                lesson.video_url = VIDEO_LESSON[1]
            if position == 1 and resources.get(item.course.provider_id):
                resource_pairs.append((lesson, resources[item.course.provider_id][0]))
            lessons.append((item, lesson))
        if module.position == len(spec.modules) - 1:
            lessons.append(
                (
                    item,
                    Lesson(
                        course=item.course,
                        module=module,
                        kind=Lesson.Kind.QUIZ,
                        position=9,
                        estimated_minutes=10,
                        **{f"title_{language}": QUIZ_TITLE[language]},
                    ),
                )
            )
    Lesson.objects.bulk_create([lesson for _item, lesson in lessons])
    _link(Lesson, "resources", [(lesson.pk, resource) for lesson, resource in resource_pairs])
    for item, lesson in lessons:
        item.lessons.append(lesson)

    quizzes = []
    for number, item in enumerate(built):
        three = number % 2 == 0
        item.quiz = Quiz(
            lesson=item.lessons[-1],
            pass_mark=60 if three else 50,
            max_attempts=(2, 3, None)[number % 3],
        )
        quizzes.append(item.quiz)
    Quiz.objects.bulk_create(quizzes)
    _questions(built, vocabularies)


def _resources_by_organisation(organisation_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    rows = (
        Resource.objects.filter(
            organisation_id__in=set(organisation_ids), status=RecordStatus.PUBLISHED
        )
        .order_by("pk")
        .values_list("organisation_id", "pk")
    )
    for organisation_id, pk in rows:
        found.setdefault(organisation_id, []).append(pk)
    return found


def _questions(built: list[Built], vocabularies: Vocabularies) -> None:
    """Two or three questions per quiz: the course's main GBF target (one answer), its thematic
    areas (several answers) and, every other course, what completes it."""
    questions: list[tuple[Built, Question, list[tuple[str, bool]]]] = []
    for number, item in enumerate(built):
        spec, language = item.spec, item.spec.language
        word = TARGET_WORD[language]
        main = spec.targets[0]
        others = [n for n in ((main + 6) % 23 + 1, (main + 12) % 23 + 1) if n not in spec.targets]
        target_choices = [(f"{word} {main}: {vocabularies.target_title(main, language)}", True)]
        target_choices += [
            (f"{word} {n}: {vocabularies.target_title(n, language)}", False) for n in others
        ]
        wrong_themes = [code for code in OTHER_THEMES if code not in spec.themes][:2]
        theme_choices = [(vocabularies.theme_name(c, language), True) for c in spec.themes[:2]]
        theme_choices += [(vocabularies.theme_name(c, language), False) for c in wrong_themes]
        rows = [
            ("target", Question.Kind.SINGLE, target_choices),
            ("themes", Question.Kind.MULTIPLE, theme_choices),
        ]
        if number % 2 == 0:
            right, *wrong = COMPLETION_CHOICES[language]
            rows.append(
                (
                    "completion",
                    Question.Kind.SINGLE,
                    [(right, True), *((text, False) for text in wrong)],
                )
            )
        for position, (key, kind, choices) in enumerate(rows):
            question = Question(
                quiz=item.quiz,
                kind=kind,
                position=position,
                **{f"text_{language}": QUESTIONS[key][language]},
            )
            questions.append((item, question, choices))
    Question.objects.bulk_create([question for _item, question, _choices in questions])
    choices: list[tuple[Built, Question, Choice]] = []
    for item, question, texts in questions:
        language = item.spec.language
        good, bad = FEEDBACK[language]
        for position, (text, correct) in enumerate(texts):
            choices.append(
                (
                    item,
                    question,
                    Choice(
                        question=question,
                        is_correct=correct,
                        position=position,
                        **{
                            f"text_{language}": text,
                            f"feedback_{language}": good if correct else bad,
                        },
                    ),
                )
            )
    Choice.objects.bulk_create([choice for _item, _question, choice in choices])
    by_question: dict[int, tuple[list[Choice], list[Choice]]] = {}
    for _item, question, choice in choices:
        right, wrong = by_question.setdefault(question.pk, ([], []))
        (right if choice.is_correct else wrong).append(choice)
    for item, question, _texts in questions:
        right, wrong = by_question[question.pk]
        item.questions.append((question, right, wrong))


# --- Quality reviews ------------------------------------------------------------------------------
# A review to write: the review, the standards of its checklist, the results given to them in
# turn ("" for none yet) and the comment on those that fall short.
ReviewRow = tuple[QualityReview, list, list[str], str]


def _write_reviews(reviews: list[ReviewRow], follow_ups: list[tuple[QualityReview, QualityReview]]):
    """Save the reviews, link each follow-up to the review it confirms, add the checklists."""
    QualityReview.objects.bulk_create([review for review, *_rest in reviews])
    for follow_up, previous in follow_ups:
        follow_up.previous = previous
    QualityReview.objects.bulk_update([follow_up for follow_up, _p in follow_ups], ["previous"])
    checks = []
    for review, standards, results, comment in reviews:
        for index, standard in enumerate(standards):
            result = results[index % len(results)] if results else ""
            checks.append(
                ReviewCheck(
                    review=review,
                    standard=standard,
                    result=result,
                    comment=comment if result in (C.PARTLY, C.DOES_NOT_MEET) else "",
                )
            )
    ReviewCheck.objects.bulk_create(checks)


def _course_reviews(built: list[Built], people: dict[str, User], clock: Clock) -> int:
    """The review behind each published course (one asked for improvements first, confirmed
    when the follow-up approved it), those waiting for a reviewer, and a draft sent back."""
    content_type = ContentType.objects.get_for_model(Course)
    standards = standards_for_kind("course")
    reviewer = people["reviewer"]
    reviews: list[ReviewRow] = []
    follow_ups: list[tuple[QualityReview, QualityReview]] = []
    for item in built:
        spec, course = item.spec, item.course
        base = {
            "content_type": content_type,
            "object_id": course.pk,
            "item_title": spec.title[:300],
            "requested_by": people["partner.editor"] if spec.provider in (BCN, IIE, ACF) else None,
        }
        if spec.status in (S.PUBLISHED, S.ARCHIVED):
            approved = QualityReview(
                **base,
                status=R.APPROVED,
                reviewer=reviewer,
                requested_at=course.submitted_at,
                completed_at=course.published_at,
                summary=REVIEW_TEXTS["summary_ok"],
            )
            if spec.review == "improved":
                first = QualityReview(
                    **base,
                    status=R.CHANGES_REQUESTED,
                    reviewer=reviewer,
                    requested_at=course.submitted_at - datetime.timedelta(days=30),
                    completed_at=course.submitted_at - datetime.timedelta(days=24),
                    improvements_requested=REVIEW_TEXTS["requested"],
                    improvements_made=REVIEW_TEXTS["made"],
                    # Confirmed by the follow-up review that approved the course.
                    improved_at=course.published_at,
                )
                reviews.append(
                    (
                        first,
                        standards,
                        [C.MEETS, C.PARTLY, C.DOES_NOT_MEET],
                        first.improvements_requested,
                    )
                )
                approved.summary = REVIEW_TEXTS["summary_improved"]
                follow_ups.append((approved, first))
            reviews.append((approved, standards, [C.MEETS, C.MEETS, C.NOT_APPLICABLE], ""))
        elif spec.status == S.IN_REVIEW:
            in_progress = spec.key == "suivi-participatif"
            review = QualityReview(
                **base,
                status=R.IN_PROGRESS if in_progress else R.PENDING,
                reviewer=reviewer if in_progress else None,
                requested_at=course.submitted_at,
            )
            reviews.append((review, standards, [C.MEETS, ""] if in_progress else [], ""))
        elif spec.review == "requested":
            review = QualityReview(
                **base,
                status=R.CHANGES_REQUESTED,
                reviewer=reviewer,
                requested_at=clock.ago(spec.age - 5),
                completed_at=clock.ago(spec.age - 12),
                improvements_requested=REVIEW_TEXTS["mangroves_requested"],
            )
            reviews.append(
                (review, standards, [C.MEETS, C.DOES_NOT_MEET], review.improvements_requested)
            )
    _write_reviews(reviews, follow_ups)
    return len(reviews)


def _record_reviews(
    organisations: list[Organisation], people: dict[str, User], clock: Clock
) -> int:
    """Reviews of two resources of the demo organisations and of an event (items already
    reviewed are left alone); the first resource was improved after a first review."""
    reviewer = people["reviewer"]
    public = {"organisation__in": organisations, "status": RecordStatus.PUBLISHED}
    events = Event.objects.filter(status=RecordStatus.PUBLISHED).order_by("pk")
    items: list[Model] = [
        *Resource.objects.filter(**public).order_by("pk")[:2],
        # An event of theirs, else the first public one.
        *(events.filter(organisation__in=organisations)[:1] or events[:1]),
    ]
    reviews: list[ReviewRow] = []
    follow_ups: list[tuple[QualityReview, QualityReview]] = []
    for index, item in enumerate(items):
        content_type = ContentType.objects.get_for_model(item)
        if QualityReview.objects.filter(content_type=content_type, object_id=item.pk).exists():
            continue
        standards = standards_for_kind(content_type.model)
        base = {
            "content_type": content_type,
            "object_id": item.pk,
            "item_title": str(item)[:300],
            "requested_by": reviewer,
            "reviewer": reviewer,
        }
        days = 200 - 60 * index
        approved = QualityReview(
            **base,
            status=R.APPROVED,
            requested_at=clock.ago(days),
            completed_at=clock.ago(days - 2),
            summary=REVIEW_TEXTS["summary_ok"],
        )
        if index == 0:
            first = QualityReview(
                **base,
                status=R.CHANGES_REQUESTED,
                requested_at=clock.ago(days + 30),
                completed_at=clock.ago(days + 27),
                improvements_requested=REVIEW_TEXTS["record_requested"],
                improvements_made=REVIEW_TEXTS["record_made"],
                improved_at=approved.completed_at,
            )
            reviews.append((first, standards, [C.MEETS, C.PARTLY], first.improvements_requested))
            follow_ups.append((approved, first))
        reviews.append((approved, standards, [C.MEETS], ""))
    _write_reviews(reviews, follow_ups)
    return len(reviews)


# --- Learning -------------------------------------------------------------------------------------
@dataclass
class Learning:
    """The rows of learning written by this run."""

    enrolments: list[tuple[Built, Enrolment, float]] = field(default_factory=list)
    invitations: list[CourseInvitation] = field(default_factory=list)


def _course_window(item: Built, clock: Clock) -> tuple[datetime.datetime, datetime.datetime]:
    """When learners enrolled in the course: from its publication to its archiving (or now)."""
    course = item.course
    start = course.published_at + datetime.timedelta(days=1)
    end = course.archived_at or clock.now
    if course.starts_on:  # a MOOC: enrolment until a week after its start
        mooc_start = datetime.datetime.combine(
            course.starts_on, datetime.time(8), tzinfo=datetime.UTC
        )
        end = min(end, mooc_start + datetime.timedelta(days=7), clock.ago(0, hours=2))
    return start, max(end, start + datetime.timedelta(hours=1))


def _enrolment(
    item: Built,
    user: User,
    status: str,
    rng: random.Random,
    clock: Clock,
    *,
    cohort: Cohort | None = None,
) -> Enrolment:
    start, end = _course_window(item, clock)
    enrolled = _between(rng, start, end, 1)[0]
    row = Enrolment(
        course=item.course,
        user=user,
        cohort=cohort,
        status=status,
        country_id=user.country_id,
        enrolled_at=enrolled,
    )
    course_end = item.course.archived_at or clock.now
    if item.course.ends_on:
        course_end = min(
            course_end,
            datetime.datetime.combine(item.course.ends_on, datetime.time(18), tzinfo=datetime.UTC),
        )
    if status == E.COMPLETED:
        finished = enrolled + datetime.timedelta(days=rng.uniform(4, 50))
        if item.course.starts_on:  # a MOOC is completed while it runs
            finished = max(
                finished,
                datetime.datetime.combine(
                    item.course.starts_on, datetime.time(8), tzinfo=datetime.UTC
                )
                + datetime.timedelta(days=rng.uniform(14, 30)),
            )
        row.completed_at = min(finished, course_end - datetime.timedelta(hours=1)).replace(
            microsecond=0
        )
        if row.completed_at <= enrolled:  # no time left to finish: still learning
            row.status, row.completed_at = E.ACTIVE, None
    elif status == E.WITHDRAWN:
        row.withdrawn_at = min(
            enrolled + datetime.timedelta(days=rng.uniform(2, 30)), clock.ago(0, hours=1)
        ).replace(microsecond=0)
    return row


def _enrolments(built: list[Built], people: dict[str, User], members: dict[int, set[int]],
                clock: Clock) -> Learning:  # fmt: skip
    learning = Learning()
    for item in built:
        spec, course = item.spec, item.course
        if course.status not in Course.PUBLIC_STATUSES:
            continue
        if spec.invitation_only:
            _cohorts(item, people, clock, learning)
            continue
        rng = random.Random(f"{SEED}:{spec.key}")
        upcoming = bool(course.starts_on and course.starts_on > clock.today)
        running = bool(course.starts_on and not upcoming and course.ends_on >= clock.today)
        team = members.get(course.provider_id, set())
        if spec.key in DEMO_LEARNER_PATH:
            status, share = DEMO_LEARNER_PATH[spec.key]
            row = _enrolment(item, people[DEMO_LEARNER], status, rng, clock)
            learning.enrolments.append((item, row, share))
        candidates = [
            people[local]
            for local in LEARNERS
            if local != DEMO_LEARNER and people[local].pk not in team
        ]
        for user in rng.sample(candidates, rng.randint(3, min(6, len(candidates)))):
            if upcoming:
                status = rng.choice((E.ACTIVE, E.ACTIVE, E.ACTIVE, E.WITHDRAWN))
            elif running:
                status = rng.choice((E.ACTIVE, E.ACTIVE, E.WITHDRAWN))
            else:
                status = rng.choices((E.COMPLETED, E.ACTIVE, E.WITHDRAWN), (5, 3, 2))[0]
            row = _enrolment(item, user, status, rng, clock)
            share = 0.0 if upcoming else (1.0 if row.status == E.COMPLETED else rng.random() * 0.9)
            learning.enrolments.append((item, row, share))
    Enrolment.objects.bulk_create([row for _item, row, _share in learning.enrolments])
    CourseInvitation.objects.bulk_create(learning.invitations)
    return learning


def _cohorts(item: Built, people: dict[str, User], clock: Clock, learning: Learning) -> None:
    """The invitation-only course: a past cohort and one running now, invited by the help desk."""
    course = item.course
    published = course.published_at
    helpdesk = people["helpdesk"]
    cohorts = [
        Cohort(
            course=course,
            name="Cohorte 2025, Afrique de l'Ouest et du Centre",
            starts_on=(published + datetime.timedelta(days=30)).date(),
            ends_on=(published + datetime.timedelta(days=120)).date(),
            created_by=helpdesk,
            created_at=published + datetime.timedelta(days=5),
        ),
        Cohort(
            course=course,
            name="Cohorte 2026, Francophonie",
            starts_on=clock.day(-5),
            ends_on=clock.day(85),
            created_by=helpdesk,
            created_at=clock.ago(20),
        ),
    ]
    Cohort.objects.bulk_create(cohorts)
    rng = random.Random(f"{SEED}:{item.spec.key}")
    for index, local, status in COHORT_PEOPLE:
        cohort, user = cohorts[index], people[local]
        start = datetime.datetime.combine(cohort.starts_on, datetime.time(9), tzinfo=datetime.UTC)
        sent = min(start - datetime.timedelta(days=10), clock.ago(6))
        if status == E.INVITED:
            enrolled, accepted = sent, None
        else:
            enrolled = min(sent + datetime.timedelta(days=rng.uniform(1, 6)), clock.ago(1))
            accepted = enrolled
        row = Enrolment(
            course=course,
            user=user,
            cohort=cohort,
            status=status,
            country_id=user.country_id,
            enrolled_at=enrolled.replace(microsecond=0),
        )
        end = datetime.datetime.combine(cohort.ends_on, datetime.time(17), tzinfo=datetime.UTC)
        if status == E.COMPLETED:
            row.completed_at = min(end, clock.ago(1)).replace(microsecond=0)
        elif status == E.WITHDRAWN:
            row.withdrawn_at = (enrolled + datetime.timedelta(days=12)).replace(microsecond=0)
        share = {E.COMPLETED: 1.0, E.ACTIVE: 0.5, E.WITHDRAWN: 0.2}.get(status, 0.0)
        learning.enrolments.append((item, row, share))
        learning.invitations.append(
            CourseInvitation(
                course=course,
                cohort=cohort,
                email=user.email,
                token=secrets.token_urlsafe(32),
                invited_by=helpdesk,
                created_at=sent,
                expires_at=sent + datetime.timedelta(days=30),
                accepted_at=accepted,
                accepted_by=user if accepted else None,
            )
        )
    for address, days, valid in COHORT_GUESTS:
        sent = clock.ago(days)
        learning.invitations.append(
            CourseInvitation(
                course=course,
                cohort=cohorts[1] if valid else None,
                email=address,
                token=secrets.token_urlsafe(32),
                invited_by=helpdesk,
                created_at=sent,
                expires_at=sent + datetime.timedelta(days=30),
            )
        )


def _progress(learning: Learning, clock: Clock) -> tuple[int, int]:
    """Progress per lesson, quiz attempts with their answers, certificates and survey answers."""
    progress: list[LessonProgress] = []
    attempts: list[tuple[QuizAttempt, Built, bool]] = []
    for item, enrolment, share in learning.enrolments:
        if enrolment.status == E.INVITED:
            continue
        rng = random.Random(f"{SEED}:{item.spec.key}:{enrolment.user_id}")
        lessons = item.lessons
        completed = enrolment.status == E.COMPLETED
        content = lessons[:-1]
        done = len(lessons) if completed else min(int(len(content) * share), len(content))
        end = enrolment.completed_at or enrolment.withdrawn_at or clock.ago(0, hours=3)
        if item.course.archived_at and not completed:
            end = min(end, item.course.archived_at)
        seen = done if completed else min(done + 1, len(content))
        if seen == 0:
            continue
        moments = _between(rng, enrolment.enrolled_at, end, seen)
        if completed:
            moments[-1] = enrolment.completed_at
        for index in range(seen):
            progress.append(
                LessonProgress(
                    enrolment=enrolment,
                    lesson=lessons[index],
                    last_seen_at=moments[index],
                    completed_at=moments[index] if index < done else None,
                )
            )
        if completed:
            # A passed attempt, after a failed one for some learners.
            failed_first = rng.random() < 0.35
            passed_at = enrolment.completed_at
            if failed_first:
                attempts.append(
                    (
                        QuizAttempt(
                            quiz=item.quiz,
                            enrolment=enrolment,
                            number=1,
                            started_at=passed_at - datetime.timedelta(days=1, minutes=20),
                            submitted_at=passed_at - datetime.timedelta(days=1),
                        ),
                        item,
                        False,
                    )
                )
            attempts.append(
                (
                    QuizAttempt(
                        quiz=item.quiz,
                        enrolment=enrolment,
                        number=2 if failed_first else 1,
                        started_at=passed_at - datetime.timedelta(minutes=15),
                        submitted_at=passed_at,
                    ),
                    item,
                    True,
                )
            )
    LessonProgress.objects.bulk_create(progress, batch_size=500)
    answers: list[tuple[AttemptAnswer, list[Choice]]] = []
    for attempt, item, passed in attempts:
        right = 0
        for index, (question, correct, wrong) in enumerate(item.questions):
            # A failed attempt gets everything wrong but the completion question.
            is_correct = passed or index == 2
            right += is_correct
            chosen = correct if is_correct else wrong[:1]
            answers.append(
                (AttemptAnswer(attempt=attempt, question=question, is_correct=is_correct), chosen)
            )
        total = len(item.questions)
        attempt.score = (200 * right + total) // (2 * total)
        attempt.passed = attempt.score >= item.quiz.pass_mark
    QuizAttempt.objects.bulk_create([attempt for attempt, _item, _passed in attempts])
    for answer, _chosen in answers:
        answer.attempt_id = answer.attempt.pk
    AttemptAnswer.objects.bulk_create([answer for answer, _chosen in answers], batch_size=500)
    _link(
        AttemptAnswer,
        "choices",
        [(answer.pk, choice.pk) for answer, chosen in answers for choice in chosen],
    )
    return len(progress), len(attempts)


def _certificates_and_surveys(
    learning: Learning, people: dict[str, User], clock: Clock
) -> tuple[int, int]:
    certificates: list[Certificate] = []
    surveys: list[SurveyResponse] = []
    for item, enrolment, _share in learning.enrolments:
        if enrolment.status != E.COMPLETED:
            continue
        course, user = item.course, enrolment.user
        language = user.preferred_language if user.preferred_language in COMMENTS else "en"
        rng = random.Random(f"{SEED}:survey:{item.spec.key}:{user.pk}")
        if course.certificate_offered:
            certificates.append(
                Certificate(
                    enrolment=enrolment,
                    code=new_certificate_code(),
                    learner_name=user.get_full_name()[:200],
                    course_title=_title_in(course, language)[:300],
                    provider_name=course.provider.name[:300],
                    issued_at=enrolment.completed_at,
                )
            )
        if rng.random() < 0.85 or user.email == demo_email(DEMO_LEARNER):
            quality = rng.choices((5, 4, 3, 2, 1), (35, 35, 15, 10, 5))[0]
            effectiveness = max(1, min(5, quality + rng.choice((-1, 0, 0, 1))))
            mood = "good" if quality + effectiveness >= 8 else ("mixed" if quality >= 3 else "poor")
            surveys.append(
                SurveyResponse(
                    enrolment=enrolment,
                    course=course,
                    quality=quality,
                    effectiveness=effectiveness,
                    relevance=(
                        SurveyResponse.Relevance.HIGH
                        if quality >= 4
                        else rng.choice(SurveyResponse.Relevance.values)
                    ),
                    comments="" if rng.random() < 0.2 else rng.choice(COMMENTS[language][mood]),
                    submitted_at=enrolment.completed_at
                    + datetime.timedelta(minutes=rng.randint(3, 600)),
                )
            )
    for survey in surveys:  # answered after completion, never in the future
        survey.submitted_at = min(survey.submitted_at, clock.ago(0, hours=1))
    # One certificate was revoked: issued on a test enrolment of the site administrator.
    admin_id = people["admin"].pk
    for certificate in certificates:
        if certificate.enrolment.user_id == admin_id:
            certificate.revoked_at = certificate.issued_at + datetime.timedelta(days=2)
            certificate.revocation_reason = "Issued on a test enrolment."
            break
    Certificate.objects.bulk_create(certificates)
    SurveyResponse.objects.bulk_create(surveys)
    return len(certificates), len(surveys)


# --- Communities --------------------------------------------------------------------------------
def _communities(
    people: dict[str, User], vocabularies: Vocabularies, clock: Clock
) -> tuple[int, dict[int, datetime.datetime]]:
    """The communities that do not exist yet, with their members and discussions. Returns how
    many were created and, per person, their last post (activity of alumni)."""
    existing = set(Community.objects.values_list("slug", flat=True))
    specs = [spec for spec in COMMUNITIES if spec.slug not in existing]
    last_posts: dict[int, datetime.datetime] = {}
    if not specs:
        return 0, last_posts
    communities = []
    for spec in specs:
        oldest = max(days for thread in spec.threads for _author, _body, days in thread[4])
        communities.append(
            Community(
                slug=spec.slug,
                thematic_area=vocabularies.themes[spec.theme],
                is_open=spec.is_open,
                created_by=people["reviewer"],
                created_at=clock.ago(oldest + 20),
                member_count=1 + len(spec.members),  # the moderator and the members
                **{f"name_{code}": text for code, text in spec.names.items()},
                **{f"description_{code}": text for code, text in spec.descriptions.items()},
            )
        )
    Community.objects.bulk_create(communities)
    _link(
        Community,
        "targets",
        [
            (community.pk, vocabularies.targets[n].pk)
            for community, spec in zip(communities, specs, strict=True)
            for n in spec.targets
        ],
    )
    memberships: list[CommunityMembership] = []
    threads: list[tuple[Thread, list[Post]]] = []
    flags: list[PostFlag] = []
    for community, spec in zip(communities, specs, strict=True):
        memberships.append(
            CommunityMembership(
                community=community,
                user=people[spec.moderator],
                role=CommunityMembership.Role.MODERATOR,
                joined_at=community.created_at,
            )
        )
        memberships += [
            CommunityMembership(
                community=community,
                user=people[local],
                joined_at=community.created_at + datetime.timedelta(days=1 + index),
            )
            for index, local in enumerate(spec.members)
        ]
        for number, (title, author, pinned, locked, messages) in enumerate(spec.threads):
            thread = Thread(
                community=community,
                author=people[author],
                title=title,
                is_pinned=pinned,
                is_locked=locked,
                created_at=clock.ago(messages[0][2]),
            )
            posts = [
                Post(thread=thread, author=people[local], body=body, created_at=clock.ago(days))
                for local, body, days in messages
            ]
            for slug, thread_number, post_number, local, reason in (FLAGGED_POST, HIDDEN_POST):
                if (slug, thread_number) != (spec.slug, number):
                    continue
                post = posts[post_number]
                if (slug, thread_number) == FLAGGED_POST[:2]:
                    # Reported by a member, waiting for a moderator.
                    post.flag_count = 1
                    flags.append(
                        PostFlag(
                            post=post,
                            user=people[local],
                            reason=reason,
                            created_at=post.created_at + datetime.timedelta(hours=3),
                        )
                    )
                else:
                    post.status = PostStatus.HIDDEN
                    post.moderated_by = people[local]
                    post.moderated_at = post.created_at + datetime.timedelta(hours=5)
                    post.moderation_reason = reason
            # What the posting services keep: the visible replies, the last post.
            thread.reply_count = sum(1 for post in posts[1:] if post.status == PostStatus.VISIBLE)
            thread.last_post_at = max(post.created_at for post in posts)
            threads.append((thread, posts))
    CommunityMembership.objects.bulk_create(memberships)
    Thread.objects.bulk_create([thread for thread, _posts in threads])
    posts = [post for _thread, thread_posts in threads for post in thread_posts]
    Post.objects.bulk_create(posts)
    PostFlag.objects.bulk_create(flags)
    for community in communities:
        community.last_post_at = max(
            thread.last_post_at for thread, _posts in threads if thread.community is community
        )
    Community.objects.bulk_update(communities, ["last_post_at"])
    for post in posts:
        last_posts[post.author_id] = max(
            post.created_at, last_posts.get(post.author_id, post.created_at)
        )
    return len(communities), last_posts


# --- Alumni -------------------------------------------------------------------------------------
def _alumni(
    learning: Learning,
    people: dict[str, User],
    vocabularies: Vocabularies,
    last_posts: dict[int, datetime.datetime],
    clock: Clock,
) -> int:
    """Alumni from the completions of this run, and past participants imported by staff."""
    completions: dict[int, list[tuple[Built, Enrolment]]] = {}
    for item, enrolment, _share in learning.enrolments:
        if enrolment.status == E.COMPLETED:
            completions.setdefault(enrolment.user_id, []).append((item, enrolment))
    by_pk = {user.pk: (local, user) for local, user in people.items()}
    known = {alumnus.user_id: alumnus for alumnus in Alumnus.objects.filter(user__in=list(by_pk))}
    new: list[Alumnus] = []
    expertise: list[tuple[Alumnus, str]] = []
    languages: list[tuple[Alumnus, str]] = []
    for user_id, done in completions.items():
        if user_id in known:
            continue
        local, user = by_pk[user_id]
        last = max(enrolment.completed_at for _item, enrolment in done)
        last = max(last, last_posts.get(user_id, last))
        alumnus = Alumnus(
            user=user,
            email=user.email,
            full_name=user.get_full_name()[:200],
            country_id=user.country_id or done[0][1].country_id,
            organisation_name=(user.organisation_name or "")[:300],
            in_directory=local in IN_DIRECTORY,
            last_active_at=last,
            created_at=min(enrolment.completed_at for _item, enrolment in done),
        )
        new.append(alumnus)
        known[user_id] = alumnus
        for code in dict.fromkeys(code for item, _e in done for code in item.spec.themes[:1]):
            expertise.append((alumnus, code))
        languages.append((alumnus, user.preferred_language or "en"))
    emails = {row[1] for row in IMPORTED_ALUMNI}
    imported_known = set(Alumnus.objects.filter(email__in=emails).values_list("email", flat=True))
    imported: list[tuple[Alumnus, tuple]] = []
    for row in IMPORTED_ALUMNI:
        name, email, country, organisation, position, directory, themes, spoken, days, _p = row
        if email in imported_known:
            continue
        alumnus = Alumnus(
            full_name=name,
            email=email,
            country=vocabularies.countries[country],
            organisation_name=organisation,
            position=position,
            in_directory=directory,
            last_active_at=clock.ago(days) if days is not None else None,
            created_at=clock.ago(800),
        )
        imported.append((alumnus, row))
        new.append(alumnus)
        expertise += [(alumnus, code) for code in themes]
        languages += [(alumnus, code) for code in spoken]
    Alumnus.objects.bulk_create(new)
    _link(
        Alumnus,
        "expertise",
        [(alumnus.pk, vocabularies.themes[code].pk) for alumnus, code in expertise],
    )
    _link(
        Alumnus,
        "languages",
        [
            (alumnus.pk, vocabularies.languages[code].pk)
            for alumnus, code in languages
            if code in vocabularies.languages
        ],
    )
    participations = [
        Participation(
            alumnus=known[user_id],
            kind=Participation.Kind.COURSE,
            activity=item.spec.title[:300],
            course=item.course,
            year=enrolment.completed_at.year,
        )
        for user_id, done in completions.items()
        for item, enrolment in done
    ]
    for alumnus, row in imported:
        for kind, activity, year, country in row[9]:
            participation = Participation(
                alumnus=alumnus,
                kind=kind,
                activity=activity,
                year=year,
                country=vocabularies.countries[country],
            )
            participation.imported = True
            participations.append(participation)
    Participation.objects.bulk_create(participations, ignore_conflicts=True)
    return len(new)


# --- Seeding --------------------------------------------------------------------------------------
def seed(*, log: Callable[[str], None]) -> None:
    with translation.override("en"):
        _seed(log=log)


def _seed(*, log: Callable[[str], None]) -> None:
    clock = Clock()
    people = {local: User.objects.get(email__iexact=demo_email(local)) for local in LEARNERS}
    vocabularies = Vocabularies()
    names = sorted({spec.provider for spec in COURSES})
    providers = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    missing = [name for name in names if name not in providers]
    if missing:
        log(f"elearning: no courses of {', '.join(missing)} (not in the partners' demo data)")
    specs = [spec for spec in COURSES if spec.provider in providers]
    members: dict[int, set[int]] = {}
    for organisation_id, user_id in Membership.objects.filter(
        organisation__in=list(providers.values())
    ).values_list("organisation_id", "user_id"):
        members.setdefault(organisation_id, set()).add(user_id)

    built = _courses(specs, providers, vocabularies, clock, people["partner.editor"])
    reviews = _course_reviews(built, people, clock)
    reviews += _record_reviews(
        [providers[name] for name in (BCN, IIE, ACF) if name in providers], people, clock
    )
    learning = _enrolments(built, people, members, clock)
    lessons_seen, attempts = _progress(learning, clock)
    certificates, surveys = _certificates_and_surveys(learning, people, clock)
    refresh_course_counts(course_ids=[item.course.pk for item in built])
    communities, last_posts = _communities(people, vocabularies, clock)
    alumni = _alumni(learning, people, vocabularies, last_posts, clock)
    log(
        f"elearning: {Course.objects.count()} courses ({len(built)} new), "
        f"{len(learning.enrolments)} new enrolments ({lessons_seen} lessons seen, {attempts} quiz "
        f"attempts, {certificates} certificates, {surveys} survey answers), {reviews} quality "
        f"reviews, {communities} new communities, {alumni} new alumni; the demo learner is "
        f"{demo_email(DEMO_LEARNER)}"
    )
