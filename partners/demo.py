"""Demo partner organisations and the records of the partners' databases. Idempotent.

Three organisations are registered through the services, with the demo partner administrator and
editor as members (they are the ones people sign in to). Sixty-two more approved organisations and
three registrations waiting for the help desk fill the directory; then come offers of support,
initiatives, resources (with two years of downloads), opportunities (with the portal's own
fellowship and exchange programme and its applicants), events and partnership agreements, in
English, French and Spanish.

The records are built from the hand-written organisations below and from sentences about each
thematic area, with a fixed random seed: the same data every time. A record is identified by its
organisation and its title in its original language, and left alone once it exists; dates are
relative to the day of the first run. Rows are written with ``bulk_create`` so that the whole
partners seed takes a few seconds on SQLite.
"""

from __future__ import annotations

import datetime
import random
import re
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone, translation

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import (
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Region,
    ResourceType,
    SupportType,
    ThematicArea,
)

from . import services
from .models import (
    Event,
    Initiative,
    Membership,
    Offer,
    Opportunity,
    OpportunityApplication,
    Organisation,
    PartnershipAgreement,
    RecordStatus,
    Resource,
    ResourceDownload,
)

SEED = 20170314  # any constant: the same demo data on every machine

# The tables below are laid out by hand, one entry to a few lines.
# fmt: off

# --- Organisations ------------------------------------------------------------------------------
# (name, acronym, type code, headquarters, website, description): registered through the services
# with the demo partner administrator as their administrator and the demo editor as editor.
DEMO_ORGANISATIONS = [
    ("Biodiversity Capacity Network", "BCN", "network", "FR",
     "https://capacity-network.example.org",
     "A network of trainers and institutions that supports national biodiversity strategies "
     "with training, mentoring and exchanges."),
    ("Institute for Island Ecosystems", "IIE", "academia", "FJ",
     "https://island-ecosystems.example.org",
     "A research institute working on island biodiversity, invasive alien species and marine "
     "protected areas in the Pacific."),
    ("Andean Conservation Fund", "ACF", "funding_agency", "PE",
     "https://andean-fund.example.org",
     "Small grants and co-financing for community-based conservation in the Andes."),
]

# Their expertise: (countries and M49 regions of operation, thematic areas, working languages).
DEMO_ORGANISATION_PROFILES = {
    "Biodiversity Capacity Network": (
        "002 019 142 150 009", "invasive_species planning_reporting cepa monitoring_data",
        "en fr es"),
    "Institute for Island Ecosystems": (
        "009 FJ WS TO VU SB KI", "islands invasive_species marine_coastal protected_areas",
        "en fr"),
    "Andean Conservation Fund": (
        "PE BO EC CO", "drylands_mountains sustainable_use restoration finance", "es en"),
}

# (name, acronym, type code, headquarters, operates in (ISO countries, M49 regions), thematic
# areas, working languages, description). All fictional; approved.
PARTNERS = [
    # Africa
    ("East African Wetlands Trust", "EAWT", "ngo", "KE", "014 KE TZ UG RW BI",
     "inland_waters migratory_species species_conservation", "en sw",
     "Works with riparian communities around the Great Lakes and the Rift Valley to count "
     "waterbirds, restore papyrus swamps and designate community wetland reserves."),
    ("Sahel Drylands Research Centre", "SDRC", "academia", "BF", "011 BF ML NE SN TD",
     "drylands_mountains restoration agrobiodiversity", "fr en",
     "A university research centre studying farmer-managed natural regeneration, parkland "
     "agroforestry and the restoration of degraded Sahelian soils."),
    ("Central African Forest Monitoring Network", "CAFMN", "network", "CM",
     "017 CM CG CD GA CF GQ", "forests monitoring_data wildlife_trade", "fr en",
     "Brings together forest administrations and research stations that share satellite and "
     "field data on forest cover, logging and bushmeat hunting in the Congo Basin."),
    ("Cape Floristic Biodiversity Institute", "CFBI", "academia", "ZA", "018 ZA NA BW LS",
     "species_conservation invasive_species taxonomy", "en",
     "Research and training on the flora of the Cape, the control of invasive alien plants and "
     "botanical taxonomy for southern Africa."),
    ("Fédération malgache des gestionnaires de forêts communautaires", "FMGFC", "iplc", "MG",
     "MG", "forests traditional_knowledge sustainable_use", "fr",
     "Federates more than 300 community associations that manage forests under "
     "transfer-of-management contracts, and trains their members in patrols and sustainable "
     "harvests."),
    ("Volta Basin Environmental Agency", "VBEA", "government", "GH", "GH BF TG",
     "inland_waters spatial_planning planning_reporting", "en fr",
     "A public agency that coordinates basin-wide environmental planning, biodiversity "
     "reporting and wetland management in the Volta basin."),
    ("Atlas Mountains Biodiversity Association", "AMBA", "ngo", "MA", "015 MA DZ TN",
     "drylands_mountains agrobiodiversity traditional_knowledge", "fr ar en",
     "Documents the traditional agroecosystems, seeds and medicinal plants of the Atlas "
     "mountains with Amazigh communities, and supports their community seed banks."),
    ("Nile Delta Cities Green Spaces Unit", "NDGSU", "local_government", "EG", "EG",
     "urban restoration cepa", "ar en",
     "A joint unit of municipal environment departments that plans urban parks, tree planting "
     "and wetland parks in the cities of the Nile delta."),
    ("Western Indian Ocean Marine Science Network", "WIOMSN", "network", "TZ",
     "KE TZ MZ MG MU SC KM", "marine_coastal islands monitoring_data", "en fr pt",
     "Connects marine scientists and managers of marine protected areas around the western "
     "Indian Ocean for coral reef monitoring and joint training."),
    ("Saloum Delta Fishers' Council", "SDFC", "iplc", "SN", "SN GM",
     "marine_coastal sustainable_use gender", "fr",
     "A council of fishing villages and women shellfish collectors co-managing mangroves and "
     "community marine protected areas in the Saloum delta."),
    ("African Biosafety Training Centre", "ABTC", "academia", "UG", "002",
     "biosafety health", "en fr",
     "Trains regulators, border inspectors and laboratory staff in the risk assessment, "
     "detection and monitoring of living modified organisms."),
    ("Pan-African Access and Benefit-Sharing Facility", "PABSF", "igo", "ET", "002",
     "abs traditional_knowledge mainstreaming", "en fr ar",
     "Helps African countries put in place national ABS frameworks, permit systems and "
     "community protocols under the Nagoya Protocol."),
    ("Namib Desert Ecology Foundation", "NDEF", "ngo", "NA", "NA AO ZA",
     "drylands_mountains species_conservation climate_change", "en pt",
     "Long-term ecological research and community conservancy support in the Namib desert and "
     "its coastal fog belt."),
    ("Associação das Comunidades Costeiras de Moçambique", "ACCM", "iplc", "MZ", "MZ",
     "marine_coastal sustainable_use gender", "pt en",
     "An association of coastal community fisheries councils that manages no-take zones and "
     "octopus fishery closures along the Mozambican coast."),
    # The Americas
    ("Red Andina de Conservación de Páramos", "RACP", "network", "EC", "EC CO PE VE BO",
     "drylands_mountains inland_waters restoration", "es en",
     "A network of water utilities, universities and community organisations that protects and "
     "restores the páramo wetlands supplying Andean cities with water."),
    ("Consejo Amazónico de Saberes Indígenas", "CASI", "iplc", "PE", "PE BR CO EC BO",
     "traditional_knowledge forests abs", "es pt",
     "A council of Amazonian indigenous federations that documents and defends traditional "
     "knowledge and supports community protocols for access and benefit-sharing."),
    ("Mesoamerican Reef Science Alliance", "MRSA", "network", "BZ", "BZ MX GT HN",
     "marine_coastal monitoring_data climate_change", "en es",
     "Coordinates reef health monitoring, bleaching alerts and restoration trials along the "
     "Mesoamerican barrier reef."),
    ("Caribbean Invasive Species Unit", "CISU", "igo", "TT", "029",
     "invasive_species islands biosafety", "en es fr",
     "An intergovernmental unit helping Caribbean island States prevent, detect and control "
     "invasive alien species such as lionfish and giant African snail."),
    ("Instituto Brasileiro de Restauração Ecológica", "IBRE", "academia", "BR", "BR PY",
     "restoration forests spatial_planning", "pt en es",
     "Research and training on the restoration of the Atlantic Forest and the Cerrado, from "
     "seed networks to restoration monitoring protocols."),
    ("Fundación Estepa Patagónica", "FEP", "ngo", "AR", "AR CL",
     "drylands_mountains species_conservation sustainable_use", "es",
     "Works with sheep ranchers of Patagonia on grazing plans, guanaco coexistence and the "
     "restoration of the steppe."),
    ("Great Lakes Biodiversity Data Cooperative", "GLBDC", "ngo", "CA", "021 CA",
     "monitoring_data inland_waters taxonomy", "en fr",
     "A cooperative of museums, universities and agencies that mobilises freshwater "
     "biodiversity data and trains data managers."),
    ("Prairie Pollinator Alliance", "PPA", "ngo", "US", "US CA MX",
     "agrobiodiversity species_conservation cepa", "en es",
     "Farmers, beekeepers and scientists restoring pollinator habitat on farmland across the "
     "North American prairies."),
    ("Red Mexicana de Empresas Forestales Comunitarias", "REMEFC", "iplc", "MX", "MX GT",
     "forests sustainable_use finance", "es",
     "A network of community forestry enterprises sharing experience in certified forest "
     "management, community monitoring and access to markets."),
    ("Clínica de Derecho Ambiental de Bogotá", "CDAB", "academia", "CO", "CO 419",
     "abs planning_reporting gender", "es en",
     "A university legal clinic advising public bodies and communities on environmental law, "
     "access to genetic resources and the rights of environmental defenders."),
    ("EcoLedger Analytics", "ELA", "private_sector", "CL", "CL PE 419",
     "finance mainstreaming monitoring_data", "es en",
     "A company building biodiversity accounting and disclosure tools that help businesses "
     "assess their dependencies and impacts on nature."),
    ("Caribbean Protected Areas Managers Network", "CaPAM", "network", "JM",
     "029 JM BS BB DO LC", "protected_areas islands marine_coastal", "en es fr",
     "A peer network of managers of Caribbean parks and marine reserves sharing experience in "
     "management effectiveness, sustainable financing and enforcement."),
    # Asia
    ("Mekong Freshwater Biodiversity Institute", "MFBI", "academia", "VN", "KH LA TH VN MM",
     "inland_waters species_conservation agrobiodiversity", "en fr",
     "Studies the fishes and wetlands of the lower Mekong and trains fisheries officers in "
     "biodiversity assessment."),
    ("Himalayan Mountain Livelihoods Centre", "HMLC", "ngo", "NP", "NP BT IN CN PK",
     "drylands_mountains traditional_knowledge climate_change", "en hi zh",
     "Supports mountain communities in managing rangelands, medicinal plants and community "
     "forests in a changing climate."),
    ("Coral Triangle Learning Network", "CTLN", "network", "ID", "ID MY PH PG SB TL",
     "marine_coastal protected_areas islands", "en id",
     "A learning network of marine protected area practitioners in the six Coral Triangle "
     "countries."),
    ("Deccan Institute of Biodiversity Informatics", "DIBI", "academia", "IN", "IN LK BD",
     "taxonomy monitoring_data", "en hi",
     "Builds digital species catalogues, DNA barcode libraries and biodiversity information "
     "systems for South Asia."),
    ("Central Asian Mountain Ecosystems Alliance", "CAMEA", "network", "KZ",
     "143 KZ KG TJ UZ", "drylands_mountains migratory_species species_conservation", "ru en",
     "An alliance of protected area administrations and NGOs for snow leopard, saiga and "
     "mountain ecosystem conservation in Central Asia."),
    ("Gulf Mangrove Restoration Society", "GMRS", "ngo", "AE", "AE OM SA QA",
     "marine_coastal restoration urban", "ar en",
     "Restores mangroves and seagrass along the Arabian Gulf and trains municipal staff in "
     "coastal habitat management."),
    ("Green Finance Lab Asia", "GFLA", "private_sector", "SG", "035 030",
     "finance mainstreaming", "en zh",
     "Advises banks and investors on biodiversity-related financial risk and nature-positive "
     "investment criteria."),
    ("Mongolian Steppe Biodiversity Agency", "MSBA", "government", "MN", "MN",
     "drylands_mountains planning_reporting wildlife_trade", "en ru",
     "The national agency in charge of steppe protected areas, wildlife trade permits and the "
     "national biodiversity report."),
    ("Bangladesh Delta Communities Forum", "BDCF", "iplc", "BD", "BD",
     "climate_change marine_coastal gender", "en",
     "A forum of coastal and char communities working on mangrove-friendly livelihoods and "
     "community-based adaptation."),
    ("Jordan Valley Water and Wildlife Society", "JVWWS", "ngo", "JO", "JO LB",
     "inland_waters migratory_species cepa", "ar en",
     "Protects the wetlands and bird migration bottleneck sites of the Jordan Valley and runs "
     "school nature clubs."),
    ("Cities Nature Network Asia", "CNNA", "local_government", "JP", "030 035 JP KR PH",
     "urban cepa spatial_planning", "en zh",
     "A network of city governments exchanging experience in urban biodiversity strategies, "
     "green infrastructure and nature education."),
    ("Philippine Seed Heritage Collective", "PSHC", "iplc", "PH", "PH",
     "agrobiodiversity traditional_knowledge abs", "en",
     "Indigenous and farming communities keeping rice landraces and heirloom vegetables in "
     "community seed banks."),
    # Europe
    ("European Centre for Biodiversity Training", "ECBT", "academia", "DE", "150 002 142",
     "cepa planning_reporting protected_areas", "en de fr",
     "A training centre running courses, summer schools and e-learning on biodiversity policy "
     "and management for practitioners from all regions."),
    ("Mediterranean Coastal Reserves Forum", "MCRF", "network", "ES", "039 015 145",
     "marine_coastal protected_areas", "es fr en ar",
     "A forum of managers of Mediterranean coastal and marine reserves for peer exchange, joint "
     "monitoring and training."),
    ("Nordic Invasive Species Information Service", "NISIS", "government", "NO", "154",
     "invasive_species monitoring_data", "en",
     "A public service that runs horizon scanning, early warning and an online alien species "
     "register for the Nordic countries."),
    ("Alpine-Adriatic Biosafety Laboratory", "AABL", "academia", "SI", "SI HR AT 151",
     "biosafety", "en de",
     "A reference laboratory for the detection of genetically modified organisms, offering "
     "proficiency tests and training to laboratories of the region."),
    ("Carpathian Grasslands Trust", "CGT", "ngo", "RO", "RO UA SK PL HU",
     "agrobiodiversity drylands_mountains restoration", "en ru",
     "Keeps the species-rich hay meadows of the Carpathians alive with farmers, through "
     "traditional mowing, local breeds and agri-environment schemes."),
    ("Lowlands Nature Fund", "LNF", "funding_agency", "NL", "002 419 035",
     "finance restoration marine_coastal", "en fr es",
     "A foundation funding restoration and community conservation projects in developing "
     "countries through small and medium grants."),
    ("Nordic Development Biodiversity Fund", "NDBF", "funding_agency", "SE", "002 142",
     "finance forests gender", "en",
     "Funds capacity-building for biodiversity in least developed countries, with a focus on "
     "forests and women's leadership."),
    ("Association francophone des aires protégées", "AFAP", "network", "FR", "002 150 029",
     "protected_areas cepa planning_reporting", "fr",
     "A French-speaking network of protected area managers: training, exchanges between sites "
     "and management tools in French."),
    ("Baltic Sea Coastal Municipalities Network", "BSCMN", "local_government", "FI", "154",
     "urban marine_coastal pollution", "en ru",
     "Coastal towns of the Baltic Sea working together to reduce nutrient pollution and protect "
     "coastal habitats."),
    ("Open Biodiversity Software Cooperative", "OBSC", "private_sector", "BE",
     "002 019 142 150 009", "monitoring_data planning_reporting", "en fr es",
     "Develops open-source software for national clearing-house mechanism websites, "
     "biodiversity data portals and online reporting."),
    ("Fundação Corredores Ibéricos", "FCI", "ngo", "PT", "PT ES",
     "species_conservation spatial_planning health", "pt es en",
     "Restores ecological corridors for the Iberian lynx and other wildlife, working with "
     "landowners and road authorities."),
    ("Global Environment Learning Programme", "GELP", "un_agency", "CH", "002 019 142 150 009",
     "cepa planning_reporting finance", "en fr es ar zh ru",
     "A United Nations learning programme that delivers e-learning courses and blended "
     "training on biodiversity and environmental conventions."),
    ("Asia-Pacific Regional Biodiversity Office", "APRBO", "un_agency", "TH", "142 009",
     "planning_reporting mainstreaming gender", "en zh ru",
     "Supports Asia-Pacific countries in updating their NBSAPs, mainstreaming biodiversity and "
     "preparing national reports."),
    # Oceania
    ("Pacific Islands Invasive Species Partnership", "PIISP", "igo", "WS", "009 FJ WS TO VU SB",
     "invasive_species islands biosafety", "en fr",
     "A partnership of Pacific island governments and agencies for the eradication of "
     "invasive rats, weeds and ants and for biosecurity at borders."),
    ("Melanesian Customary Land Network", "MCLN", "iplc", "VU", "054 VU SB PG FJ",
     "traditional_knowledge protected_areas sustainable_use", "en fr",
     "Customary landowner groups that establish and manage community conserved areas and "
     "tabu zones in Melanesia."),
    ("Coral Sea Citizen Science Trust", "CSCST", "ngo", "AU", "AU PG SB",
     "marine_coastal monitoring_data cepa", "en",
     "Trains divers, fishers and school groups to monitor reefs and report crown-of-thorns "
     "starfish outbreaks and bleaching."),
    ("Aotearoa Freshwater Restoration Collective", "AFRC", "ngo", "NZ", "NZ",
     "inland_waters restoration traditional_knowledge", "en",
     "Restores rivers and wetlands with Māori communities, combining mātauranga Māori with "
     "freshwater science."),
    ("Micronesia Island Futures Fund", "MIFF", "funding_agency", "FM", "057 FM MH PW KI",
     "islands finance climate_change", "en",
     "A conservation trust fund supporting community conservation and climate adaptation "
     "projects in the Micronesian islands."),
    ("University of the South Seas School of Marine Studies", "USSMS", "academia", "FJ", "009",
     "marine_coastal taxonomy islands", "en fr",
     "Teaches marine science and fisheries to students from twelve Pacific island countries "
     "and runs short courses for government staff."),
    ("Papua New Guinea Forest Rangers Association", "PNGFRA", "ngo", "PG", "PG",
     "forests protected_areas", "en",
     "An association of community rangers patrolling forest conservation areas and recording "
     "wildlife and illegal logging."),
    ("Solomon Islands Protected Areas Office", "SIPAO", "government", "SB", "SB",
     "protected_areas planning_reporting islands", "en",
     "The government office that declares and supports protected areas under the national "
     "Protected Areas Act."),
    # Global and thematic
    ("Youth for Nature Worldwide", "Y4NW", "network", "SN", "002 019 142 150 009",
     "cepa gender health", "en fr es",
     "A network of youth organisations that trains young people in biodiversity policy and "
     "supports youth-led conservation projects."),
    ("Women in Biodiversity Science Network", "WiBS", "network", "MX", "002 019 142 150 009",
     "gender taxonomy", "en es",
     "Mentoring, visibility and grants for women taxonomists and ecologists, especially in "
     "the global South."),
    ("Biodiversity Legal Drafting Clinic", "BLDC", "other", "GB", "002 019 142 150 009",
     "abs biosafety planning_reporting", "en fr",
     "A pro bono clinic of lawyers helping governments draft biodiversity, biosafety and "
     "access and benefit-sharing laws and regulations."),
    ("One Health Biodiversity Partnership", "OHBP", "other", "CH", "002 142 019",
     "health wildlife_trade", "en fr",
     "Links veterinary, public health and wildlife services to prevent the spread of diseases "
     "at the interface between wildlife, livestock and people."),
]

# (name, acronym, type code, headquarters, description, demo person who registers it): waiting
# for the help desk's decision.
PENDING = [
    ("Association des jeunes écologistes de Thiès", "AJET", "ngo", "SN",
     "Young volunteers who restore the Thiès classified forest and run nature clubs in schools.",
     "learner"),
    ("Rabat Green Schools Network", "RGSN", "network", "MA",
     "Teachers bringing school gardens and biodiversity education to the schools of Rabat.",
     "partner.editor"),
    ("Caucasus Wild Plants Society", "CWPS", "ngo", "GE",
     "Botanists and volunteers protecting the wild relatives of crops in the Caucasus.",
     "partner.admin"),
]

# Organisation type -> the kinds of support such an organisation typically offers.
SUPPORT_BY_TYPE = {
    "government": ["policy_legal", "technical_advice", "exchange_mentoring", "data_information"],
    "iplc": ["exchange_mentoring", "awareness", "training"],
    "ngo": ["training", "technical_advice", "awareness", "project_development"],
    "academia": ["training", "scientific_cooperation", "data_information", "technical_advice"],
    "private_sector": ["technology_transfer", "equipment", "data_information"],
    "igo": ["policy_legal", "technical_advice", "training", "project_development"],
    "un_agency": ["policy_legal", "technical_advice", "training", "financial"],
    "funding_agency": ["financial", "project_development"],
    "network": ["exchange_mentoring", "training", "awareness", "data_information"],
    "local_government": ["exchange_mentoring", "technical_advice"],
    "other": ["technical_advice", "policy_legal", "training"],
}

# --- What the records talk about ----------------------------------------------------------------
# Thematic area -> (topic, what capacity-building helps people do about it, GBF targets).
THEMES = {
    "protected_areas": ("protected and conserved areas management",
        "assess the management effectiveness of protected areas and plan their zoning with "
        "local communities", [3, 1]),
    "restoration": ("ecosystem restoration",
        "restore degraded forests, wetlands and rangelands with native species and monitor "
        "the results", [2, 11]),
    "spatial_planning": ("biodiversity-inclusive spatial planning",
        "map areas of high biodiversity importance and bring them into land-use plans", [1, 14]),
    "species_conservation": ("threatened species recovery",
        "prepare recovery plans for threatened species and manage human-wildlife conflict", [4]),
    "invasive_species": ("invasive alien species management",
        "prevent the introduction of invasive alien species, detect them early and control "
        "them", [6]),
    "biosafety": ("biosafety and the Cartagena Protocol",
        "assess and manage the risks of living modified organisms and detect them at borders",
        [17]),
    "abs": ("access and benefit-sharing under the Nagoya Protocol",
        "issue ABS permits, negotiate mutually agreed terms and run checkpoints", [13]),
    "traditional_knowledge": ("traditional knowledge and customary sustainable use",
        "document traditional knowledge with the free, prior and informed consent of "
        "indigenous peoples and local communities", [22, 13]),
    "sustainable_use": ("sustainable use of wild species",
        "set sustainable harvest levels and community management plans for wild species",
        [5, 9]),
    "wildlife_trade": ("legal and sustainable wildlife trade",
        "identify traded species, check CITES permits and investigate wildlife crime", [5]),
    "migratory_species": ("migratory species and flyways",
        "monitor migratory birds along flyways and protect their stopover sites", [4, 3]),
    "agrobiodiversity": ("agricultural biodiversity and pollinators",
        "conserve crop wild relatives, local varieties and pollinators on farms", [10, 4]),
    "forests": ("sustainable forest management",
        "monitor forest cover and manage community forests sustainably", [10, 2]),
    "marine_coastal": ("marine and coastal biodiversity",
        "manage coral reefs, mangroves and seagrass beds and plan marine protected areas",
        [3, 10]),
    "inland_waters": ("wetlands and inland waters",
        "manage wetlands and rivers for biodiversity and water security", [2, 11]),
    "islands": ("island biodiversity",
        "protect the endemic species of small islands from invasive species and climate "
        "change", [6, 4]),
    "drylands_mountains": ("dryland and mountain ecosystems",
        "restore rangelands and manage mountain ecosystems with pastoralist communities",
        [2, 8]),
    "urban": ("urban biodiversity and green spaces",
        "plan green and blue spaces and make cities friendlier to biodiversity", [12]),
    "climate_change": ("ecosystem-based approaches to climate change",
        "design nature-based solutions for adaptation and disaster risk reduction", [8]),
    "pollution": ("pollution and pesticide risk reduction",
        "reduce nutrient losses, pesticide risks and plastic pollution in ecosystems", [7]),
    "taxonomy": ("taxonomy and species identification",
        "train parataxonomists and build reference collections and DNA barcode libraries",
        [21]),
    "monitoring_data": ("biodiversity monitoring and data",
        "collect, manage and publish biodiversity data and compute the indicators of national "
        "reports", [21]),
    "mainstreaming": ("mainstreaming biodiversity across sectors",
        "bring the values of biodiversity into sector policies, budgets and business "
        "decisions", [14, 15]),
    "finance": ("biodiversity finance",
        "prepare biodiversity finance plans and bankable conservation projects", [19, 18]),
    "planning_reporting": ("NBSAPs and national reporting",
        "update national biodiversity strategies and action plans and prepare national "
        "reports", [14, 20]),
    "cepa": ("communication, education and public awareness (CEPA)",
        "design awareness campaigns and school programmes about biodiversity", [16, 21]),
    "health": ("biodiversity and health (One Health)",
        "link wildlife, livestock and human health services to prevent zoonotic diseases",
        [5, 11]),
    "gender": ("gender-responsive biodiversity action",
        "apply the Gender Plan of Action and support women's leadership in conservation",
        [23, 22]),
}

# --- Offers of support --------------------------------------------------------------------------
# (title, description, support types, thematic areas, capacity levels); a "financial" support
# type makes it a financial contribution with a budget range.
OFFER_BASES = [
    ("Mentoring for invasive alien species risk assessment",
     "Pairs officials of environment and agriculture ministries with experienced risk "
     "assessors for six months. Each mentee prepares a risk assessment for one priority species "
     "and a pathway action plan, reviewed by the mentor.",
     "exchange_mentoring technical_advice", "invasive_species islands",
     "individual organizational"),
    ("Training of trainers on protected area management effectiveness",
     "A two-week course for staff of protected area agencies on METT and IMET assessments, "
     "followed by coaching while the trainees run assessments in their own sites.",
     "training", "protected_areas", "individual organizational"),
    ("Technical advice on national ABS frameworks",
     "Legal and policy experts review draft access and benefit-sharing laws, permit "
     "procedures and model contract clauses, and help set up the checkpoints required by the "
     "Nagoya Protocol.",
     "policy_legal technical_advice", "abs traditional_knowledge", "systemic"),
    ("Laboratory training in the detection of living modified organisms",
     "Hands-on training for laboratory staff in sampling, PCR screening and reporting of "
     "LMOs, ending with a proficiency test. Standard operating procedures and equipment lists "
     "are provided.",
     "training technology_transfer", "biosafety", "individual organizational"),
    ("Support for updating NBSAPs in line with the Kunming-Montreal Global Biodiversity Framework",
     "Facilitators help national teams run stakeholder consultations, set national targets "
     "aligned with the 23 GBF targets and draft the monitoring framework of the updated NBSAP.",
     "technical_advice policy_legal", "planning_reporting mainstreaming",
     "systemic organizational"),
    ("Biodiversity data mobilisation and publishing",
     "Training and help-desk support to digitise specimen collections and survey data, clean "
     "them and publish them to national and global data portals with persistent identifiers.",
     "data_information training", "monitoring_data taxonomy", "individual organizational"),
    ("Small grants for community-led ecosystem restoration",
     "Grants of up to one year for community organisations restoring degraded land, mangroves "
     "or wetlands with native species, with technical backstopping by the fund's advisers.",
     "financial project_development", "restoration forests marine_coastal", "organizational"),
    ("Coral reef monitoring field course",
     "A ten-day field course on reef survey methods (point intercept transects, fish belt "
     "transects, bleaching watch) for marine protected area staff and community monitors.",
     "training", "marine_coastal monitoring_data", "individual"),
    ("Co-design of bio-cultural community protocols",
     "Facilitators accompany indigenous peoples and local communities in writing community "
     "protocols that set out their conditions for prior informed consent and benefit-sharing.",
     "technical_advice exchange_mentoring", "traditional_knowledge abs", "organizational"),
    ("Study visits to community-managed marine areas",
     "Exchange visits of one to two weeks for fishers' associations and fisheries officers to "
     "community-managed marine areas that have rebuilt their fish stocks.",
     "exchange_mentoring", "marine_coastal sustainable_use", "individual organizational"),
    ("Natural capital accounting for finance and planning ministries",
     "Technical assistance to compile ecosystem accounts following the SEEA Ecosystem "
     "Accounting standard and use them in budget and investment decisions.",
     "technical_advice data_information", "mainstreaming finance", "systemic"),
    ("Preparation of national biodiversity finance plans",
     "Advisers help governments review biodiversity expenditure, identify harmful subsidies "
     "and prepare a costed national biodiversity finance plan.",
     "technical_advice policy_legal", "finance mainstreaming", "systemic"),
    ("Remote sensing of forest cover change",
     "Training in the use of free satellite imagery and cloud platforms to map forest loss and "
     "degradation, with support to set up a national monitoring routine.",
     "training technology_transfer", "forests monitoring_data", "individual organizational"),
    ("Parataxonomist training for biodiversity surveys",
     "A modular course that trains field assistants to sort and identify insects, plants and "
     "freshwater invertebrates to family level and to prepare voucher specimens.",
     "training scientific_cooperation", "taxonomy monitoring_data", "individual"),
    ("CEPA campaign design clinic",
     "Communication specialists help national focal points plan and test biodiversity "
     "awareness campaigns, from audience research to key messages and evaluation.",
     "awareness technical_advice", "cepa", "organizational"),
    ("Wildlife trade enforcement training for customs and police",
     "Training of customs, police and wildlife officers in species identification, CITES "
     "permits, risk profiling and evidence handling in wildlife crime cases.",
     "training", "wildlife_trade species_conservation", "individual organizational"),
    ("Coaching on human-wildlife conflict mitigation",
     "Coaching for wildlife authorities and communities to choose and test mitigation "
     "measures (early warning, fences, compensation schemes) and monitor their effect.",
     "technical_advice training", "species_conservation", "organizational"),
    ("Equipment loans for biodiversity monitoring",
     "Camera traps, acoustic recorders and GPS units lent for up to twelve months to teams "
     "running monitoring programmes, with online training in their use.",
     "equipment training", "monitoring_data species_conservation", "organizational"),
    ("Pollinator-friendly farming extension support",
     "Agronomists train extension services to promote pollinator habitats, reduce pesticide "
     "risk and conserve local crop varieties on smallholder farms.",
     "training technical_advice", "agrobiodiversity pollution", "individual organizational"),
    ("Urban biodiversity index and green space planning",
     "Support for cities to calculate the Singapore Index on Cities' Biodiversity and plan "
     "green and blue corridors in their master plans.",
     "technical_advice", "urban spatial_planning", "organizational"),
    ("Design of nature-based solutions projects",
     "Help to design and cost ecosystem-based adaptation projects and prepare funding "
     "proposals to climate and biodiversity funds.",
     "project_development technical_advice", "climate_change finance", "organizational"),
    ("Gender mainstreaming in biodiversity projects",
     "Gender experts review project designs, run gender analyses and train project teams in "
     "applying the Gender Plan of Action of the Convention.",
     "training technical_advice", "gender", "organizational"),
    ("Scientific cooperation on freshwater fish inventories",
     "Joint surveys and co-supervised research by partner universities to inventory the "
     "freshwater fishes of under-studied river basins, training local students on the way.",
     "scientific_cooperation", "inland_waters taxonomy", "individual"),
    ("Clearing-house mechanism website set-up",
     "Technical support to set up or renew a national clearing-house mechanism website with "
     "open-source software, including hosting advice and training of web editors.",
     "technology_transfer data_information", "monitoring_data planning_reporting",
     "organizational"),
    ("One Health surveillance of wildlife diseases",
     "Training of veterinary and wildlife services in joint surveillance of diseases at the "
     "interface between wildlife, livestock and people.",
     "training scientific_cooperation", "health species_conservation", "organizational"),
    ("Rangeland restoration with pastoralist communities",
     "Technical advice and exchange visits on grazing plans, reseeding and water-point "
     "management for dryland communities.",
     "technical_advice exchange_mentoring", "drylands_mountains restoration",
     "individual organizational"),
    ("Biodiversity risk assessment for businesses",
     "Help for companies and financial institutions to assess and disclose their "
     "biodiversity dependencies, impacts and risks, as GBF Target 15 asks.",
     "technical_advice training", "mainstreaming finance", "organizational"),
    ("Seed funding for pilot projects on island biosecurity",
     "Grants for island governments and communities to pilot biosecurity measures: quarantine "
     "checks, rodent-free island certification and early detection networks.",
     "financial project_development", "islands invasive_species", "organizational"),
]

# Offers written in French or Spanish: (language, title, description, English title, English
# description (empty: not translated), support types, thematic areas, capacity levels).
OFFER_BASES_TRANSLATED = [
    ("fr", "Formation à la gestion des aires marines protégées",
     "Une formation de deux semaines pour les gestionnaires d'aires marines protégées : "
     "zonage participatif, suivi écologique et surveillance des pêches. Chaque participant "
     "prépare un plan d'action pour son site.",
     "Training in marine protected area management",
     "A two-week course for managers of marine protected areas: participatory zoning, "
     "ecological monitoring and fisheries surveillance. Each participant prepares an action "
     "plan for their site.",
     "training", "marine_coastal protected_areas", "individual"),
    ("fr", "Appui juridique à l'élaboration des cadres nationaux d'APA",
     "Des juristes accompagnent les ministères dans la rédaction des textes sur l'accès aux "
     "ressources génétiques et le partage des avantages, et dans la mise en place des "
     "procédures de permis.",
     "", "", "policy_legal", "abs", "systemic"),
    ("fr", "Accompagnement des comités nationaux de biosécurité",
     "Un appui sur mesure aux comités nationaux de biosécurité : procédures d'évaluation des "
     "risques, consultation du public et échange d'informations avec le Centre d'échange "
     "pour la prévention des risques biotechnologiques.",
     "Support for national biosafety committees",
     "Tailored support for national biosafety committees: risk assessment procedures, public "
     "consultation and information exchange through the Biosafety Clearing-House.",
     "technical_advice policy_legal", "biosafety", "organizational systemic"),
    ("fr", "Échanges entre gestionnaires de forêts communautaires",
     "Des visites d'échange entre associations de gestion forestière communautaire pour "
     "partager les pratiques de patrouille, de suivi et de valorisation des produits "
     "forestiers non ligneux.",
     "", "", "exchange_mentoring", "forests sustainable_use", "individual organizational"),
    ("fr", "Appui à la mise à jour des SPANB",
     "Des facilitateurs aident les équipes nationales à aligner leur stratégie et plan "
     "d'action national pour la biodiversité sur le Cadre mondial de la biodiversité de "
     "Kunming-Montréal.",
     "Support for updating NBSAPs",
     "Facilitators help national teams align their national biodiversity strategy and action "
     "plan with the Kunming-Montreal Global Biodiversity Framework.",
     "technical_advice", "planning_reporting", "systemic"),
    ("es", "Capacitación en restauración de ecosistemas de páramo",
     "Cursos de campo para técnicos municipales y comunidades sobre restauración de páramos y "
     "humedales altoandinos: propagación de especies nativas, manejo del pastoreo y monitoreo "
     "hidrológico.",
     "Training in páramo ecosystem restoration",
     "Field courses for municipal technicians and communities on the restoration of páramos "
     "and high Andean wetlands: propagation of native species, grazing management and "
     "hydrological monitoring.",
     "training", "restoration drylands_mountains inland_waters", "individual"),
    ("es", "Asesoría técnica para marcos nacionales de acceso y distribución de beneficios",
     "Asesoría a autoridades nacionales para diseñar procedimientos de acceso a recursos "
     "genéticos, contratos de acceso y mecanismos de distribución de beneficios con "
     "comunidades.",
     "", "", "technical_advice policy_legal", "abs traditional_knowledge", "systemic"),
    ("es", "Intercambio de experiencias entre guardaparques comunitarios",
     "Pasantías de dos semanas para guardaparques comunitarios en áreas protegidas de la "
     "región, con acompañamiento de guardaparques con experiencia.",
     "Exchanges between community park rangers",
     "Two-week placements for community park rangers in protected areas of the region, "
     "accompanied by experienced rangers.",
     "exchange_mentoring", "protected_areas", "individual"),
    ("es", "Curso de monitoreo de la biodiversidad con ciencia ciudadana",
     "Un curso semipresencial sobre el diseño de programas de ciencia ciudadana, la calidad "
     "de los datos y su uso en los indicadores nacionales.",
     "", "", "training data_information", "monitoring_data cepa", "individual organizational"),
    ("es", "Apoyo a planes de financiamiento de la biodiversidad",
     "Acompañamiento a ministerios de ambiente y de finanzas para estimar brechas de "
     "financiamiento y preparar planes nacionales de financiamiento de la biodiversidad.",
     "Support for biodiversity finance plans",
     "Support for ministries of environment and finance to estimate funding gaps and prepare "
     "national biodiversity finance plans.",
     "technical_advice", "finance", "systemic"),
]

# --- Places -------------------------------------------------------------------------------------
# (city, country, time zone, venue)
VENUES = [
    ("Nairobi", "KE", "Africa/Nairobi", "Lakeview Conference Centre"),
    ("Dakar", "SN", "Africa/Dakar", "Centre de conférences de Ngor"),
    ("Suva", "FJ", "Pacific/Fiji", "Laucala Bay Campus, Lecture Theatre 2"),
    ("Lima", "PE", "America/Lima", "Centro de Convenciones Miraflores"),
    ("Bogotá", "CO", "America/Bogota", "Auditorio del Jardín Botánico"),
    ("Bangkok", "TH", "Asia/Bangkok", "Riverside Training Centre"),
    ("Kathmandu", "NP", "Asia/Kathmandu", "Mountain Research Hall"),
    ("Almaty", "KZ", "Asia/Almaty", "Tien Shan Conference Hall"),
    ("Bonn", "DE", "Europe/Berlin", "Rhine Campus, Room 3"),
    ("Montpellier", "FR", "Europe/Paris", "Maison de l'environnement"),
    ("Cape Town", "ZA", "Africa/Johannesburg", "Fynbos Research Station"),
    ("Port of Spain", "TT", "America/Port_of_Spain", "Queen's Park Training Centre"),
    ("Apia", "WS", "Pacific/Apia", "Vailima Conference Room"),
    ("Yaoundé", "CM", "Africa/Douala", "Palais des congrès, salle B"),
    ("Manila", "PH", "Asia/Manila", "Coral Hall, Biodiversity Centre"),
    ("Rabat", "MA", "Africa/Casablanca", "Institut scientifique, amphithéâtre 1"),
    ("Brasília", "BR", "America/Sao_Paulo", "Centro de Treinamento do Cerrado"),
    ("Panama City", "PA", "America/Panama", "Ciudad del Saber, Edificio 104"),
]
# How a sentence names a country, where its reference name would not read well after "in".
PLACE_NAMES = {
    "BS": "the Bahamas", "BO": "Bolivia", "CF": "the Central African Republic", "KM": "Comoros",
    "CG": "the Congo", "CD": "the Democratic Republic of the Congo", "DO": "the Dominican Republic",
    "GM": "the Gambia", "LA": "Lao PDR", "MH": "the Marshall Islands", "FM": "Micronesia",
    "NL": "the Netherlands", "PH": "the Philippines", "KR": "the Republic of Korea",
    "AE": "the United Arab Emirates", "GB": "the United Kingdom", "TZ": "Tanzania",
    "US": "the United States", "VE": "Venezuela",
}
ONLINE_TIME_ZONES = ["UTC", "Europe/Paris", "America/Bogota", "Africa/Nairobi", "Asia/Bangkok"]

# --- Resources ----------------------------------------------------------------------------------
RESOURCE_TITLES = {
    "guidance": [
        "Guidelines on {topic} for national focal points",
        "Good-practice guidance on {topic}",
        "Guidance on {topic} in updated NBSAPs",
    ],
    "toolkit": [
        "{Topic}: a toolkit for practitioners",
        "Field toolkit on {topic}",
        "Self-assessment toolkit on {topic}",
    ],
    "training_material": [
        "Training module on {topic}",
        "Trainer's handbook on {topic}",
        "Slides and exercises on {topic}",
        "Lesson plans on {topic} for secondary schools",
    ],
    "video": ["Video: {topic} in practice in {place}", "Voices from the field: {topic}"],
    "dataset": [
        "Dataset: national indicators of {topic} for {place}",
        "Survey dataset on {topic} in {place}",
    ],
    "software": ["Open-source field data app for {topic}", "Indicator calculator for {topic}"],
    "publication": [
        "{Topic}: lessons from ten years of capacity-building",
        "Policy brief on {topic}",
        "Review of {topic} in {place}",
    ],
    "case_study": [
        "Case study: {topic} in {place}",
        "How {place} strengthened its capacity for {topic}",
    ],
}
RESOURCE_DESCRIPTIONS = {
    "guidance": "Step-by-step guidance that helps national authorities {activity}, with "
    "checklists, examples from {place} and references to the relevant COP decisions.",
    "toolkit": "A set of tools, templates and worksheets to {activity}. Each tool says what "
    "it is for, who should use it and how long it takes.",
    "training_material": "Training material to {activity}: a facilitator's guide, slides, "
    "exercises and an evaluation form for a {days}-day course, ready to be adapted to national "
    "contexts and translated.",
    "video": "A {minutes}-minute video showing how practitioners in {place} {activity}, with "
    "interviews of rangers, community members and officials.",
    "dataset": "Data compiled by {organisation} to {activity}, with metadata, methods and a "
    "data dictionary. Updated every year.",
    "software": "Free and open-source software that helps teams {activity}. Works offline on "
    "Android phones and exports to common formats.",
    "publication": "An analysis of what worked and what did not when countries tried to "
    "{activity}, with recommendations for Parties, donors and partners.",
    "case_study": "How a national team in {place} learned to {activity}: the starting point, "
    "the support received, the results and what others can reuse.",
}
# File extension of the link (none: a page).
RESOURCE_EXTENSIONS = {
    "guidance": "pdf", "toolkit": "zip", "training_material": "pptx", "video": "",
    "dataset": "csv", "software": "", "publication": "pdf", "case_study": "pdf",
}
# (language, type, title, description, English title, English description, thematic areas)
RESOURCES_TRANSLATED = [
    ("fr", "training_material", "Module de formation sur les espèces exotiques envahissantes",
     "Un module de trois jours pour former les agents des douanes et de la protection des "
     "végétaux à reconnaître les espèces exotiques envahissantes et à appliquer les mesures de "
     "quarantaine.",
     "Training module on invasive alien species",
     "A three-day module to train customs and plant protection officers to recognise invasive "
     "alien species and apply quarantine measures.",
     "invasive_species"),
    ("fr", "guidance", "Guide pratique des protocoles communautaires bioculturels",
     "Comment accompagner une communauté dans la rédaction de son protocole : étapes, "
     "questions à se poser, exemples d'Afrique de l'Ouest.",
     "", "", "traditional_knowledge abs"),
    ("fr", "case_study", "Étude de cas : la cogestion des mangroves du Saloum",
     "Comment des villages de pêcheurs et l'administration ont mis en place une aire marine "
     "protégée communautaire, et ce que cela a changé pour les stocks d'huîtres.",
     "", "", "marine_coastal gender"),
    ("fr", "training_material", "Diaporama : introduction au Protocole de Cartagena",
     "Une présentation commentée pour les ateliers nationaux de biosécurité, avec des "
     "exercices sur l'évaluation des risques.",
     "Slides: introduction to the Cartagena Protocol",
     "Annotated slides for national biosafety workshops, with risk assessment exercises.",
     "biosafety"),
    ("es", "training_material", "Manual del facilitador: restauración de páramos",
     "Un manual para facilitadores de talleres comunitarios sobre restauración de páramos, con "
     "fichas de especies nativas y ejercicios de campo.",
     "Facilitator's manual: páramo restoration",
     "A manual for facilitators of community workshops on páramo restoration, with native "
     "species sheets and field exercises.",
     "restoration drylands_mountains"),
    ("es", "video", "Video: guardaparques comunitarios de la Amazonía",
     "Guardaparques indígenas cuentan cómo vigilan sus territorios y registran la fauna con "
     "cámaras trampa.",
     "", "", "forests traditional_knowledge"),
    ("es", "publication", "Financiamiento de la biodiversidad en América Latina: estado actual",
     "Un análisis del gasto público y privado en biodiversidad en doce países y de las "
     "brechas de financiamiento.",
     "Biodiversity finance in Latin America: where we stand",
     "An analysis of public and private biodiversity expenditure in twelve countries and of "
     "their funding gaps.",
     "finance"),
    ("es", "toolkit", "Caja de herramientas para el monitoreo participativo de humedales",
     "Fichas, formularios y protocolos para que las comunidades monitoreen aves, agua y "
     "vegetación en sus humedales.",
     "", "", "inland_waters monitoring_data"),
]

# --- Opportunities ------------------------------------------------------------------------------
OPPORTUNITY_TITLES = {
    "training_course": ["Online course on {topic}", "Regional training course on {topic}"],
    "fellowship": ["Fellowship in {topic}", "Exchange programme for practitioners of {topic}"],
    "scholarship": ["Master's scholarships in {topic}", "Doctoral scholarships on {topic}"],
    "internship": ["Internship in {topic}"],
    "funding_call": ["Call for proposals: pilot projects on {topic}"],
    "call_for_experts": ["Call for experts: roster on {topic}"],
}
OPPORTUNITY_DESCRIPTIONS = {
    "training_course": "A course for practitioners who need to {activity}. It combines "
    "recorded lectures, live sessions and a final assignment based on the participant's own "
    "country.",
    "fellowship": "Fellows spend {months} months with a host institution to learn how to "
    "{activity}, and return with a plan to apply it at home.",
    "scholarship": "Scholarships covering tuition, travel and living costs for students "
    "whose research will help their country {activity}.",
    "internship": "A {months}-month paid internship for young graduates who want to learn "
    "how to {activity}.",
    "funding_call": "Grants for pilot projects that help countries {activity}. Proposals are "
    "reviewed by an independent panel; successful applicants receive coaching.",
    "call_for_experts": "We are building a roster of experts able to help countries "
    "{activity}. Selected experts are called on for short missions and online advice.",
}
OPPORTUNITY_ELIGIBILITY = {
    "training_course": "Staff of government agencies, NGOs and IPLC organisations.",
    "fellowship": "Mid-career professionals with at least three years of relevant work.",
    "scholarship": "Nationals of eligible countries holding a first university degree.",
    "internship": "Graduates of the last two years, nationals of eligible countries.",
    "funding_call": "Registered organisations working in eligible countries.",
    "call_for_experts": "Experts with at least ten years of experience and working English.",
}
# The portal's own programme, run with the Biodiversity Capacity Network: (title, thematic
# areas, deadline (days from today), days it is open before the deadline).
PORTAL_PROGRAMMES = [
    ("Portal fellowship and exchange programme: biodiversity information management",
     "monitoring_data planning_reporting", -150, 75),
    ("Portal fellowship and exchange programme: invasive alien species on islands",
     "invasive_species islands", 45, 60),
]
PORTAL_PROGRAMME_DESCRIPTION = (
    "The portal's own fellowship and exchange programme places officials from developing "
    "countries with a partner institution for three months to learn how to {activity}. Help "
    "desk staff review the applications; accepted fellows join the programme's alumni network."
)
# (programme index, demo person, country, status, motivation)
PROGRAMME_APPLICATIONS = [
    (0, "learner", "SN", OpportunityApplication.Status.ACCEPTED,
     "I manage the biodiversity database of Senegal's national parks directorate and want to "
     "learn how to publish our survey data and use it for the seventh national report."),
    (0, "focal.kenya.chm", "KE", OpportunityApplication.Status.ACCEPTED,
     "As CHM focal point of Kenya I need to link our county biodiversity data to the national "
     "clearing-house mechanism and to the GBF indicators."),
    (0, "focal.brazil", "BR", OpportunityApplication.Status.ACCEPTED,
     "Brazil's national biodiversity information system needs staff who can train state "
     "agencies; I would take back a training plan."),
    (0, "partner.editor", "MA", OpportunityApplication.Status.REJECTED,
     "I coordinate a network of NGOs in Morocco and want to build our data-sharing platform."),
    (0, "focal.kenya", "KE", OpportunityApplication.Status.WITHDRAWN,
     "I would like to learn about indicator workflows for national reporting."),
    (1, "partner.editor", "MA", OpportunityApplication.Status.SUBMITTED,
     "Our association works on invasive plants in the Atlas; the island experience with "
     "early detection networks would help us design ours."),
    (1, "focal.kenya", "KE", OpportunityApplication.Status.SUBMITTED,
     "Kenya's coastal islands face invasive rats and crows; I want to learn eradication "
     "planning from Pacific practitioners."),
]

# --- Events -------------------------------------------------------------------------------------
EVENT_TITLES = {
    "workshop": "Regional workshop on {topic}",
    "matchmaking_roundtable": "Matchmaking roundtable on {topic}",
    "webinar": "Webinar: {topic}",
    "conference": "Conference on {topic}",
    "training_event": "Training of trainers on {topic}",
}
EVENT_DESCRIPTIONS = {
    "workshop": "A workshop for national teams that need to {activity}. Participants share "
    "experience, work on their own cases and leave with next steps.",
    "matchmaking_roundtable": "A roundtable that brings together countries that have "
    "expressed needs to {activity} and partners that can support them. Each request is "
    "presented in five minutes, then providers and requesters meet in small groups to agree "
    "on follow-up.",
    "webinar": "A one-hour webinar with practitioners who {activity}, followed by questions "
    "from the audience. The recording is published afterwards.",
    "conference": "A conference on the state of knowledge and practice: how countries "
    "{activity}, what works, and where capacity-building should go next.",
    "training_event": "An intensive course that prepares trainers to teach others how to "
    "{activity}, with practice sessions and a certificate.",
}
# Event type -> (days, hours a day), and the range of its participant counts.
DURATIONS = {
    "workshop": (3, 8), "matchmaking_roundtable": (2, 7), "webinar": (1, 1.5),
    "conference": (4, 8), "training_event": (5, 7),
}
PARTICIPANTS = {
    "workshop": (18, 45), "matchmaking_roundtable": (24, 60), "webinar": (60, 420),
    "conference": (150, 600), "training_event": (12, 30),
}
# (event type, thematic area, venue index (None: online), days from today); past events are
# closed with their participant count, those more than 300 days ahead still drafts.
EVENTS = [
    ("matchmaking_roundtable", "invasive_species", 0, -620),
    ("matchmaking_roundtable", "abs", 3, -480),
    ("matchmaking_roundtable", "islands", 2, -350),
    ("matchmaking_roundtable", "marine_coastal", 5, -210),
    ("matchmaking_roundtable", "finance", None, -90),
    ("matchmaking_roundtable", "restoration", 1, 40),
    ("matchmaking_roundtable", "biosafety", None, 110),
    ("workshop", "planning_reporting", 9, -700),
    ("workshop", "protected_areas", 13, -400),
    ("workshop", "wildlife_trade", 7, -260),
    ("workshop", "monitoring_data", 4, -120),
    ("workshop", "drylands_mountains", 15, -30),
    ("workshop", "traditional_knowledge", 17, 60),
    ("workshop", "urban", 14, 150),
    ("webinar", "gender", None, -540),
    ("webinar", "mainstreaming", None, -300),
    ("webinar", "health", None, -160),
    ("webinar", "taxonomy", None, -45),
    ("webinar", "cepa", None, -7),
    ("webinar", "climate_change", None, 12),
    ("webinar", "pollution", None, 75),
    ("conference", "species_conservation", 8, -450),
    ("conference", "forests", 16, -180),
    ("conference", "inland_waters", 10, 200),
    ("conference", "agrobiodiversity", 6, 320),
    ("training_event", "biosafety", 0, -330),
    ("training_event", "spatial_planning", 11, -150),
    ("training_event", "sustainable_use", 12, -60),
    ("training_event", "migratory_species", 6, 25),
    ("training_event", "invasive_species", 2, 90),
]

# --- Agreements ---------------------------------------------------------------------------------
_K = PartnershipAgreement.Kind
_S = RecordStatus
AGREEMENT_TITLES = {
    _K.SUPPORT_NETWORK: "Support-network agreement with {acronym}: pilot projects on {topic}",
    _K.EDUCATION_INSTITUTION: "Education partnership with {acronym}: joint course on {topic}",
    _K.MOU: "Memorandum of understanding with {acronym} on {topic}",
}
AGREEMENT_DESCRIPTIONS = {
    _K.SUPPORT_NETWORK: "{name} joins the support network for pilot projects and commits to "
    "mentor national teams that {activity}, with up to three pilot projects a year.",
    _K.EDUCATION_INSTITUTION: "{name} and the portal develop and deliver a joint course for "
    "practitioners who need to {activity}; the course earns academic credits and its material "
    "is published under an open licence.",
    _K.MOU: "A framework for cooperation with {name}: exchange of information and records "
    "between our databases, joint events and support to countries that {activity}.",
}
# (kind, organisation types it may be with, signed days ago, lasts (days; None: open-ended),
# status)
AGREEMENTS = [
    (_K.SUPPORT_NETWORK, "ngo network igo", 1300, 730, _S.CLOSED),
    (_K.SUPPORT_NETWORK, "ngo network igo", 900, 1460, _S.PUBLISHED),
    (_K.SUPPORT_NETWORK, "ngo network igo", 640, None, _S.PUBLISHED),
    (_K.SUPPORT_NETWORK, "ngo network igo", 400, 1095, _S.PUBLISHED),
    (_K.SUPPORT_NETWORK, "ngo network igo", 150, 1095, _S.PUBLISHED),
    (_K.SUPPORT_NETWORK, "ngo network igo", 20, 730, _S.DRAFT),
    (_K.EDUCATION_INSTITUTION, "academia", 1100, 365, _S.CLOSED),
    (_K.EDUCATION_INSTITUTION, "academia", 760, 1095, _S.PUBLISHED),
    (_K.EDUCATION_INSTITUTION, "academia", 500, None, _S.PUBLISHED),
    (_K.EDUCATION_INSTITUTION, "academia", 300, 1460, _S.PUBLISHED),
    (_K.EDUCATION_INSTITUTION, "academia un_agency", 60, 1095, _S.PUBLISHED),
    (_K.MOU, "un_agency igo funding_agency", 1200, None, _S.PUBLISHED),
    (_K.MOU, "government local_government", 800, 1095, _S.PUBLISHED),
    (_K.MOU, "private_sector other", 420, 365, _S.CLOSED),
    (_K.MOU, "funding_agency un_agency", 90, None, _S.PUBLISHED),
]

# --- Initiatives --------------------------------------------------------------------------------
INITIATIVE_TITLES = [
    "Strengthening national capacities for {topic} in {place}",
    "Regional programme on {topic}",
    "Community pilot project on {topic} in {place}",
    "{Topic}: a national capacity-building project in {place}",
    "Learning network on {topic}",
]
INITIATIVE_RESULTS = [
    "{people} people trained, among them {women} women; {plans} national or local plans "
    "adopted; a community of practice of {members} members still active.",
    "{sites} sites under improved management; {people} staff trained; monitoring data "
    "published every year in the national clearing-house mechanism.",
    "{plans} policies or regulations drafted with the project's support; {people} "
    "participants in exchange visits; training material translated into {languages} languages.",
]
# fmt: on


# --- Who offers and opportunities are for ---------------------------------------------------
@dataclass(frozen=True)
class Audience:
    """Who an offer or opportunity is for: the eligibility lists and how the title says it."""

    titles: dict[str, str]  # language -> suffix of the title ("" for everyone)
    sentences: dict[str, str]  # language -> a sentence for the description
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = field(default=("en", "fr", "es"))


AUDIENCES = [
    Audience(
        {"en": "", "fr": "", "es": ""},
        {
            "en": "Open to all Parties and their partners.",
            "fr": "Ouvert à toutes les Parties et à leurs partenaires.",
            "es": "Abierto a todas las Partes y a sus socios.",
        },
    ),
    Audience(
        {"en": "for least developed countries", "fr": "pour les pays les moins avancés"},
        {
            "en": "Reserved for least developed countries.",
            "fr": "Réservé aux pays les moins avancés.",
        },
        groups=("LDC",),
        languages=("en", "fr"),
    ),
    Audience(
        {"en": "for Pacific small island developing States"},
        {"en": "For agencies and organisations of Pacific small island developing States."},
        regions=("009",),
        groups=("SIDS",),
        languages=("en",),
    ),
    Audience(
        {"en": "for Eastern and Southern Africa"},
        {"en": "For countries of Eastern and Southern Africa."},
        regions=("014", "018"),
        languages=("en",),
    ),
    Audience(
        {"en": "for West and Central Africa", "fr": "pour l'Afrique de l'Ouest et du Centre"},
        {
            "en": "For countries of West and Central Africa.",
            "fr": "Pour les pays d'Afrique de l'Ouest et d'Afrique centrale.",
        },
        regions=("011", "017"),
        languages=("en", "fr"),
    ),
    Audience(
        {"en": "for Latin America and the Caribbean", "es": "para América Latina y el Caribe"},
        {
            "en": "For countries of Latin America and the Caribbean.",
            "es": "Para los países de América Latina y el Caribe.",
        },
        regions=("419",),
        languages=("en", "es"),
    ),
    Audience(
        {"en": "for the Andean countries", "es": "para los países andinos"},
        {
            "en": "For Bolivia, Colombia, Ecuador, Peru and Venezuela.",
            "es": "Para Bolivia, Colombia, Ecuador, Perú y Venezuela.",
        },
        countries=("BO", "CO", "EC", "PE", "VE"),
        languages=("en", "es"),
    ),
    Audience(
        {"en": "for Caribbean island States", "es": "para los Estados insulares del Caribe"},
        {
            "en": "For small island developing States of the Caribbean.",
            "es": "Para los pequeños Estados insulares en desarrollo del Caribe.",
        },
        regions=("029",),
        groups=("SIDS",),
        languages=("en", "es"),
    ),
    Audience(
        {"en": "for South-East Asia"},
        {"en": "For the member countries of ASEAN and Timor-Leste."},
        regions=("035",),
        languages=("en",),
    ),
    Audience(
        {"en": "for Central Asia and economies in transition"},
        {"en": "For Central Asian countries and other economies in transition."},
        regions=("143",),
        groups=("EIT",),
        languages=("en",),
    ),
    Audience(
        {"en": "for the Congo Basin countries", "fr": "pour les pays du bassin du Congo"},
        {
            "en": "For Cameroon, the Central African Republic, Congo, the Democratic Republic of "
            "the Congo, Equatorial Guinea and Gabon.",
            "fr": "Pour le Cameroun, le Congo, le Gabon, la Guinée équatoriale, la République "
            "centrafricaine et la République démocratique du Congo.",
        },
        countries=("CM", "CF", "CG", "CD", "GQ", "GA"),
        languages=("en", "fr"),
    ),
    Audience(
        {"en": "for landlocked developing countries"},
        {"en": "For landlocked developing countries."},
        groups=("LLDC",),
        languages=("en",),
    ),
    Audience(
        {"en": "for the Mekong countries"},
        {"en": "For Cambodia, Lao PDR, Myanmar, Thailand and Viet Nam."},
        countries=("KH", "LA", "MM", "TH", "VN"),
        languages=("en",),
    ),
]


# --- Building the data --------------------------------------------------------------------------
FUNDERS = ("funding_agency", "un_agency")


@dataclass(frozen=True)
class Profile:
    """A demo organisation as the record builders see it: who it is and what it knows."""

    name: str
    acronym: str
    type_code: str
    country: str
    operation: tuple[str, ...]
    themes: tuple[str, ...]
    languages: tuple[str, ...]

    @property
    def slug(self) -> str:
        return _slug(self.acronym or self.name)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _profiles() -> list[Profile]:
    """Every demo organisation with its expertise, in a fixed order."""
    rows = [
        (name, acronym, type_code, country, *DEMO_ORGANISATION_PROFILES[name])
        for name, acronym, type_code, country, _website, _description in DEMO_ORGANISATIONS
    ]
    rows += [entry[:7] for entry in PARTNERS]
    return [
        Profile(
            name,
            acronym,
            type_code,
            country,
            tuple(operation.split()),
            tuple(themes.split()),
            tuple(languages.split()),
        )
        for name, acronym, type_code, country, operation, themes, languages in rows
    ]


def _topic(theme: str) -> str:
    return THEMES[theme][0]


def _activity(theme: str) -> str:
    return THEMES[theme][1]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _targets(themes: Iterable[str], *also: int) -> list[int]:
    return sorted({*(number for theme in themes for number in THEMES[theme][2]), *also})


@dataclass
class Spec:
    """A record to create: its fields, its many-to-many values (codes) and its key."""

    organisation: str  # name of the organisation
    language: str
    texts: dict[str, str]  # "title_fr" -> text...
    fields: dict[str, Any]
    relations: dict[str, Sequence[Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # what else follows (downloads...)

    @property
    def title(self) -> str:
        return self.texts[f"title_{self.language}"]


class Vocabularies:
    """The reference rows the demo records point to, loaded once (a query per vocabulary)."""

    def __init__(self) -> None:
        def by_code(model):
            return {row.code: row for row in model.objects.all()}

        self.countries = by_code(Country)
        self.regions = by_code(Region)
        self.groups = by_code(CountryGroup)
        self.targets = {row.number: row for row in GBFTarget.objects.all()}
        self.themes = by_code(ThematicArea)
        self.support_types = by_code(SupportType)
        self.capacity_levels = by_code(CapacityLevel)
        self.languages = by_code(Language)
        self.organisation_types = by_code(OrganisationType)
        self.resource_types = by_code(ResourceType)
        self.opportunity_types = by_code(OpportunityType)
        self.event_types = by_code(EventType)

    def rows(self, relation: str, codes: Iterable[Any]) -> list[Model]:
        table = {
            "countries": self.countries,
            "eligible_countries": self.countries,
            "countries_of_operation": self.countries,
            "regions_of_operation": self.regions,
            "eligible_regions": self.regions,
            "eligible_groups": self.groups,
            "targets": self.targets,
            "thematic_areas": self.themes,
            "support_types": self.support_types,
            "capacity_levels": self.capacity_levels,
            "languages": self.languages,
        }[relation]
        return [table[code] for code in codes]


class DemoData:
    """Builds the specs of every record from the tables above. Each record type has a random
    generator of its own, so that what one builds never depends on what the others did."""

    def __init__(self, *, today: datetime.date, vocabularies: Vocabularies) -> None:
        self.rng = random.Random(SEED)
        self.today = today
        self.now = timezone.now()
        self.vocabularies = vocabularies
        self.profiles = _profiles()

    # Helpers
    def days_ago(self, days: float) -> datetime.datetime:
        moment = self.now - datetime.timedelta(days=days)
        return moment.replace(minute=0, second=0, microsecond=0)

    def place(self, profile: Profile) -> str:
        codes = [code for code in profile.operation if len(code) == 2] or [profile.country]
        code = self.rng.choice(codes)
        return PLACE_NAMES.get(code) or self.vocabularies.countries[code].name

    def pick(self, candidates: Sequence[Profile]) -> Profile:
        return self.rng.choice(candidates)

    def experts_in(self, themes: Iterable[str], *, language: str = "en") -> list[Profile]:
        themes = set(themes)
        found = [
            profile
            for profile in self.profiles
            if themes & set(profile.themes) and language in profile.languages
        ]
        return found or [p for p in self.profiles if language in p.languages]

    def status_and_dates(
        self, *, draft: float, closed: float, oldest: int
    ) -> tuple[str, datetime.datetime, datetime.datetime | None]:
        """A status, a creation date and (for public records) a first publication date."""
        created = self.days_ago(self.rng.randint(20, oldest))
        roll = self.rng.random()
        if roll < draft:
            return RecordStatus.DRAFT, created, None
        published = created + datetime.timedelta(days=self.rng.randint(0, 10))
        published = min(published, self.now)
        if roll < draft + closed:
            return RecordStatus.CLOSED, created, published
        return RecordStatus.PUBLISHED, created, published

    # Records
    def offers(self) -> list[Spec]:
        self.rng = random.Random(f"{SEED}:offers")
        specs: list[Spec] = []
        seen: set[tuple[str, str]] = set()
        # The offers the demo requests were matched with (see needs/demo.py).
        fixed = [
            (OFFER_BASES[0], AUDIENCES[0], "Biodiversity Capacity Network"),
            (OFFER_BASES[-1], AUDIENCES[2], "Institute for Island Ecosystems"),
            (OFFER_BASES[6], AUDIENCES[6], "Andean Conservation Fund"),
        ]
        for base, audience, provider in fixed:
            specs.append(self._offer_en(base, audience, provider, status=RecordStatus.PUBLISHED))
            seen.add((specs[-1].title, provider))
        index = 0
        while len(specs) < 66:
            base = OFFER_BASES[index % len(OFFER_BASES)]
            index += 1
            audience = self.rng.choice([a for a in AUDIENCES if "en" in a.languages])
            financial = "financial" in base[2].split()
            # Funders offer money; the others know-how.
            candidates = [
                p
                for p in self.experts_in(base[3].split())
                if (p.type_code in FUNDERS if financial else p.type_code != "funding_agency")
            ] or [p for p in self.profiles if p.type_code in FUNDERS]
            provider = self.pick(candidates).name
            spec = self._offer_en(base, audience, provider)
            if (spec.title, provider) not in seen:
                seen.add((spec.title, provider))
                specs.append(spec)
        for base in OFFER_BASES_TRANSLATED:
            language = base[0]
            audiences = [a for a in AUDIENCES if language in a.languages]
            for audience in self.rng.sample(audiences, 2 if language == "es" else 1):
                provider = self.pick(self.experts_in(base[6].split(), language=language)).name
                spec = self._offer_translated(base, audience, provider)
                if (spec.title, provider) not in seen:
                    seen.add((spec.title, provider))
                    specs.append(spec)
        return specs

    def _offer_fields(self, *, financial: bool, status: str | None = None) -> dict[str, Any]:
        if status is None:
            status = self.rng.choices(
                [
                    RecordStatus.DRAFT,
                    RecordStatus.PAUSED,
                    RecordStatus.CLOSED,
                    RecordStatus.PUBLISHED,
                ],
                weights=[7, 8, 8, 77],
            )[0]
        created = self.days_ago(self.rng.randint(30, 900))
        available_from = (created + datetime.timedelta(days=self.rng.randint(0, 60))).date()
        if status == RecordStatus.CLOSED:
            available_until = self.today - datetime.timedelta(days=self.rng.randint(5, 200))
            available_from = min(available_from, available_until - datetime.timedelta(days=90))
        elif status == RecordStatus.DRAFT:
            available_from = self.today + datetime.timedelta(days=self.rng.randint(20, 90))
            available_until = available_from + datetime.timedelta(days=365)
        else:
            available_until = (
                None
                if self.rng.random() < 0.3
                else self.today + datetime.timedelta(days=self.rng.randint(60, 720))
            )
        fields: dict[str, Any] = {
            "status": status,
            "created_at": created,
            "published_at": None if status == RecordStatus.DRAFT else created,
            "closed_automatically": status == RecordStatus.CLOSED and self.rng.random() < 0.7,
            "available_from": available_from,
            "available_until": available_until,
            "cost": Offer.Cost.AT_COST if self.rng.random() < 0.15 else Offer.Cost.FREE,
            "max_concurrent_requests": self.rng.choice([None, None, 1, 2, 3, 5, 10]),
        }
        if financial:
            low = self.rng.choice([5000, 10000, 20000, 50000])
            fields.update(
                contribution=Offer.Contribution.FINANCIAL,
                cost=Offer.Cost.FREE,
                budget_min=Decimal(low),
                budget_max=Decimal(low * self.rng.choice([3, 5, 10])),
                budget_currency=self.rng.choice(["USD", "USD", "EUR"]),
            )
        return fields

    def _offer_relations(
        self, *, support: str, themes: str, levels: str, audience: Audience, language: str
    ) -> dict[str, Sequence[Any]]:
        languages = [language, *(["en"] if language != "en" else [])]
        if self.rng.random() < 0.3:
            languages.append(self.rng.choice(["fr", "es", "pt", "ar"]))
        return {
            "support_types": support.split(),
            "thematic_areas": themes.split(),
            "targets": _targets(themes.split(), 20),
            "capacity_levels": levels.split(),
            "languages": sorted(set(languages)),
            "eligible_countries": audience.countries,
            "eligible_regions": audience.regions,
            "eligible_groups": audience.groups,
        }

    def _offer_en(self, base, audience: Audience, provider: str, status=None) -> Spec:
        title, description, support, themes, levels = base
        suffix = audience.titles["en"]
        return Spec(
            organisation=provider,
            language="en",
            texts={
                "title_en": f"{title} {suffix}".strip(),
                "description_en": f"{description} {audience.sentences['en']}",
            },
            fields=self._offer_fields(financial="financial" in support.split(), status=status),
            relations=self._offer_relations(
                support=support, themes=themes, levels=levels, audience=audience, language="en"
            ),
        )

    def _offer_translated(self, base, audience: Audience, provider: str) -> Spec:
        language, title, description, title_en, description_en, support, themes, levels = base
        suffix = audience.titles[language]
        texts = {
            f"title_{language}": f"{title} {suffix}".strip(),
            f"description_{language}": f"{description} {audience.sentences[language]}",
        }
        if title_en and "en" in audience.titles:
            texts["title_en"] = f"{title_en} {audience.titles['en']}".strip()
            texts["description_en"] = f"{description_en} {audience.sentences['en']}"
        return Spec(
            organisation=provider,
            language=language,
            texts=texts,
            fields=self._offer_fields(financial=False),
            relations=self._offer_relations(
                support=support,
                themes=themes,
                levels=levels,
                audience=audience,
                language=language,
            ),
        )

    def initiatives(self) -> list[Spec]:
        self.rng = random.Random(f"{SEED}:initiatives")
        specs: list[Spec] = []
        seen: set[tuple[str, str]] = set()
        while len(specs) < 30:
            lead = self.pick(self.profiles)
            theme = self.rng.choice(lead.themes)
            place = self.place(lead)
            title = self.rng.choice(INITIATIVE_TITLES).format(
                topic=_topic(theme), Topic=_capitalised(_topic(theme)), place=place
            )
            title = _capitalised(title)
            if (title, lead.name) in seen:
                continue
            seen.add((title, lead.name))
            others = [p for p in self.experts_in([theme]) if p.name != lead.name]
            partners = self.rng.sample(others, k=min(len(others), self.rng.randint(0, 3)))
            stage = self.rng.choice(
                [Initiative.Stage.PLANNED]
                + [Initiative.Stage.ONGOING] * 3
                + [Initiative.Stage.COMPLETED] * 2
            )
            if stage == Initiative.Stage.PLANNED:
                start = self.today + datetime.timedelta(days=self.rng.randint(30, 240))
            elif stage == Initiative.Stage.ONGOING:
                start = self.today - datetime.timedelta(days=self.rng.randint(60, 900))
            else:
                start = self.today - datetime.timedelta(days=self.rng.randint(1200, 2400))
            end = start + datetime.timedelta(days=self.rng.choice([730, 1095, 1460]))
            if stage == Initiative.Stage.COMPLETED:
                end = min(end, self.today - datetime.timedelta(days=self.rng.randint(30, 300)))
            status, created, published = self.status_and_dates(draft=0.07, closed=0, oldest=1000)
            if stage == Initiative.Stage.COMPLETED and status == RecordStatus.PUBLISHED:
                status = RecordStatus.CLOSED
            results = ""
            if stage != Initiative.Stage.PLANNED:
                results = self.rng.choice(INITIATIVE_RESULTS).format(
                    people=self.rng.randint(25, 400),
                    women=self.rng.randint(10, 120),
                    plans=self.rng.randint(1, 6),
                    members=self.rng.randint(30, 250),
                    sites=self.rng.randint(3, 40),
                    languages=self.rng.randint(2, 5),
                )
                if stage == Initiative.Stage.ONGOING:
                    results = f"So far: {results}"
            countries = [c for c in lead.operation if len(c) == 2] or [lead.country]
            specs.append(
                Spec(
                    organisation=lead.name,
                    language="en",
                    texts={
                        "title_en": title,
                        "description_en": (
                            f"Led by {lead.name}, this initiative helps national and local "
                            f"institutions {_activity(theme)}. It combines training, "
                            "mentoring and small pilot investments, and shares what it learns "
                            "through the portal."
                        ),
                        "results_en": results,
                    },
                    fields={
                        "status": status,
                        "created_at": created,
                        "published_at": published,
                        "stage": stage,
                        "start_date": start,
                        "end_date": end,
                        "budget": Decimal(self.rng.choice([80, 150, 250, 400, 750, 1200]) * 1000),
                        "budget_currency": self.rng.choice(["USD", "USD", "EUR"]),
                        "website": f"https://{lead.slug}.example.org/projects/{_slug(title)[:60]}",
                        "other_partners": self.rng.choice(
                            ["", "", "Ministry of Environment; national university"]
                        ),
                    },
                    relations={
                        "countries": countries[:6],
                        "targets": _targets([theme]),
                        "thematic_areas": [theme],
                    },
                    extra={"partners": [p.name for p in partners]},
                )
            )
        return specs

    def resources(self) -> list[Spec]:
        self.rng = random.Random(f"{SEED}:resources")
        specs: list[Spec] = []
        seen: set[tuple[str, str]] = set()
        types = list(RESOURCE_TITLES)
        index = 0
        while len(specs) < 72:
            type_code = types[index % len(types)]
            index += 1
            owner = self.pick(self.profiles)
            theme = self.rng.choice(owner.themes)
            place = self.place(owner)
            template = self.rng.choice(RESOURCE_TITLES[type_code])
            title = _capitalised(
                template.format(topic=_topic(theme), Topic=_capitalised(_topic(theme)), place=place)
            )
            if (title, owner.name) in seen:
                continue
            seen.add((title, owner.name))
            description = RESOURCE_DESCRIPTIONS[type_code].format(
                activity=_activity(theme),
                place=place,
                organisation=owner.name,
                days=self.rng.randint(2, 5),
                minutes=self.rng.randint(4, 25),
            )
            texts = {"title_en": title, "description_en": description}
            specs.append(self._resource(owner, type_code, "en", texts, [theme]))
        for entry in RESOURCES_TRANSLATED:
            language, type_code, title, description, title_en, description_en, themes = entry
            owner = self.pick(self.experts_in(themes.split(), language=language))
            texts = {f"title_{language}": title, f"description_{language}": description}
            if title_en:
                texts.update(title_en=title_en, description_en=description_en)
            specs.append(self._resource(owner, type_code, language, texts, themes.split()))
        return specs

    def _resource(
        self,
        owner: Profile,
        type_code: str,
        language: str,
        texts: dict[str, str],
        themes: Sequence[str],
    ) -> Spec:
        status, created, published = self.status_and_dates(draft=0.06, closed=0.04, oldest=1100)
        extension = RESOURCE_EXTENSIONS[type_code]
        slug = _slug(texts[f"title_{language}"])[:70]
        if type_code == "video":
            url = f"https://video.example.org/{owner.slug}/{slug}"
        elif type_code == "software":
            url = f"https://code.example.org/{owner.slug}/{slug}"
        else:
            url = f"https://{owner.slug}.example.org/resources/{slug}.{extension}"
        licence = self.rng.choice(
            [Resource.Licence.OPEN_SOURCE]
            if type_code == "software"
            else [
                Resource.Licence.CC_BY,
                Resource.Licence.CC_BY,
                Resource.Licence.CC_BY_SA,
                Resource.Licence.CC_BY_NC_SA,
                Resource.Licence.ALL_RIGHTS_RESERVED,
            ]
        )
        languages = [language, *self.rng.sample(["en", "fr", "es"], self.rng.randint(0, 2))]
        downloads = 0
        if status != RecordStatus.DRAFT and type_code not in ("video", "software"):
            downloads = self.rng.choice([0, 0, 3, 8, 15, 25, 40, 60])
        return Spec(
            organisation=owner.name,
            language=language,
            texts=texts,
            fields={
                "status": status,
                "created_at": created,
                "published_at": published,
                "resource_type": self.vocabularies.resource_types[type_code],
                "url": url,
                "licence": licence,
                "authors": owner.name,
                "publication_year": (published or created).year,
            },
            relations={
                "languages": sorted(set(languages)),
                "targets": _targets(themes),
                "thematic_areas": themes,
            },
            extra={"downloads": downloads},
        )

    def opportunities(self) -> list[Spec]:
        self.rng = random.Random(f"{SEED}:opportunities")
        specs: list[Spec] = []
        seen: set[tuple[str, str]] = set()
        host = DEMO_ORGANISATIONS[0][0]  # the portal's programmes are run with its network
        for title, themes, deadline_days, open_days in PORTAL_PROGRAMMES:
            deadline = self.days_ago(-deadline_days).replace(hour=23)
            opens = deadline - datetime.timedelta(days=open_days)
            closed = deadline < self.now
            theme = themes.split()[0]
            specs.append(
                Spec(
                    organisation=host,
                    language="en",
                    texts={
                        "title_en": title,
                        "description_en": PORTAL_PROGRAMME_DESCRIPTION.format(
                            activity=_activity(theme)
                        ),
                        "eligibility_en": "Officials of CBD Parties that are developing "
                        "countries, nominated by their national focal point.",
                    },
                    fields={
                        "status": RecordStatus.CLOSED if closed else RecordStatus.PUBLISHED,
                        "closed_automatically": closed,
                        "created_at": opens - datetime.timedelta(days=10),
                        "published_at": opens,
                        "opportunity_type": self.vocabularies.opportunity_types["fellowship"],
                        "opens_at": opens,
                        "deadline": deadline,
                        "applications_on_portal": True,
                        "is_portal_programme": True,
                        "places": 6,
                    },
                    relations={
                        "targets": _targets(themes.split(), 20),
                        "thematic_areas": themes.split(),
                        "languages": ["en", "fr", "es"],
                        "eligible_groups": ["LDC", "SIDS"] if "islands" in themes else [],
                    },
                )
            )
            seen.add((title, host))
        plan = (
            ["training_course"] * 6
            + ["fellowship"] * 3
            + ["scholarship"] * 4
            + ["internship"] * 3
            + ["funding_call"] * 4
            + ["call_for_experts"] * 3
        )
        for position, type_code in enumerate(plan):
            owner = self.pick(
                [p for p in self.profiles if p.type_code == "funding_agency"]
                if type_code == "funding_call"
                else self.profiles
            )
            theme = self.rng.choice(owner.themes)
            title = _capitalised(
                self.rng.choice(OPPORTUNITY_TITLES[type_code]).format(topic=_topic(theme))
            )
            if (title, owner.name) in seen:
                title = f"{title} ({owner.acronym})"
            seen.add((title, owner.name))
            audience = self.rng.choice([a for a in AUDIENCES if "en" in a.languages])
            # Two in three open now, the others closed after their deadline; a couple drafts.
            if position % 11 == 5:
                status = RecordStatus.DRAFT
                deadline = self.days_ago(-self.rng.randint(60, 150))
            elif position % 3 == 2:
                status = RecordStatus.CLOSED
                deadline = self.days_ago(self.rng.randint(10, 500))
            else:
                status = RecordStatus.PUBLISHED
                deadline = self.days_ago(-self.rng.randint(10, 200))
            deadline = deadline.replace(hour=23)
            opens = deadline - datetime.timedelta(days=self.rng.randint(30, 90))
            on_portal = type_code == "training_course" and position == 0
            description = OPPORTUNITY_DESCRIPTIONS[type_code].format(
                activity=_activity(theme), months=self.rng.choice([3, 6, 9])
            )
            specs.append(
                Spec(
                    organisation=owner.name,
                    language="en",
                    texts={
                        "title_en": title,
                        "description_en": f"{description} {audience.sentences['en']}",
                        "eligibility_en": OPPORTUNITY_ELIGIBILITY[type_code],
                    },
                    fields={
                        "status": status,
                        "closed_automatically": status == RecordStatus.CLOSED,
                        "created_at": opens - datetime.timedelta(days=7),
                        "published_at": None if status == RecordStatus.DRAFT else opens,
                        "opportunity_type": self.vocabularies.opportunity_types[type_code],
                        "opens_at": opens,
                        "deadline": deadline,
                        "link": ""
                        if on_portal
                        else f"https://{owner.slug}.example.org/apply/{_slug(title)[:60]}",
                        "applications_on_portal": on_portal,
                        "places": self.rng.choice([None, 10, 15, 20, 25, 30]),
                    },
                    relations={
                        "targets": _targets([theme]),
                        "thematic_areas": [theme],
                        "languages": ["en"],
                        "eligible_countries": audience.countries,
                        "eligible_regions": audience.regions,
                        "eligible_groups": audience.groups,
                    },
                )
            )
        return specs

    def events(self) -> list[Spec]:
        self.rng = random.Random(f"{SEED}:events")
        specs: list[Spec] = []
        for type_code, theme, venue_index, days in EVENTS:
            organiser = self.pick(self.experts_in([theme]))
            title = EVENT_TITLES[type_code].format(topic=_topic(theme))
            if venue_index is None:
                city, country, time_zone, venue = "", None, self.rng.choice(ONLINE_TIME_ZONES), ""
                if type_code != "webinar":
                    title = f"{title} (online)"
            else:
                city, country, time_zone, venue = VENUES[venue_index]
                title = f"{title}, {city}"
            day_count, hours = DURATIONS[type_code]
            local_day = self.today + datetime.timedelta(days=days)
            start_hour = 14 if type_code == "webinar" else 9
            starts_at = datetime.datetime.combine(
                local_day, datetime.time(start_hour), tzinfo=zoneinfo.ZoneInfo(time_zone)
            )
            ends_at = starts_at + datetime.timedelta(days=day_count - 1, hours=hours)
            past = ends_at < self.now
            status = RecordStatus.CLOSED if past else RecordStatus.PUBLISHED
            if not past and days > 300:
                status = RecordStatus.DRAFT
            published = (
                None
                if status == RecordStatus.DRAFT
                else starts_at - datetime.timedelta(days=self.rng.randint(30, 120))
            )
            published = min(published, self.now) if published else None
            low, high = PARTICIPANTS[type_code]
            specs.append(
                Spec(
                    organisation=organiser.name,
                    language="en",
                    texts={
                        "title_en": _capitalised(title),
                        "description_en": EVENT_DESCRIPTIONS[type_code].format(
                            activity=_activity(theme)
                        ),
                    },
                    fields={
                        "status": status,
                        "closed_automatically": past,
                        "created_at": (published or self.now) - datetime.timedelta(days=3),
                        "published_at": published,
                        "event_type": self.vocabularies.event_types[type_code],
                        "starts_at": starts_at.astimezone(datetime.UTC),
                        "ends_at": ends_at.astimezone(datetime.UTC),
                        "time_zone": time_zone,
                        "is_online": venue_index is None,
                        "venue": venue,
                        "city": city,
                        "country": self.vocabularies.countries.get(country) if country else None,
                        "registration_url": f"https://{organiser.slug}.example.org/events/"
                        f"{_slug(title)[:60]}/register",
                        "participant_count": self.rng.randint(low, high) if past else None,
                    },
                    relations={
                        "languages": ["en", *(["fr"] if "fr" in organiser.languages else [])],
                        "targets": _targets([theme]),
                        "thematic_areas": [theme],
                    },
                )
            )
        return specs

    def agreements(self) -> list[Spec]:
        self.rng = random.Random(f"{SEED}:agreements")
        specs: list[Spec] = []
        used: set[str] = set()
        for kind, types, signed_days, lasts, status in AGREEMENTS:
            candidates = [
                p for p in self.profiles if p.type_code in types.split() and p.name not in used
            ]
            partner = self.pick(candidates)
            used.add(partner.name)
            theme = self.rng.choice(partner.themes)
            signed_on = self.today - datetime.timedelta(days=signed_days)
            ends_on = signed_on + datetime.timedelta(days=lasts) if lasts else None
            specs.append(
                Spec(
                    organisation=partner.name,
                    language="en",
                    texts={
                        "title_en": AGREEMENT_TITLES[kind].format(
                            acronym=partner.acronym, topic=_topic(theme)
                        ),
                        "description_en": AGREEMENT_DESCRIPTIONS[kind].format(
                            name=partner.name, activity=_activity(theme)
                        ),
                    },
                    fields={
                        "status": status,
                        "created_at": self.days_ago(signed_days + 5),
                        "published_at": None
                        if status == RecordStatus.DRAFT
                        else self.days_ago(max(signed_days - 3, 0)),
                        "kind": kind,
                        "signed_on": signed_on,
                        "ends_on": ends_on,
                    },
                )
            )
        return specs


# --- Writing ------------------------------------------------------------------------------------
def _link(model: type[Model], relation: str, pairs: Iterable[tuple[int, int]]) -> int:
    """Add many-to-many rows (record id, target id) in one ``bulk_create``."""
    model_field = model._meta.get_field(relation)
    through = model_field.remote_field.through
    source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
    rows = [through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in pairs]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _create_records(
    model: type[Model],
    specs: list[Spec],
    *,
    organisations: dict[str, Organisation],
    vocabularies: Vocabularies,
) -> list[tuple[Model, Spec]]:
    """Create the records of ``specs`` that do not exist yet (key: organisation and title in the
    record's language); returns the new ones with their specs."""
    organisation_field = model.ORGANISATION_FIELD
    existing = set()
    for row in model.objects.filter(
        **{f"{organisation_field}__in": list(organisations.values())}
    ).values_list(f"{organisation_field}_id", "language", "title_en", "title_fr", "title_es"):
        organisation_id, language, *titles = row
        existing.add(
            (organisation_id, dict(zip(("en", "fr", "es"), titles, strict=True))[language])
        )
    new = []
    for spec in specs:
        organisation = organisations[spec.organisation]
        if (organisation.pk, spec.title) in existing:
            continue
        existing.add((organisation.pk, spec.title))
        record = model(
            **{organisation_field: organisation},
            language=spec.language,
            **spec.texts,
            **spec.fields,
        )
        new.append((record, spec))
    model.objects.bulk_create([record for record, _spec in new], batch_size=200)
    relations: dict[str, list[tuple[int, int]]] = {}
    for record, spec in new:
        for relation, codes in spec.relations.items():
            relations.setdefault(relation, []).extend(
                (record.pk, row.pk) for row in vocabularies.rows(relation, codes)
            )
    for relation, pairs in relations.items():
        _link(model, relation, pairs)
    return new


def _organisations(
    data: DemoData, *, helpdesk: User, admin: User, partner_admin: User, partner_editor: User
) -> dict[str, Organisation]:
    vocabularies = data.vocabularies
    # The three organisations people sign in to, registered through the services.
    for name, acronym, type_code, country_code, website, description in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = services.organisation_register(
                by=partner_admin,
                name=name,
                acronym=acronym,
                organisation_type=vocabularies.organisation_types[type_code],
                country=vocabularies.countries[country_code],
                website=website,
                description=description,
            )
        if organisation.status != Organisation.Status.APPROVED:
            services.organisation_approve(organisation=organisation, by=admin)
        if not Membership.objects.filter(organisation=organisation, user=partner_editor).exists():
            services.membership_add(
                organisation=organisation,
                user=partner_editor,
                role=Membership.Role.EDITOR,
                by=partner_admin,
            )
    # Registrations waiting for the help desk.
    for name, acronym, type_code, country_code, description, by in PENDING:
        if not Organisation.objects.filter(name=name).exists():
            services.organisation_register(
                by=User.objects.get(email__iexact=demo_email(by)),
                name=name,
                acronym=acronym,
                organisation_type=vocabularies.organisation_types[type_code],
                country=vocabularies.countries[country_code],
                website=f"https://{_slug(acronym)}.example.org",
                description=description,
            )
    # The directory: approved over the last three years.
    existing = set(
        Organisation.objects.filter(name__in=[entry[0] for entry in PARTNERS]).values_list(
            "name", flat=True
        )
    )
    rng = random.Random(f"{SEED}:organisations")
    new = []
    for name, acronym, type_code, country_code, _op, _th, _la, description in PARTNERS:
        registered = data.now - datetime.timedelta(
            days=rng.randint(30, 1100), hours=rng.randint(0, 23)
        )
        if name in existing:
            continue
        new.append(
            Organisation(
                name=name,
                acronym=acronym,
                organisation_type=vocabularies.organisation_types[type_code],
                country=vocabularies.countries[country_code],
                website=f"https://{_slug(acronym)}.example.org",
                description=description,
                contact_name="Partnerships officer",
                contact_email=f"partnerships@{_slug(acronym)}.example.org",
                status=Organisation.Status.APPROVED,
                created_at=registered,
                decided_at=registered + datetime.timedelta(days=rng.randint(1, 12)),
                decided_by=helpdesk,
            )
        )
    Organisation.objects.bulk_create(new)
    names = [entry[0] for entry in DEMO_ORGANISATIONS] + [entry[0] for entry in PARTNERS]
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    # Expertise, for the organisations that have none yet.
    bare = set(
        Organisation.objects.filter(name__in=names, thematic_areas__isnull=True).values_list(
            "name", flat=True
        )
    )
    relations: dict[str, list[tuple[int, int]]] = {}
    for profile in data.profiles:
        if profile.name not in bare:
            continue
        organisation = organisations[profile.name]
        support = SUPPORT_BY_TYPE[profile.type_code]
        values = {
            "countries_of_operation": [c for c in profile.operation if len(c) == 2],
            "regions_of_operation": [c for c in profile.operation if len(c) == 3],
            "thematic_areas": profile.themes,
            "targets": _targets(profile.themes, 20),
            "support_types": rng.sample(support, min(len(support), rng.randint(2, 3))),
            "languages": profile.languages,
        }
        for relation, codes in values.items():
            relations.setdefault(relation, []).extend(
                (organisation.pk, row.pk) for row in vocabularies.rows(relation, codes)
            )
    for relation, pairs in relations.items():
        _link(Organisation, relation, pairs)
    return organisations


def _downloads(data: DemoData, new_resources, people: dict[str, User]) -> int:
    """Downloads over the last two years, from many countries (a few from non-Parties or from
    unknown places, some by the demo focal points)."""
    rng = random.Random(f"{SEED}:downloads")
    countries = data.vocabularies.countries
    places = (
        ["KE"] * 6 + ["BR"] * 4 + ["SN", "PE", "FJ", "IN", "PH", "MX", "NP", "CM", "CO", "ZA"]
        + ["ID", "VN", "MA", "FR", "DE", "GB", "CA", "KZ", "EC", "WS"] + ["US"] * 3 + [None] * 5
    )  # fmt: skip
    downloaders = [
        ("focal.kenya", "KE", True),
        ("focal.kenya.chm", "KE", True),
        ("focal.brazil", "BR", True),
        ("learner", "SN", False),
        ("partner.editor", "MA", False),
    ]
    rows = []
    counts = {}
    two_years_ago = data.now - datetime.timedelta(days=730)
    for resource, spec in new_resources:
        wanted = spec.extra.get("downloads", 0)
        if not wanted or resource.published_at is None:
            continue
        first = max(resource.published_at, two_years_ago)
        span = (data.now - first).total_seconds()
        for _ in range(wanted):
            when = first + datetime.timedelta(seconds=rng.uniform(0, span))
            if rng.random() < 0.15:
                person, code, focal = rng.choice(downloaders)
                user = people[person]
            else:
                user, code, focal = None, rng.choice(places), False
            rows.append(
                ResourceDownload(
                    resource=resource,
                    downloaded_at=when,
                    user=user,
                    country=countries.get(code) if code else None,
                    by_focal_point=focal,
                )
            )
        counts[resource.pk] = wanted
    ResourceDownload.objects.bulk_create(rows, batch_size=500)
    for resource, _spec in new_resources:
        resource.download_count = counts.get(resource.pk, 0)
    Resource.objects.bulk_update(
        [resource for resource, _spec in new_resources if resource.pk in counts],
        ["download_count"],
        batch_size=200,
    )
    return len(rows)


def _applications(
    data: DemoData, opportunities: dict[str, Opportunity], people: dict[str, User], helpdesk: User
) -> int:
    """Applications to the portal's programmes (once each: one per person and opportunity)."""
    programmes = [opportunities.get(entry[0]) for entry in PORTAL_PROGRAMMES]
    existing = set(
        OpportunityApplication.objects.filter(
            opportunity__in=[p for p in programmes if p]
        ).values_list("opportunity_id", "applicant_id")
    )
    rows = []
    for index, person, country_code, status, motivation in PROGRAMME_APPLICATIONS:
        programme = programmes[index]
        applicant = people[person]
        if programme is None or (programme.pk, applicant.pk) in existing:
            continue
        submitted = programme.opens_at + (programme.deadline - programme.opens_at) * (
            0.2 + 0.1 * len(rows)
        )
        submitted = min(submitted, data.now - datetime.timedelta(hours=1))
        decided = status in (
            OpportunityApplication.Status.ACCEPTED,
            OpportunityApplication.Status.REJECTED,
        )
        reviewed_at = programme.deadline + datetime.timedelta(days=14) if decided else None
        rows.append(
            OpportunityApplication(
                opportunity=programme,
                applicant=applicant,
                country=data.vocabularies.countries[country_code],
                organisation_name="",
                motivation=motivation,
                status=status,
                submitted_at=submitted,
                reviewed_at=reviewed_at,
                reviewed_by=helpdesk if decided else None,
                review_note="Strong motivation and a clear plan for applying the learning."
                if status == OpportunityApplication.Status.ACCEPTED
                else "",
            )
        )
    OpportunityApplication.objects.bulk_create(rows)
    return len(rows)


def seed(*, log: Callable[[str], None]) -> None:
    with translation.override("en"):
        _seed(log=log)


def _seed(*, log: Callable[[str], None]) -> None:
    people = {
        local: User.objects.get(email__iexact=demo_email(local))
        for local in (
            "admin",
            "helpdesk",
            "partner.admin",
            "partner.editor",
            "learner",
            "focal.kenya",
            "focal.kenya.chm",
            "focal.brazil",
        )
    }
    vocabularies = Vocabularies()
    data = DemoData(today=timezone.localdate(), vocabularies=vocabularies)
    organisations = _organisations(
        data,
        helpdesk=people["helpdesk"],
        admin=people["admin"],
        partner_admin=people["partner.admin"],
        partner_editor=people["partner.editor"],
    )

    def create(model, specs):
        return _create_records(model, specs, organisations=organisations, vocabularies=vocabularies)

    offers = create(Offer, data.offers())
    initiatives = create(Initiative, data.initiatives())
    _link(
        Initiative,
        "partner_organisations",
        [
            (record.pk, organisations[name].pk)
            for record, spec in initiatives
            for name in spec.extra["partners"]
        ],
    )
    resources = create(Resource, data.resources())
    downloads = _downloads(data, resources, people)
    opportunities = create(Opportunity, data.opportunities())
    programme_titles = [entry[0] for entry in PORTAL_PROGRAMMES]
    programmes = {
        o.title_en: o
        for o in Opportunity.objects.filter(
            title_en__in=programme_titles, organisation=organisations[DEMO_ORGANISATIONS[0][0]]
        )
    }
    applications = _applications(data, programmes, people, people["helpdesk"])
    events = create(Event, data.events())
    agreements = create(PartnershipAgreement, data.agreements())

    approved = Organisation.objects.filter(status=Organisation.Status.APPROVED).count()
    pending = Organisation.objects.filter(status=Organisation.Status.PENDING).count()
    log(
        f"partners: {approved} approved organisations ({pending} pending); created "
        f"{len(offers)} offers, {len(initiatives)} initiatives, {len(resources)} resources "
        f"({downloads} downloads), {len(opportunities)} opportunities ({applications} "
        f"applications), {len(events)} events, {len(agreements)} agreements"
    )
