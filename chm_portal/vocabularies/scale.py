"""The scale data set (``manage.py seed_scale``): the reference data it builds on, and its words.

The Parties, targets and vocabularies are loaded by this app's migrations; :func:`generate` only
checks that the 196 Parties are there. The rest of the module is what the other apps' generators
write their texts with, so that full-text search has real words to find in English, French and
Spanish: topics of each thematic area (three languages, same meaning at the same place), the
people capacity-building is for, and :class:`Wording`, which renders parallel sentence templates
in one language or several (a record written in French with an English translation says the same
thing in both).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.management.base import CommandError

from chm_portal.core.scale import ScaleContext

from .models import (
    BeneficiaryType,
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Priority,
    Region,
    ResourceType,
    SupportType,
    ThematicArea,
)

EXPECTED_PARTIES = 196
LANGUAGES = ("en", "fr", "es")

# Topics of each thematic area: (English, French, Spanish). French and Spanish carry their article,
# contracted after "à"/"de"/"a" by :func:`contract`.
TOPICS: dict[str, list[tuple[str, str, str]]] = {
    "protected_areas": [
        (
            "protected area management",
            "la gestion des aires protégées",
            "la gestión de áreas protegidas",
        ),
        ("marine protected areas", "les aires marines protégées", "las áreas marinas protegidas"),
        (
            "other effective area-based conservation measures",
            "les autres mesures de conservation efficaces par zone",
            "las otras medidas eficaces de conservación basadas en áreas",
        ),
    ],
    "restoration": [
        ("mangrove restoration", "la restauration des mangroves", "la restauración de manglares"),
        (
            "restoration of degraded forest landscapes",
            "la restauration des paysages forestiers dégradés",
            "la restauración de paisajes forestales degradados",
        ),
        (
            "peatland rehabilitation",
            "la réhabilitation des tourbières",
            "la rehabilitación de turberas",
        ),
    ],
    "spatial_planning": [
        (
            "biodiversity-inclusive spatial planning",
            "la planification spatiale intégrant la biodiversité",
            "la planificación espacial que integra la biodiversidad",
        ),
        (
            "marine spatial planning",
            "la planification de l'espace marin",
            "la planificación espacial marina",
        ),
        (
            "land-use zoning",
            "le zonage de l'utilisation des terres",
            "la zonificación del uso del suelo",
        ),
    ],
    "species_conservation": [
        (
            "threatened species recovery plans",
            "les plans de rétablissement des espèces menacées",
            "los planes de recuperación de especies amenazadas",
        ),
        (
            "sea turtle conservation",
            "la conservation des tortues marines",
            "la conservación de tortugas marinas",
        ),
        ("national red lists", "les listes rouges nationales", "las listas rojas nacionales"),
    ],
    "invasive_species": [
        (
            "invasive alien species control",
            "la lutte contre les espèces exotiques envahissantes",
            "el control de especies exóticas invasoras",
        ),
        (
            "early detection of invasive plants",
            "la détection précoce des plantes envahissantes",
            "la detección temprana de plantas invasoras",
        ),
        (
            "biosecurity at ports of entry",
            "la biosécurité aux points d'entrée",
            "la bioseguridad en los puntos de entrada",
        ),
    ],
    "biosafety": [
        (
            "detection of living modified organisms",
            "la détection des organismes vivants modifiés",
            "la detección de organismos vivos modificados",
        ),
        (
            "biosafety risk assessment",
            "l'évaluation des risques biotechnologiques",
            "la evaluación de riesgos en bioseguridad",
        ),
        (
            "biosafety laboratories",
            "les laboratoires de biosécurité",
            "los laboratorios de bioseguridad",
        ),
    ],
    "abs": [
        (
            "access and benefit-sharing permits",
            "les permis d'accès et de partage des avantages",
            "los permisos de acceso y participación en los beneficios",
        ),
        ("the Nagoya Protocol", "le Protocole de Nagoya", "el Protocolo de Nagoya"),
        (
            "digital sequence information",
            "l'information de séquençage numérique",
            "la información digital sobre secuencias",
        ),
    ],
    "traditional_knowledge": [
        (
            "community protocols for traditional knowledge",
            "les protocoles communautaires sur les savoirs traditionnels",
            "los protocolos comunitarios sobre conocimientos tradicionales",
        ),
        (
            "indigenous land management",
            "la gestion autochtone des terres",
            "la gestión indígena del territorio",
        ),
        (
            "free, prior and informed consent",
            "le consentement préalable, libre et éclairé",
            "el consentimiento libre, previo e informado",
        ),
    ],
    "sustainable_use": [
        (
            "sustainable harvesting of wild plants",
            "la récolte durable des plantes sauvages",
            "la recolección sostenible de plantas silvestres",
        ),
        (
            "community-based natural resource management",
            "la gestion communautaire des ressources naturelles",
            "el manejo comunitario de recursos naturales",
        ),
        (
            "non-timber forest products",
            "les produits forestiers non ligneux",
            "los productos forestales no maderables",
        ),
    ],
    "wildlife_trade": [
        (
            "wildlife trafficking enforcement",
            "la lutte contre le trafic d'espèces sauvages",
            "la lucha contra el tráfico de vida silvestre",
        ),
        ("CITES permits", "les permis CITES", "los permisos CITES"),
        (
            "forensic identification of seized specimens",
            "l'identification médico-légale des spécimens saisis",
            "la identificación forense de especímenes decomisados",
        ),
    ],
    "migratory_species": [
        ("waterbird monitoring", "le suivi des oiseaux d'eau", "el monitoreo de aves acuáticas"),
        ("migratory flyways", "les voies de migration", "las rutas migratorias"),
        (
            "satellite tracking of migratory species",
            "le suivi satellitaire des espèces migratrices",
            "el seguimiento satelital de especies migratorias",
        ),
    ],
    "agrobiodiversity": [
        (
            "conservation of crop wild relatives",
            "la conservation des espèces sauvages apparentées aux cultures",
            "la conservación de parientes silvestres de cultivos",
        ),
        (
            "community seed banks",
            "les banques de semences communautaires",
            "los bancos comunitarios de semillas",
        ),
        (
            "pollinator-friendly farming",
            "l'agriculture favorable aux pollinisateurs",
            "la agricultura favorable a los polinizadores",
        ),
    ],
    "forests": [
        ("forest inventory", "l'inventaire forestier", "el inventario forestal"),
        ("community forestry", "la foresterie communautaire", "la silvicultura comunitaria"),
        (
            "deforestation monitoring",
            "le suivi de la déforestation",
            "el monitoreo de la deforestación",
        ),
    ],
    "marine_coastal": [
        (
            "coral reef monitoring",
            "le suivi des récifs coralliens",
            "el monitoreo de arrecifes de coral",
        ),
        ("seagrass mapping", "la cartographie des herbiers marins", "el mapeo de praderas marinas"),
        (
            "small-scale fisheries management",
            "la gestion des pêcheries artisanales",
            "la gestión de la pesca artesanal",
        ),
    ],
    "inland_waters": [
        (
            "wetland inventories",
            "les inventaires des zones humides",
            "los inventarios de humedales",
        ),
        (
            "freshwater fish conservation",
            "la conservation des poissons d'eau douce",
            "la conservación de peces de agua dulce",
        ),
        (
            "river basin management",
            "la gestion des bassins fluviaux",
            "la gestión de cuencas hidrográficas",
        ),
    ],
    "islands": [
        ("island biosecurity", "la biosécurité insulaire", "la bioseguridad insular"),
        (
            "eradication of invasive rodents on islands",
            "l'éradication des rongeurs envahissants sur les îles",
            "la erradicación de roedores invasores en islas",
        ),
        (
            "endemic island species",
            "les espèces endémiques insulaires",
            "las especies endémicas insulares",
        ),
    ],
    "drylands_mountains": [
        ("rangeland restoration", "la restauration des parcours", "la restauración de pastizales"),
        ("mountain ecosystems", "les écosystèmes de montagne", "los ecosistemas de montaña"),
        (
            "desertification control",
            "la lutte contre la désertification",
            "la lucha contra la desertificación",
        ),
    ],
    "urban": [
        ("urban green spaces", "les espaces verts urbains", "los espacios verdes urbanos"),
        (
            "city biodiversity indices",
            "les indices de biodiversité urbaine",
            "los índices de biodiversidad urbana",
        ),
        (
            "nature-based solutions in cities",
            "les solutions fondées sur la nature en ville",
            "las soluciones basadas en la naturaleza en las ciudades",
        ),
    ],
    "climate_change": [
        (
            "ecosystem-based adaptation",
            "l'adaptation fondée sur les écosystèmes",
            "la adaptación basada en ecosistemas",
        ),
        ("blue carbon", "le carbone bleu", "el carbono azul"),
        (
            "climate vulnerability assessments",
            "les évaluations de la vulnérabilité climatique",
            "las evaluaciones de vulnerabilidad climática",
        ),
    ],
    "pollution": [
        (
            "pesticide risk reduction",
            "la réduction des risques liés aux pesticides",
            "la reducción del riesgo de plaguicidas",
        ),
        (
            "marine plastic pollution",
            "la pollution plastique marine",
            "la contaminación marina por plásticos",
        ),
        ("nutrient runoff", "le ruissellement des nutriments", "la escorrentía de nutrientes"),
    ],
    "taxonomy": [
        ("DNA barcoding", "le code-barres ADN", "el código de barras de ADN"),
        (
            "herbarium digitisation",
            "la numérisation des herbiers",
            "la digitalización de herbarios",
        ),
        ("taxonomic training", "la formation en taxonomie", "la formación en taxonomía"),
    ],
    "monitoring_data": [
        (
            "biodiversity indicators",
            "les indicateurs de biodiversité",
            "los indicadores de biodiversidad",
        ),
        (
            "species occurrence data publishing",
            "la publication des données d'occurrence d'espèces",
            "la publicación de datos de presencia de especies",
        ),
        (
            "national biodiversity information systems",
            "les systèmes nationaux d'information sur la biodiversité",
            "los sistemas nacionales de información sobre biodiversidad",
        ),
    ],
    "mainstreaming": [
        (
            "biodiversity mainstreaming in agriculture",
            "l'intégration de la biodiversité dans l'agriculture",
            "la integración de la biodiversidad en la agricultura",
        ),
        (
            "environmental impact assessment",
            "l'évaluation des impacts sur l'environnement",
            "la evaluación del impacto ambiental",
        ),
        (
            "business biodiversity disclosure",
            "la publication d'informations des entreprises sur la biodiversité",
            "la divulgación empresarial sobre biodiversidad",
        ),
    ],
    "finance": [
        (
            "biodiversity finance plans",
            "les plans de financement de la biodiversité",
            "los planes de financiación de la biodiversidad",
        ),
        (
            "payments for ecosystem services",
            "les paiements pour services écosystémiques",
            "los pagos por servicios ecosistémicos",
        ),
        (
            "GEF project proposals",
            "les propositions de projets au FEM",
            "las propuestas de proyectos al FMAM",
        ),
    ],
    "planning_reporting": [
        ("NBSAP updating", "la mise à jour de la SPANB", "la actualización de la EPANB"),
        (
            "national reporting to the CBD",
            "l'établissement des rapports nationaux à la CDB",
            "la presentación de informes nacionales al CDB",
        ),
        (
            "national targets aligned with the GBF",
            "les cibles nationales alignées sur le CMB",
            "las metas nacionales alineadas con el MMB",
        ),
    ],
    "cepa": [
        (
            "biodiversity education in schools",
            "l'éducation à la biodiversité dans les écoles",
            "la educación sobre biodiversidad en las escuelas",
        ),
        (
            "public awareness campaigns",
            "les campagnes de sensibilisation du public",
            "las campañas de concienciación pública",
        ),
        ("citizen science", "la science citoyenne", "la ciencia ciudadana"),
    ],
    "health": [
        ("One Health surveillance", "la surveillance Une seule santé", "la vigilancia Una Salud"),
        ("zoonotic disease risk", "le risque de zoonoses", "el riesgo de enfermedades zoonóticas"),
        ("medicinal plants", "les plantes médicinales", "las plantas medicinales"),
    ],
    "gender": [
        (
            "women's participation in conservation",
            "la participation des femmes à la conservation",
            "la participación de las mujeres en la conservación",
        ),
        (
            "youth biodiversity networks",
            "les réseaux de jeunes pour la biodiversité",
            "las redes juveniles por la biodiversidad",
        ),
        (
            "gender-responsive biodiversity planning",
            "la planification de la biodiversité sensible au genre",
            "la planificación de la biodiversidad con perspectiva de género",
        ),
    ],
}

# The GBF targets (numbers) a thematic area mostly serves.
AREA_TARGETS: dict[str, tuple[int, ...]] = {
    "protected_areas": (3, 1),
    "restoration": (2, 11),
    "spatial_planning": (1, 14),
    "species_conservation": (4,),
    "invasive_species": (6,),
    "biosafety": (17,),
    "abs": (13,),
    "traditional_knowledge": (22, 13),
    "sustainable_use": (9, 5),
    "wildlife_trade": (5, 4),
    "migratory_species": (4, 3),
    "agrobiodiversity": (10, 4),
    "forests": (10, 2),
    "marine_coastal": (3, 10),
    "inland_waters": (2, 11),
    "islands": (6, 4),
    "drylands_mountains": (2, 1),
    "urban": (12,),
    "climate_change": (8,),
    "pollution": (7,),
    "taxonomy": (21, 20),
    "monitoring_data": (21,),
    "mainstreaming": (14, 15),
    "finance": (19, 18),
    "planning_reporting": (14, 21),
    "cepa": (16, 21),
    "health": (11, 4),
    "gender": (23, 22),
}

# Who capacity-building is for, in the plural (same meaning at the same index).
AUDIENCES = {
    "en": [
        "government officials",
        "park rangers",
        "researchers",
        "community leaders",
        "customs officers",
        "teachers",
        "local authorities",
        "young professionals",
    ],
    "fr": [
        "agents de l'État",
        "écogardes",
        "chercheurs",
        "responsables communautaires",
        "agents des douanes",
        "enseignants",
        "élus locaux",
        "jeunes professionnels",
    ],
    "es": [
        "funcionarios públicos",
        "guardaparques",
        "investigadores",
        "líderes comunitarios",
        "agentes de aduanas",
        "docentes",
        "autoridades locales",
        "jóvenes profesionales",
    ],
}

_CONTRACTIONS = {
    "fr": [
        (r"\bà le\b", "au"),
        (r"\bà les\b", "aux"),
        (r"\bde le\b", "du"),
        (r"\bde les\b", "des"),
    ],
    "es": [(r"\ba el\b", "al"), (r"\bde el\b", "del")],
}
_CONTRACTION_PATTERNS = {
    language: [(re.compile(pattern), replacement) for pattern, replacement in pairs]
    for language, pairs in _CONTRACTIONS.items()
}


def contract(language: str, text: str) -> str:
    """French and Spanish contractions after a topic with its article: "à le suivi" → "au
    suivi", "de el control" → "del control"."""
    for pattern, replacement in _CONTRACTION_PATTERNS.get(language, ()):
        text = pattern.sub(replacement, text)
    return text


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- The reference data ---------------------------------------------------------------------------
@dataclass
class Party:
    id: int
    code: str
    names: dict[str, str]
    region_id: int | None
    weight: float


@dataclass
class Term:
    id: int
    code: str
    names: dict[str, str]


@dataclass
class Terms:
    """The reference data the generators draw from (ids, codes, names in three languages)."""

    parties: list[Party]
    country_ids: list[int]
    targets: dict[int, int]  # number -> id
    areas: list[Term]
    support_types: list[Term]
    capacity_levels: list[Term]
    priorities: list[Term]
    beneficiary_types: list[Term]
    organisation_types: list[Term]
    resource_types: list[Term]
    event_types: list[Term]
    opportunity_types: list[Term]
    languages: dict[str, int]  # code -> id, the working languages in use
    regions: list[int]
    country_groups: list[int]
    _area_by_code: dict[str, Term] = field(default_factory=dict)
    _cumulative: list[float] = field(default_factory=list)

    def area(self, code: str) -> Term:
        if not self._area_by_code:
            self._area_by_code = {term.code: term for term in self.areas}
        return self._area_by_code[code]

    def party(self, rng: random.Random) -> Party:
        """A Party, the larger and more active ones more often."""
        if not self._cumulative:
            self._cumulative = list(itertools.accumulate(p.weight for p in self.parties))
        return rng.choices(self.parties, cum_weights=self._cumulative)[0]


def _terms(model, name_field: str = "name") -> list[Term]:
    return [
        Term(
            id=row["id"],
            code=row["code"],
            names={
                language: row[f"{name_field}_{language}"] or row[name_field]
                for language in LANGUAGES
            },
        )
        for row in model.objects.order_by("pk").values(
            "id", "code", name_field, *(f"{name_field}_{language}" for language in LANGUAGES)
        )
    ]


def load_terms(seed: int = 0) -> Terms:
    """The reference data, read once per generator (a few hundred rows)."""
    rng = random.Random(f"{seed}:parties")
    parties = []
    for row in (
        Country.objects.filter(is_cbd_party=True)
        .order_by("code")
        .values("id", "code", "name", "region_id", *(f"name_{language}" for language in LANGUAGES))
    ):
        # A long tail: a few Parties ask for much more support than most (Zipf-like weights).
        parties.append(
            Party(
                id=row["id"],
                code=row["code"],
                names={lang: row[f"name_{lang}"] or row["name"] for lang in LANGUAGES},
                region_id=row["region_id"],
                weight=0.0,
            )
        )
    order = list(range(len(parties)))
    rng.shuffle(order)
    for rank, index in enumerate(order, start=1):
        parties[index].weight = 1 / rank**0.6
    return Terms(
        parties=parties,
        country_ids=list(Country.objects.order_by("pk").values_list("pk", flat=True)),
        targets=dict(GBFTarget.objects.values_list("number", "pk")),
        areas=_terms(ThematicArea),
        support_types=_terms(SupportType),
        capacity_levels=_terms(CapacityLevel),
        priorities=_terms(Priority),
        beneficiary_types=_terms(BeneficiaryType),
        organisation_types=_terms(OrganisationType),
        resource_types=_terms(ResourceType),
        event_types=_terms(EventType),
        opportunity_types=_terms(OpportunityType),
        languages=dict(Language.objects.filter(is_active=True).values_list("code", "pk")),
        regions=list(Region.objects.order_by("pk").values_list("pk", flat=True)),
        country_groups=list(CountryGroup.objects.order_by("pk").values_list("pk", flat=True)),
    )


# --- Texts ----------------------------------------------------------------------------------------
Templates = Mapping[str, Sequence[str]]  # language -> templates, same meaning at the same index


@dataclass
class Wording:
    """What one record's texts speak of, in every language: its topics, audience, support,
    country, target and a number. ``render`` writes a template in any language from it, so the
    translations of a record say the same thing."""

    topics: list[tuple[str, str, str]]
    audience: int
    support: dict[str, str]
    country: dict[str, str]
    target: int
    number: int
    year: int

    @classmethod
    def draw(
        cls,
        rng: random.Random,
        terms: Terms,
        area_codes: Sequence[str],
        *,
        support: Term | None = None,
        party: Party | None = None,
        target: int | None = None,
        year: int = 2025,
    ) -> Wording:
        pool = [topic for code in area_codes for topic in TOPICS.get(code, ())]
        pool = pool or [topic for topics in TOPICS.values() for topic in topics]
        topics = rng.sample(pool, min(3, len(pool)))
        while len(topics) < 3:
            topics.append(rng.choice(pool))
        support = support or rng.choice(terms.support_types)
        return cls(
            topics=topics,
            audience=rng.randrange(len(AUDIENCES["en"])),
            support={
                lang: support.names[lang][:1].lower() + support.names[lang][1:]
                for lang in LANGUAGES
            },
            country=party.names if party else dict.fromkeys(LANGUAGES, ""),
            target=target or AREA_TARGETS.get(area_codes[0] if area_codes else "", (20,))[0],
            number=rng.choice((12, 15, 20, 25, 30, 40, 50, 60, 80, 120)),
            year=year,
        )

    def values(self, language: str) -> dict[str, object]:
        index = LANGUAGES.index(language)
        return {
            "topic": self.topics[0][index],
            "topic2": self.topics[1][index],
            "topic3": self.topics[2][index],
            "Topic": capitalised(self.topics[0][index]),
            "audience": AUDIENCES[language][self.audience],
            "support": self.support[language],
            "Support": capitalised(self.support[language]),
            "country": self.country[language],
            "target": self.target,
            "n": self.number,
            "year": self.year,
        }

    def render(self, templates: Templates, indices: Sequence[int], language: str, sep=" ") -> str:
        values = self.values(language)
        text = sep.join(templates[language][i].format(**values) for i in indices)
        return capitalised(contract(language, text))


def indices(rng: random.Random, templates: Templates, low: int, high: int) -> list[int]:
    """Which templates (by index) a text uses: between ``low`` and ``high`` of them, in order."""
    count = len(templates["en"])
    return sorted(rng.sample(range(count), min(count, rng.randint(low, high))))


def content_languages(rng: random.Random, weights: Mapping[str, float]) -> tuple[str, list[str]]:
    """The language a record is written in, and the languages it has text in: mostly one; about
    one record in six also has a translation (into English, or from English into French or
    Spanish), as partners add them."""
    original = rng.choices(list(weights), weights=list(weights.values()))[0]
    written = [original]
    if rng.random() < 0.17:
        written.append("en" if original != "en" else rng.choice(("fr", "es")))
    return original, written


def translated(name: str, texts: Mapping[str, str], original: str) -> dict[str, str | None]:
    """The columns of a translated field as modeltranslation stores them: the field's own column
    holds the text of the original language, ``<name>_<language>`` each translation given."""
    row: dict[str, str | None] = {name: texts[original]}
    for language, text in texts.items():
        row[f"{name}_{language}"] = text
    return row


# --- The generator --------------------------------------------------------------------------------
def generate(ctx: ScaleContext) -> None:
    """The Parties and vocabularies come with the migrations: check them, write nothing."""
    parties = Country.objects.filter(is_cbd_party=True).count()
    if parties != EXPECTED_PARTIES:
        raise CommandError(
            f"Expected the {EXPECTED_PARTIES} Parties of the reference data, found {parties}: "
            "run the migrations first."
        )
    missing = sorted(set(TOPICS) - set(ThematicArea.objects.values_list("code", flat=True)))
    if missing:
        raise CommandError(f"Thematic areas missing from the reference data: {missing}")
    ctx.step("Parties (from the migrations)", parties)
