"""Demo requests for assistance and capacity assessments. Idempotent.

Requests are written as focal points write them, in English, French or Spanish, for fourteen
Parties, and taken through the workflow by the services, so that their history, messages and
timestamps look like the real thing: Kenya's and Brazil's demo focal points write their own; for
the other Parties the demo help desk writes them on the country's behalf (recorded as expressed
with help-desk assistance). Every status occurs. A request is identified by
``(source="demo", external_id)`` and left alone once it exists.

Dates are moved into the past afterwards (``.update()``), events spread between ``age`` and
``last`` days ago, so that the overdue flag and the registry's ordering have something to show.
Demo events count as already notified: seeding sends no email about made-up history.
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import Country, GBFTarget, Priority

from . import services
from .models import Assessment, AssessmentEntry, Need, NeedEvent, NeedMessage
from .workflow import TRANSITIONS

SOURCE = "demo"
A = NeedEvent.Action

# Steps after creation: "submit", "assign" (to the demo help desk: starts triage), "triage",
# ("clarify", question), ("answer", answer), "publish", ("match", note), ("start", note),
# ("fulfil", note), ("reject", reason), ("duplicate", external id of the original),
# ("withdraw", reason).
DEMO_NEEDS = [
    {
        "key": "DEMO-KE-01",
        "country": "KE",
        "by": "focal.kenya",
        "language": "en",
        "title": "Training county wildlife officers to monitor waterbirds at the Rift Valley lakes",
        "problem_statement": (
            "Lakes Nakuru, Elmenteita and Bogoria host over a million lesser flamingos, but the "
            "January waterbird census now depends on three retiring ornithologists. County "
            "wildlife officers cannot identify most migratory waders and the counts since 2022 "
            "have gaps that make the national indicator for Target 4 unreliable."
        ),
        "objectives": (
            "Train 40 county officers and community scouts to run the census on their own, "
            "using the African Waterbird Census protocol, and report the data to the national "
            "biodiversity information system."
        ),
        "expected_outputs": (
            "Two five-day field courses; a Kiswahili identification guide for 120 species; 40 "
            "certified counters; the 2027 census run without external support."
        ),
        "outcomes_and_indicators": (
            "Census coverage of all 14 Rift Valley sites (currently 8); data submitted within "
            "two months of the count."
        ),
        "requesting_organisation": "Kenya Wildlife Service, Biodiversity Research and Monitoring",
        "contact_name": "Amani Otieno",
        "contact_email": "amani.otieno@kws.example",
        "application_level": Need.ApplicationLevel.SUBNATIONAL,
        "targets": [4, 21],
        "thematic_areas": ["species_conservation", "inland_waters", "monitoring_data"],
        "support": {
            "training": "Two field courses at Lake Nakuru with an experienced census trainer.",
            "equipment": "Ten spotting scopes and tripods for the county teams.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["en", "sw"],
        "beneficiary_types": ["government_staff", "local_communities", "youth"],
        "budget": ("38000", "USD"),
        "dates": (date(2027, 1, 10), date(2027, 6, 30)),
        "steps": ["submit", "assign", "publish"],
        "age": 75,
        "last": 52,
    },
    {
        "key": "DEMO-KE-02",
        "country": "KE",
        "by": "focal.kenya.chm",
        "language": "en",
        "title": "Controlling Prosopis juliflora invasion in the Baringo rangelands",
        "problem_statement": (
            "Prosopis juliflora, introduced in the 1980s to stabilise soils, now covers more than "
            "25,000 hectares of grazing land around Lake Baringo and blocks access to water for "
            "pastoralist communities. County staff have no management plan and no experience of "
            "combining mechanical clearing with utilisation (charcoal, pods as fodder)."
        ),
        "objectives": (
            "Build the capacity of Baringo County and two community conservancies to plan and "
            "carry out Prosopis management, and restore cleared land with native grasses."
        ),
        "expected_outputs": (
            "A county Prosopis management plan; 30 staff and conservancy rangers trained; 500 ha "
            "cleared and reseeded as demonstration plots."
        ),
        "requesting_organisation": "Baringo County Department of Environment",
        "contact_name": "Baraka Mwangi",
        "contact_email": "baraka.mwangi@environment.example",
        "application_level": Need.ApplicationLevel.SUBNATIONAL,
        "targets": [6, 2],
        "thematic_areas": ["invasive_species", "restoration", "drylands_mountains"],
        "support": {
            "technical_advice": "An invasive species expert to help draft the management plan.",
            "exchange_mentoring": "A study visit to the Afar region, which runs such a programme.",
        },
        "capacity_levels": ["organizational", "systemic"],
        "working_languages": ["en", "sw"],
        "beneficiary_types": ["local_communities", "farmers_fishers", "women"],
        "budget": ("120000", "USD"),
        "dates": (date(2026, 9, 1), date(2027, 12, 31)),
        "steps": [
            "submit",
            "triage",
            "publish",
            (
                "match",
                "Matched with the Biodiversity Capacity Network's invasive species mentoring.",
            ),
            ("start", "Inception workshop held in Kabarnet."),
        ],
        "age": 240,
        "last": 40,
    },
    {
        "key": "DEMO-KE-03",
        "country": "KE",
        "by": "focal.kenya",
        "language": "en",
        "title": "Digitising the specimen records of the East African Herbarium",
        "problem_statement": (
            "About 700,000 plant specimens are recorded on paper labels only. Researchers and "
            "county planners cannot query where threatened species were collected."
        ),
        "objectives": "Digitise and georeference 100,000 priority specimens and publish them.",
        "expected_outputs": "",
        "requesting_organisation": "National Museums of Kenya, East African Herbarium",
        "contact_name": "Amani Otieno",
        "contact_email": "amani.otieno@kws.example",
        "targets": [21],
        "thematic_areas": ["taxonomy", "monitoring_data"],
        "support": {"data_information": "Advice on a digitisation workflow and GBIF publishing."},
        "capacity_levels": ["organizational"],
        "working_languages": ["en"],
        "steps": [],
        "age": 6,
        "last": 6,
    },
    {
        "key": "DEMO-KE-04",
        "country": "KE",
        "by": "focal.kenya.chm",
        "language": "en",
        "title": "Processing access and benefit-sharing permits within the legal time limits",
        "problem_statement": (
            "Applications for access to genetic resources take on average 14 months, against "
            "the 90 days set by the regulations; three research partnerships were abandoned in "
            "2025. Permit officers handle mutually agreed terms without legal support."
        ),
        "objectives": (
            "Train permit officers and the legal unit to negotiate and check mutually agreed "
            "terms, and set up an electronic permit register linked to the ABS Clearing-House."
        ),
        "expected_outputs": (
            "Model clauses; 12 officers trained; an electronic register; permits issued in under "
            "90 days."
        ),
        "requesting_organisation": "National Environment Management Authority",
        "contact_name": "Baraka Mwangi",
        "contact_email": "baraka.mwangi@environment.example",
        "targets": [13],
        "thematic_areas": ["abs", "traditional_knowledge"],
        "support": {
            "policy_legal": "Review of the draft model clauses by an ABS lawyer.",
            "training": "Negotiation training for permit officers.",
        },
        "capacity_levels": ["individual", "systemic"],
        "working_languages": ["en"],
        "visibility": Need.Visibility.RESTRICTED,
        "budget": ("45000", "USD"),
        "steps": ["submit", "assign", "publish"],
        "age": 50,
        "last": 35,
    },
    {
        "key": "DEMO-BR-01",
        "country": "BR",
        "by": "focal.brazil",
        "language": "en",
        "title": "Near-real-time deforestation alerts for state agencies in the Cerrado",
        "problem_statement": (
            "Satellite alerts for the Cerrado reach federal agencies within days, but the state "
            "agencies of Tocantins, Maranhão and Piauí lack the staff and skills to verify them "
            "and open enforcement cases before the land is burnt and fenced."
        ),
        "objectives": (
            "Train analysts of three state agencies to validate alerts, prioritise them and "
            "prepare field inspections, and share a common alert-validation protocol."
        ),
        "expected_outputs": (
            "A validation protocol in Portuguese; 45 analysts trained; monthly validated alert "
            "reports from the three states."
        ),
        "requesting_organisation": "Ministry of the Environment and Climate Change",
        "contact_name": "Beatriz Souza",
        "contact_email": "beatriz.souza@mma.example",
        "targets": [1, 21],
        "thematic_areas": ["forests", "spatial_planning", "monitoring_data"],
        "support": {
            "technology_transfer": "Access to an alert-validation platform and its training.",
            "scientific_cooperation": "Joint work with a remote-sensing research group.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["pt", "es", "en"],
        "beneficiary_types": ["government_staff", "researchers"],
        "budget": ("210000", "USD"),
        "dates": (date(2026, 10, 1), date(2028, 3, 31)),
        "steps": [
            "submit",
            "triage",
            "publish",
            ("match", "Matched with a remote-sensing partner; agreement being signed."),
        ],
        "age": 130,
        "last": 12,
    },
    {
        "key": "DEMO-BR-02",
        "country": "BR",
        "by": "focal.brazil",
        "language": "es",
        "title": "Redes de semillas nativas para restaurar bosques ribereños en la Mata Atlántica",
        "problem_statement": (
            "Los programas de restauración de la Mata Atlántica necesitan 40 toneladas anuales "
            "de semillas de especies nativas, pero las redes comunitarias de recolectores no "
            "saben certificar la calidad ni la procedencia de las semillas exigidas por la ley."
        ),
        "objectives": (
            "Fortalecer cinco redes de recolectores de semillas para que produzcan semillas "
            "certificadas y las vendan a los programas públicos de restauración."
        ),
        "expected_outputs": (
            "Protocolos de recolección y almacenamiento; 150 recolectores capacitados; "
            "un laboratorio comunitario de análisis de semillas."
        ),
        "requesting_organisation": "Ministerio de Medio Ambiente y Cambio Climático",
        "contact_name": "Beatriz Souza",
        "contact_email": "beatriz.souza@mma.example",
        "targets": [2, 22],
        "thematic_areas": ["restoration", "forests"],
        "support": {
            "training": "Cursos de recolección y análisis de semillas para los recolectores.",
            "equipment": "Equipos para un laboratorio comunitario de análisis.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["pt", "es"],
        "beneficiary_types": ["local_communities", "women", "iplc"],
        "steps": [
            "submit",
            (
                "clarify",
                "¿Podrían indicar en qué estados trabajan las cinco redes y si ya cuentan con "
                "algún apoyo del programa nacional de restauración?",
            ),
        ],
        "age": 21,
        "last": 9,
    },
    {
        "key": "DEMO-SN-01",
        "country": "SN",
        "by": "helpdesk",
        "language": "fr",
        "title": (
            "Lutte contre les plantes aquatiques envahissantes dans le delta du fleuve Sénégal"
        ),
        "problem_statement": (
            "Depuis la mise en service des barrages de Diama et Manantali, le typha (Typha "
            "domingensis) et la salvinie géante (Salvinia molesta) envahissent les chenaux du "
            "delta. Ils bloquent la navigation des pirogues, réduisent les zones de pêche et "
            "favorisent les maladies hydriques. Les agents des parcs du Djoudj et de la Langue de "
            "Barbarie ne disposent d'aucun protocole de suivi ni de méthode de lutte adaptée."
        ),
        "objectives": (
            "Former les agents des parcs et les comités villageois à la détection précoce, au "
            "suivi et à la lutte mécanique et biologique contre les plantes aquatiques "
            "envahissantes, et valoriser le typha récolté (charbon, matériau de construction)."
        ),
        "expected_outputs": (
            "Un protocole de suivi partagé avec la Mauritanie ; 60 agents et membres de comités "
            "formés ; une carte annuelle des surfaces envahies ; deux unités pilotes de "
            "valorisation du typha."
        ),
        "outcomes_and_indicators": (
            "Surface de chenaux dégagés ; nombre de villages disposant d'un comité de veille."
        ),
        "requesting_organisation": "Direction des parcs nationaux du Sénégal",
        "contact_name": "Moussa Diop",
        "contact_email": "moussa.diop@environnement-senegal.example",
        "application_level": Need.ApplicationLevel.REGIONAL,
        "other_countries": ["MR"],
        "targets": [6, 11],
        "thematic_areas": ["invasive_species", "inland_waters"],
        "support": {
            "training": "Formation des agents et des comités villageois à la détection précoce.",
            "scientific_cooperation": "Essais de lutte biologique contre la salvinie (charançon).",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["fr"],
        "beneficiary_types": ["farmers_fishers", "local_communities", "government_staff"],
        "budget": ("95000", "EUR"),
        "dates": (date(2027, 1, 1), date(2028, 6, 30)),
        "steps": ["submit", "assign", "publish"],
        "age": 95,
        "last": 70,
    },
    {
        "key": "DEMO-SN-02",
        "country": "SN",
        "by": "helpdesk",
        "language": "fr",
        "title": "Appui à la gestion du typha autour du lac de Guiers",
        "problem_statement": (
            "Le typha envahit les berges du lac de Guiers et du delta ; les pêcheurs n'ont plus "
            "accès à leurs zones de pêche. Nous demandons un appui pour former les agents à la "
            "lutte contre cette plante."
        ),
        "objectives": "Former les agents des eaux et forêts à la gestion du typha.",
        "requesting_organisation": "Direction des eaux, forêts, chasses et conservation des sols",
        "contact_name": "Awa Ndiaye",
        "contact_email": "awa.ndiaye@environnement-senegal.example",
        "targets": [6],
        "thematic_areas": ["invasive_species", "inland_waters"],
        "support": {"training": "Formation à la gestion du typha."},
        "capacity_levels": ["individual"],
        "working_languages": ["fr"],
        "steps": ["submit", ("duplicate", "DEMO-SN-01")],
        "age": 60,
        "last": 55,
    },
    {
        "key": "DEMO-FJ-01",
        "country": "FJ",
        "by": "helpdesk",
        "language": "en",
        "title": "Coral reef health monitoring for Fiji's locally managed marine areas",
        "problem_statement": (
            "Fiji has more than 400 locally managed marine areas, but reef health is surveyed "
            "in fewer than 30 of them, mostly by visiting researchers. After the 2024 bleaching "
            "event, communities and the Ministry of Fisheries had no data to decide which tabu "
            "areas to open or close."
        ),
        "objectives": (
            "Set up community-based reef monitoring in 40 marine areas, with a simple protocol "
            "(benthic cover, bleaching, key fish species) and a national database."
        ),
        "expected_outputs": (
            "A monitoring protocol and field guide in English and iTaukei; 80 community monitors "
            "trained and equipped; a national reef monitoring database; an annual reef report."
        ),
        "requesting_organisation": "Ministry of Environment and Climate Change, Fiji",
        "contact_name": "Mere Tuilagi",
        "contact_email": "mere.tuilagi@environment-fiji.example",
        "targets": [3, 8, 21],
        "thematic_areas": ["marine_coastal", "islands", "monitoring_data", "climate_change"],
        "support": {
            "training": "Training of trainers in reef survey methods (snorkel and SCUBA).",
            "equipment": "Underwater slates, quadrats, cameras and two boat engines.",
            "data_information": "Design of the national reef monitoring database.",
        },
        "capacity_levels": ["individual", "organizational", "systemic"],
        "working_languages": ["en"],
        "beneficiary_types": ["local_communities", "youth", "farmers_fishers"],
        "budget": ("150000", "USD"),
        "dates": (date(2026, 11, 1), date(2028, 10, 31)),
        "steps": ["submit", "triage", "publish"],
        "age": 160,
        "last": 120,
    },
    {
        "key": "DEMO-VN-01",
        "country": "VN",
        "by": "helpdesk",
        "language": "en",
        "title": "Species identification training for customs officers at border posts",
        "problem_statement": (
            "Customs officers at the northern border crossings and the Hai Phong port seize "
            "pangolin scales, turtle shells and timber, but often cannot tell CITES-listed "
            "species from look-alikes, so cases are dropped for lack of evidence."
        ),
        "objectives": (
            "Train 120 customs and forest protection officers in species identification and in "
            "collecting evidence that holds in court."
        ),
        "expected_outputs": (
            "Identification manuals in Vietnamese; 120 officers trained; a DNA sampling kit at "
            "each of five border posts."
        ),
        "requesting_organisation": "Biodiversity Conservation Agency, Viet Nam",
        "contact_name": "Nguyen Thi Lan",
        "contact_email": "lan.nguyen@bca-vietnam.example",
        "targets": [5, 9],
        "thematic_areas": ["wildlife_trade", "species_conservation"],
        "support": {
            "training": "Identification courses with forensic specialists.",
            "technology_transfer": "Field DNA sampling kits and protocols.",
        },
        "capacity_levels": ["individual"],
        "working_languages": ["en"],
        "beneficiary_types": ["government_staff"],
        "budget": ("60000", "USD"),
        # Waiting in triage past the help desk's commitment: shows as overdue.
        "steps": ["submit", "assign"],
        "age": 26,
        "last": 19,
    },
    {
        "key": "DEMO-PE-01",
        "country": "PE",
        "by": "helpdesk",
        "language": "es",
        "title": "Restauración de manglares en el Santuario Nacional Los Manglares de Tumbes",
        "problem_statement": (
            "La expansión de las langostineras y la tala para leña han reducido los manglares "
            "de Tumbes en un 20 % desde 1985. Las asociaciones de extractores de conchas negras y "
            "cangrejos ven disminuir sus capturas, y el personal del santuario no tiene "
            "experiencia en restauración hidrológica de manglares."
        ),
        "objectives": (
            "Capacitar al personal del santuario y a las asociaciones locales en la restauración "
            "ecológica de manglares (rehabilitación de canales, reforestación) y en su monitoreo."
        ),
        "expected_outputs": (
            "Un plan de restauración de 300 ha; 50 guardaparques y extractores capacitados; un "
            "vivero comunitario de mangle rojo; un protocolo de monitoreo."
        ),
        "requesting_organisation": "Servicio Nacional de Áreas Naturales Protegidas por el Estado",
        "contact_name": "Rosa Quispe",
        "contact_email": "rosa.quispe@sernanp.example",
        "targets": [2, 3, 10],
        "thematic_areas": ["marine_coastal", "restoration", "protected_areas"],
        "support": {
            "technical_advice": "Asesoría en restauración hidrológica de manglares.",
            "training": "Cursos prácticos para guardaparques y extractores.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["es"],
        "beneficiary_types": ["local_communities", "farmers_fishers", "women"],
        "budget": ("80000", "USD"),
        "dates": (date(2027, 3, 1), date(2028, 12, 31)),
        "steps": ["submit", "assign", "publish"],
        "age": 40,
        "last": 25,
    },
    {
        "key": "DEMO-PE-02",
        "country": "PE",
        "by": "helpdesk",
        "language": "es",
        "title": "Monitoreo de poblaciones de vicuña y guanaco en las comunidades altoandinas",
        "problem_statement": (
            "Las comunidades campesinas que manejan la vicuña en Ayacucho y Puno realizan el "
            "chaccu sin datos fiables de población, lo que pone en riesgo la sostenibilidad del "
            "aprovechamiento de la fibra."
        ),
        "objectives": "Formar a técnicos comunales en métodos de censo y en registro de datos.",
        "expected_outputs": "Un manual de censo; 40 técnicos comunales formados; censos anuales.",
        "requesting_organisation": "Servicio Nacional Forestal y de Fauna Silvestre",
        "contact_name": "Jorge Mamani",
        "contact_email": "jorge.mamani@serfor.example",
        "targets": [4, 9],
        "thematic_areas": ["sustainable_use", "species_conservation", "drylands_mountains"],
        "support": {"training": "Talleres de censo en campo en Ayacucho y Puno."},
        "capacity_levels": ["individual"],
        "working_languages": ["es"],
        "beneficiary_types": ["local_communities", "iplc"],
        "budget": ("25000", "USD"),
        "steps": [
            "submit",
            "triage",
            "publish",
            ("match", "Matched with the Andean Conservation Fund's small grants."),
            ("start", "First training held in Lucanas."),
            ("fulfil", "Census manual published; 42 community technicians trained."),
        ],
        "age": 420,
        "last": 30,
    },
    {
        "key": "DEMO-MA-01",
        "country": "MA",
        "by": "helpdesk",
        "language": "fr",
        "title": "Inventaire et cartographie de l'arganeraie de la Réserve de biosphère",
        "problem_statement": (
            "La densité de l'arganeraie a diminué de moitié en un siècle. Les gestionnaires de "
            "la Réserve de biosphère de l'arganeraie ne disposent pas d'une cartographie à jour "
            "ni de compétences en télédétection pour suivre la régénération."
        ),
        "objectives": (
            "Former les ingénieurs forestiers à la cartographie par télédétection et établir "
            "l'état de référence de l'arganeraie."
        ),
        "expected_outputs": (
            "Une carte de référence ; 20 ingénieurs formés ; un protocole de suivi."
        ),
        "requesting_organisation": "Agence nationale des eaux et forêts",
        "contact_name": "Youssef El Amrani",
        "contact_email": "y.elamrani@eauxetforets.example",
        "targets": [1, 10],
        "thematic_areas": ["forests", "drylands_mountains", "monitoring_data"],
        "support": {
            "training": "Formation à la télédétection et aux SIG.",
            "data_information": "Accès à des images satellitaires à haute résolution.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["fr", "ar"],
        "beneficiary_types": ["government_staff", "women"],
        "budget": ("55000", "EUR"),
        # Submitted long ago and not yet looked at: shows as overdue.
        "steps": ["submit"],
        "age": 24,
        "last": 22,
    },
    {
        "key": "DEMO-BD-01",
        "country": "BD",
        "by": "helpdesk",
        "language": "en",
        "title": "Community monitoring of fishing cats and otters in the Sundarbans",
        "problem_statement": (
            "Fishing cats and smooth-coated otters are declining in the Sundarbans, but the "
            "Forest Department has no population data. Fishing communities see them daily and "
            "are willing to take part in monitoring."
        ),
        "objectives": "Train forest staff and community members in camera trapping and reporting.",
        "expected_outputs": "Camera-trap surveys in four ranges; 30 community monitors trained.",
        "requesting_organisation": "Bangladesh Forest Department, Wildlife Circle",
        "contact_name": "Farhana Rahman",
        "contact_email": "farhana.rahman@bforest.example",
        "targets": [4, 22],
        "thematic_areas": ["species_conservation", "marine_coastal", "forests"],
        "support": {
            "training": "Camera-trap survey design and data analysis.",
            "equipment": "Forty camera traps.",
        },
        "capacity_levels": ["individual"],
        "working_languages": ["en"],
        "beneficiary_types": ["local_communities", "farmers_fishers"],
        "budget": ("42000", "USD"),
        "steps": ["submit"],
        "age": 3,
        "last": 2,
    },
    {
        "key": "DEMO-HT-01",
        "country": "HT",
        "by": "helpdesk",
        "language": "fr",
        "title": "Restauration des bassins versants du Parc national Macaya par l'agroforesterie",
        "problem_statement": (
            "Le Parc national Macaya, dans le massif de la Hotte, a perdu plus de la moitié de sa "
            "forêt en vingt ans. Les agents du parc et les organisations paysannes ne maîtrisent "
            "pas les techniques d'agroforesterie qui permettraient de réduire la pression sur la "
            "forêt tout en améliorant les revenus."
        ),
        "objectives": (
            "Former les agents du parc et 20 organisations paysannes à l'agroforesterie et à la "
            "restauration des bassins versants."
        ),
        "expected_outputs": (
            "20 parcelles de démonstration ; 200 paysans formés ; un plan de restauration."
        ),
        "requesting_organisation": "Agence nationale des aires protégées",
        "contact_name": "Jean-Robert Pierre",
        "contact_email": "jr.pierre@anap-haiti.example",
        "targets": [2, 3, 10],
        "thematic_areas": ["restoration", "protected_areas", "agrobiodiversity"],
        "support": {
            "training": "Écoles paysannes d'agroforesterie.",
            "technical_advice": "Appui à l'élaboration du plan de restauration.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["fr"],
        "beneficiary_types": ["farmers_fishers", "women", "youth"],
        "budget": ("70000", "USD"),
        "steps": ["submit", "assign", "publish"],
        "age": 33,
        "last": 18,
    },
    {
        "key": "DEMO-GE-01",
        "country": "GE",
        "by": "helpdesk",
        "language": "en",
        "title": "Detecting living modified organisms in imported grain",
        "problem_statement": (
            "Georgia's biosafety law requires checking imported maize and soy for living "
            "modified organisms, but the national laboratory has no validated detection methods."
        ),
        "objectives": "Validate PCR detection methods and train laboratory staff.",
        "expected_outputs": "Five validated methods; eight analysts trained; ISO 17025 scope.",
        "requesting_organisation": "Ministry of Environmental Protection and Agriculture",
        "contact_name": "Nino Beridze",
        "contact_email": "nino.beridze@mepa.example",
        "targets": [17],
        "thematic_areas": ["biosafety"],
        "support": {"training": "Laboratory training in LMO detection."},
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["en", "ru"],
        "budget": ("30000", "EUR"),
        "steps": [
            "submit",
            "triage",
            "publish",
            ("withdraw", "The laboratory training is now funded by a bilateral programme."),
        ],
        "age": 110,
        "last": 60,
    },
    {
        "key": "DEMO-MG-01",
        "country": "MG",
        "by": "helpdesk",
        "language": "fr",
        "title": "Suivi des populations de lémuriens dans les aires protégées du corridor Est",
        "problem_statement": (
            "Les gestionnaires des aires protégées du corridor Ankeniheny-Zahamena n'ont pas de "
            "protocole commun de suivi des lémuriens ; les données des différents gestionnaires "
            "ne sont pas comparables."
        ),
        "objectives": "Harmoniser le suivi et former les agents de terrain.",
        "expected_outputs": (
            "Un protocole commun ; 50 agents formés ; une base de données partagée."
        ),
        "requesting_organisation": "Ministère de l'Environnement et du Développement durable",
        "contact_name": "Hery Rakotomalala",
        "contact_email": "hery.rakoto@medd.example",
        "targets": [4, 3],
        "thematic_areas": ["species_conservation", "protected_areas", "forests"],
        "support": {
            "training": "Formation des agents au protocole de suivi.",
            "data_information": "Conception d'une base de données partagée.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["fr", "en"],
        "beneficiary_types": ["government_staff", "local_communities"],
        "budget": ("48000", "USD"),
        "steps": ["submit", "triage", "publish"],
        "age": 14,
        "last": 5,
    },
    {
        "key": "DEMO-MG-02",
        "country": "MG",
        "by": "helpdesk",
        "language": "fr",
        "title": "Achat de véhicules de patrouille pour les aires protégées",
        "problem_statement": "Les aires protégées manquent de véhicules pour les patrouilles.",
        "objectives": "Acquérir dix véhicules tout-terrain.",
        "requesting_organisation": "Madagascar National Parks",
        "contact_name": "Hery Rakotomalala",
        "contact_email": "hery.rakoto@medd.example",
        "targets": [3],
        "thematic_areas": ["protected_areas"],
        "support": {"equipment": "Dix véhicules tout-terrain."},
        "capacity_levels": ["organizational"],
        "working_languages": ["fr"],
        "budget": ("400000", "USD"),
        "steps": [
            "submit",
            "triage",
            (
                "reject",
                "The request is for vehicles only, without a capacity-building or technical "
                "cooperation component. We suggest the GEF operational focal point; a request "
                "for training patrol teams would be welcome.",
            ),
        ],
        "age": 45,
        "last": 38,
    },
    {
        "key": "DEMO-PG-01",
        "country": "PG",
        "by": "helpdesk",
        "language": "en",
        "title": "Documenting traditional knowledge of medicinal plants with Sepik communities",
        "problem_statement": (
            "Elders of the Middle Sepik hold knowledge of more than 200 medicinal plants that is "
            "not passed on to the young. Researchers have approached the communities without "
            "prior informed consent, and the communities want to keep control of their knowledge."
        ),
        "objectives": (
            "Train community researchers to document knowledge in community-held registers, and "
            "to negotiate prior informed consent and mutually agreed terms."
        ),
        "expected_outputs": (
            "Community protocols in six villages; 24 community researchers trained."
        ),
        "requesting_organisation": "Sepik Wetlands Management Initiative",
        "requester_kind": Need.RequesterKind.IPLC,
        "contact_name": "Joseph Kambu",
        "contact_email": "joseph.kambu@sepikwetlands.example",
        "application_level": Need.ApplicationLevel.COMMUNITY,
        "targets": [13, 22],
        "thematic_areas": ["traditional_knowledge", "abs"],
        "support": {
            "training": "Training of community researchers.",
            "policy_legal": "Help drafting biocultural community protocols.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["en"],
        "beneficiary_types": ["iplc", "youth", "women"],
        "budget": ("35000", "USD"),
        "steps": ["submit", "triage"],
        "age": 5,
        "last": 3,
    },
    {
        "key": "DEMO-BT-01",
        "country": "BT",
        "by": "helpdesk",
        "language": "en",
        "title": "Managing snow leopard camera-trap data across protected areas",
        "problem_statement": (
            "Bhutan's national snow leopard survey produced 1.2 million camera-trap images that "
            "are still sorted by hand; park staff lack tools and skills to process them."
        ),
        "objectives": "Introduce automated image sorting and train park staff in data analysis.",
        "expected_outputs": "An image database; 15 staff trained; a population estimate update.",
        "requesting_organisation": "Department of Forests and Park Services",
        "contact_name": "Tshering Dorji",
        "contact_email": "tshering.dorji@dofps.example",
        "targets": [4, 21],
        "thematic_areas": ["species_conservation", "monitoring_data", "drylands_mountains"],
        "support": {
            "technology_transfer": "Image-recognition software and its installation.",
            "training": "Training in occupancy and density analysis.",
        },
        "capacity_levels": ["individual", "organizational"],
        "working_languages": ["en"],
        "beneficiary_types": ["government_staff", "researchers"],
        "budget": ("40000", "USD"),
        "steps": ["submit", "triage", "publish"],
        "age": 200,
        "last": 150,
    },
    {
        "key": "DEMO-CM-01",
        "country": "CM",
        "by": "helpdesk",
        "language": "fr",
        "title": "Identification des essences de bois pour le contrôle forestier",
        "problem_statement": (
            "Les agents du contrôle forestier aux postes de Kribi et Douala ne savent pas "
            "reconnaître les essences protégées sur les grumes, ce qui facilite l'exportation "
            "illégale de bois précieux."
        ),
        "objectives": "Former les agents à l'identification macroscopique des bois.",
        "expected_outputs": (
            "Un guide illustré ; 60 agents formés ; des loupes et des clés d'identification."
        ),
        "requesting_organisation": "Ministère des Forêts et de la Faune",
        "contact_name": "Esther Mbarga",
        "contact_email": "esther.mbarga@minfof.example",
        "targets": [5],
        "thematic_areas": ["wildlife_trade", "forests"],
        "support": {"training": "Formation à l'identification macroscopique des bois."},
        "capacity_levels": ["individual"],
        "working_languages": ["fr", "en"],
        "beneficiary_types": ["government_staff"],
        "budget": ("28000", "EUR"),
        "steps": [
            "submit",
            (
                "clarify",
                "Pourriez-vous préciser le nombre d'agents concernés par poste et si une "
                "formation similaire a déjà eu lieu ?",
            ),
            (
                "answer",
                "Trente agents à Kribi et trente à Douala ; aucune formation de ce type depuis "
                "2015.",
            ),
            "triage",
            "publish",
        ],
        "age": 70,
        "last": 45,
    },
]

# Kenya's assessment, every GBF target: (number, individual, organisational, systemic, priority,
# gap). Targets 6 and 21 are high priorities: 6 is asked for already (DEMO-KE-02); 21 is turned
# into a draft request by the assessment itself.
KENYA_CYCLE = 2025
KENYA_ASSESSMENT = [
    (1, 2, 2, 1, "medium", "County spatial plans seldom map areas of biodiversity importance."),
    (2, 1, 2, 2, "medium", "No national tracking of the hectares under restoration."),
    (3, 2, 2, 2, "medium", "Community conservancies lack management plans and trained rangers."),
    (4, 1, 1, 2, "medium", "Few specialists for species recovery plans outside large mammals."),
    (5, 2, 3, 3, "low", "Wildlife trade controls are strong; timber controls weaker."),
    (
        6,
        0,
        1,
        1,
        "high",
        "No early detection system for invasive species; Prosopis spreads in Baringo and Turkana.",
    ),
    (7, 2, 2, 1, "medium", "Pesticide and nutrient loads in Lake Naivasha are not monitored."),
    (8, 2, 1, 2, "low", "Climate adaptation plans mention ecosystems but seldom budget them."),
    (9, 2, 2, 3, "low", "Sustainable use is regulated; community benefit-sharing is uneven."),
    (10, 2, 2, 2, "medium", "Agroforestry extension reaches few smallholders."),
    (11, 2, 2, 2, "low", "Ecosystem services are not valued in county budgets."),
    (12, 2, 3, 2, "low", "Urban green space planning is limited to Nairobi."),
    (13, 1, 2, 3, "medium", "Permit officers lack skills to negotiate mutually agreed terms."),
    (14, 2, 2, 1, "medium", "Biodiversity is not yet part of sector budget guidelines."),
    (15, 1, 1, 2, "medium", "Companies do not report on biodiversity impacts."),
    (16, 3, 2, 2, "low", "Consumer awareness campaigns are small and irregular."),
    (17, 1, 2, 3, "low", "The biosafety authority has few trained inspectors."),
    (18, 2, 2, 1, "medium", "Harmful subsidies have not been identified."),
    (19, 1, 1, 2, "medium", "Resource mobilisation strategy not yet costed."),
    (20, 2, 1, 2, "medium", "Technical and scientific cooperation is ad hoc."),
    (
        21,
        0,
        1,
        0,
        "high",
        "Biodiversity data sit in separate agencies; there is no national information system "
        "and staff lack data management skills.",
    ),
    (22, 3, 2, 2, "low", "Participation of indigenous peoples is established in law."),
    (23, 3, 3, 2, "low", "Gender action plan adopted; monitoring of it is weak."),
]
# Brazil's assessment in progress: some targets scored, not yet submitted.
BRAZIL_CYCLE = 2026
BRAZIL_ASSESSMENT = [
    (1, 3, 2, 2, "medium", "Rural environmental registry covers most properties; checks are slow."),
    (2, 2, 2, 2, "high", "Seed supply for restoration is the main bottleneck."),
    (3, 3, 3, 2, "medium", ""),
    (6, 1, 2, 1, "medium", "Few states have invasive species programmes."),
    (13, 2, 2, 3, None, ""),
    (21, 2, 1, 1, "high", "State agencies cannot verify deforestation alerts in time."),
]


def _user(local_part: str) -> User:
    return User.objects.get(email__iexact=demo_email(local_part))


def _create(spec: dict, *, author: User) -> Need:
    fields = {
        name: spec[name]
        for name in (
            "language",
            "problem_statement",
            "objectives",
            "expected_outputs",
            "outcomes_and_indicators",
            "requesting_organisation",
            "requester_kind",
            "contact_name",
            "contact_email",
            "application_level",
            "visibility",
        )
        if name in spec
    }
    if "budget" in spec:
        amount, currency = spec["budget"]
        fields.update(estimated_budget=Decimal(amount), budget_currency=currency)
    if "dates" in spec:
        fields.update(desired_start=spec["dates"][0], desired_end=spec["dates"][1])
    return services.need_create(
        by=author,
        country=Country.objects.get(code=spec["country"]),
        title=spec["title"],
        fields=fields,
        related={
            "targets": [f"GBF-T{number}" for number in spec.get("targets", [])],
            "thematic_areas": spec.get("thematic_areas", []),
            "capacity_levels": spec.get("capacity_levels", []),
            "working_languages": spec.get("working_languages", []),
            "beneficiary_types": spec.get("beneficiary_types", []),
            "other_countries": spec.get("other_countries", []),
        },
        support=spec.get("support", {}),
        source=SOURCE,
        external_id=spec["key"],
    )


def _take_steps(need: Need, steps: list, *, author: User, helpdesk: User) -> None:
    for step in steps:
        action, text = (step, "") if isinstance(step, str) else step
        if action == "submit":
            services.need_submit(need=need, by=author)
        elif action == "assign":
            services.need_assign(need=need, assignee=helpdesk, by=helpdesk)
        elif action == "triage":
            services.need_start_triage(need=need, by=helpdesk)
        elif action == "clarify":
            services.need_request_clarification(need=need, by=helpdesk, message=text)
        elif action == "answer":
            services.need_answer_clarification(need=need, by=author, message=text)
        elif action == "publish":
            services.need_publish(need=need, by=helpdesk)
        elif action == "match":
            services.need_mark_matched(need=need, by=helpdesk, note=text)
        elif action == "start":
            services.need_start_work(need=need, by=helpdesk, note=text)
        elif action == "fulfil":
            services.need_fulfil(need=need, by=helpdesk, note=text)
        elif action == "reject":
            services.need_reject(need=need, by=helpdesk, reason=text)
        elif action == "withdraw":
            services.need_withdraw(need=need, by=author, reason=text)
        elif action == "duplicate":
            original = Need.objects.get(source=SOURCE, external_id=text)
            services.need_mark_duplicate(need=need, original=original, by=helpdesk)
        else:  # pragma: no cover - a typo in the table above
            raise ValueError(f"Unknown demo step {action!r}")


def _backdate(need: Need, *, age: int, last: int) -> None:
    """Spread the request's history evenly from ``age`` to ``last`` days ago."""
    now = timezone.now()
    events = list(need.events.order_by("pk"))
    first, final = now - timedelta(days=age), now - timedelta(days=last)
    step = (final - first) / max(len(events) - 1, 1)
    moments = {event.pk: first + step * index for index, event in enumerate(events)}
    for event in events:
        NeedEvent.objects.filter(pk=event.pk).update(
            created_at=moments[event.pk], notified_at=moments[event.pk]
        )

    def last_moment(*actions):
        matching = [moments[event.pk] for event in events if event.action in actions]
        return matching[-1] if matching else None

    submitted = [moments[event.pk] for event in events if event.action == A.SUBMITTED]
    status_changes = [moments[event.pk] for event in events if event.action in TRANSITIONS]
    Need.objects.filter(pk=need.pk).update(
        created_at=first,
        updated_at=final,
        submitted_at=submitted[0] if submitted else None,
        published_at=last_moment(A.PUBLISHED, A.REOPENED),
        status_changed_at=status_changes[-1] if status_changes else first,
    )
    # Messages at the moment of the question or answer they belong to.
    for from_helpdesk, action in (
        (True, A.CLARIFICATION_REQUESTED),
        (False, A.CLARIFICATION_ANSWERED),
    ):
        times = [moments[event.pk] for event in events if event.action == action]
        messages = need.messages.filter(from_helpdesk=from_helpdesk).order_by("pk")
        for message, moment in zip(messages, times, strict=False):
            NeedMessage.objects.filter(pk=message.pk).update(created_at=moment)


def _seed_needs(*, helpdesk: User) -> int:
    created = 0
    for spec in DEMO_NEEDS:
        if Need.objects.filter(source=SOURCE, external_id=spec["key"]).exists():
            continue
        author = _user(spec["by"])
        need = _create(spec, author=author)
        _take_steps(need, spec["steps"], author=author, helpdesk=helpdesk)
        _backdate(need, age=spec["age"], last=spec["last"])
        created += 1
    return created


def _seed_assessment(*, country_code: str, cycle: int, rows: list, by: User) -> Assessment:
    assessment = services.assessment_start(
        country=Country.objects.get(code=country_code), cycle=cycle, by=by
    )
    if not assessment.entries.exists():
        targets = {target.number: target for target in GBFTarget.objects.all()}
        priorities = {priority.code: priority for priority in Priority.objects.all()}
        for number, individual, organisational, systemic, priority, gap in rows:
            services.assessment_save_entry(
                assessment=assessment,
                by=by,
                target=targets[number],
                capacity_individual=individual,
                capacity_organisational=organisational,
                capacity_systemic=systemic,
                gap_description=gap,
                priority=priorities.get(priority),
            )
    return assessment


def _seed_assessments() -> int:
    kenya_focal_point = _user("focal.kenya")
    kenya = _seed_assessment(
        country_code="KE", cycle=KENYA_CYCLE, rows=KENYA_ASSESSMENT, by=kenya_focal_point
    )
    # The invasive species gap is already asked for by DEMO-KE-02.
    invasive_gap = AssessmentEntry.objects.get(assessment=kenya, target__number=6)
    Need.objects.filter(
        source=SOURCE, external_id="DEMO-KE-02", assessment_entry__isnull=True
    ).update(assessment_entry=invasive_gap)
    # The other high-priority gap becomes a draft request (once: it has a request afterwards).
    for draft in services.assessment_draft_needs(assessment=kenya, by=kenya_focal_point):
        Need.objects.filter(pk=draft.pk).update(
            source=SOURCE, external_id=f"DEMO-KE-ASSESSMENT-{draft.assessment_entry.target.code}"
        )
        NeedEvent.objects.filter(need=draft).update(notified_at=F("created_at"))
    if kenya.status == Assessment.Status.DRAFT:
        services.assessment_submit(assessment=kenya, by=kenya_focal_point)
        Assessment.objects.filter(pk=kenya.pk).update(
            created_at=timezone.now() - timedelta(days=90),
            submitted_at=timezone.now() - timedelta(days=80),
        )

    _seed_assessment(
        country_code="BR", cycle=BRAZIL_CYCLE, rows=BRAZIL_ASSESSMENT, by=_user("focal.brazil")
    )
    return 2


def seed(*, log: Callable[[str], None]) -> None:
    helpdesk = _user("helpdesk")
    created = _seed_needs(helpdesk=helpdesk)
    assessments = _seed_assessments()
    demo = Need.objects.filter(source=SOURCE)
    log(
        f"needs: {demo.count()} demo requests ({created} new) from "
        f"{demo.values('country').distinct().count()} countries, {assessments} assessments"
    )
