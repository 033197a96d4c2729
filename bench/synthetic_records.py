"""Generate realistic record-format data (offers with providers, needs) for speed benchmarks.

Titles and descriptions are built in English, French and Spanish from the portal's vocabulary
labels, the engine's lexicon terms and sentence templates; eligibility lists, languages, dates,
capacities and empty structured fields follow plausible distributions. No relevance grades.

    python bench/synthetic_records.py --offers 10000 --needs 10000 --seed 1 -o FILE.json
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "chm_portal" / "vocabularies" / "data"
LEXICON = ROOT / "matchmaking" / "engine" / "data"
LANGUAGES = ("en", "fr", "es")

OFFER_TITLES = {
    "en": ["{support} on {topic}", "{topic}: {support} for {audience}", "{support} in {area}"],
    "fr": ["{support} sur {topic}", "{topic} : {support} pour {audience}", "{support} en {area}"],
    "es": ["{support} sobre {topic}", "{topic}: {support} para {audience}", "{support} en {area}"],
}
OFFER_SENTENCES = {
    "en": [
        "We offer {support} to {audience} working on {topic}.",
        "The programme covers {topic}, {topic2} and practical tools for {area}.",
        "Participants learn methods for {topic2} and receive follow-up support from our experts.",
        "Activities combine workshops, field visits and remote advice on {area}.",
        "Support is delivered online and in person, in {language_names}.",
        "Priority is given to institutions that plan to address {topic} in national plans.",
        "Materials, templates and case studies on {topic2} are shared with all partners.",
        "Our team has worked with ministries, universities and community organisations on {topic}.",
        "Each partner receives a review of its plans for {area} and advice on {topic2}.",
        "Costs of travel and participation can be covered for {audience} from eligible countries.",
    ],
    "fr": [
        "Nous proposons {support} aux {audience} qui travaillent sur {topic}.",
        "Le programme couvre {topic}, {topic2} et des outils pratiques en {area}.",
        "Les participants apprennent des méthodes pour {topic2} et bénéficient d'un suivi.",
        "Les activités associent ateliers, visites de terrain et conseils à distance.",
        "L'appui est dispensé en ligne et sur place, en {language_names}.",
        "La priorité est donnée aux institutions qui intègrent {topic} dans leurs plans.",
        "Des supports, modèles et études de cas sur {topic2} sont partagés avec les partenaires.",
        "Notre équipe a travaillé avec des ministères, des universités et des associations.",
        "Chaque partenaire reçoit une revue de ses plans en {area} et des conseils sur {topic2}.",
        "Les frais de voyage peuvent être pris en charge pour les {audience} des pays éligibles.",
    ],
    "es": [
        "Ofrecemos {support} a {audience} que trabajan en {topic}.",
        "El programa abarca {topic}, {topic2} y herramientas prácticas de {area}.",
        "Los participantes aprenden métodos de {topic2} y reciben acompañamiento posterior.",
        "Las actividades combinan talleres, visitas de campo y asesoría a distancia.",
        "El apoyo se brinda en línea y de forma presencial, en {language_names}.",
        "Se da prioridad a las instituciones que incluyen {topic} en sus planes.",
        "Materiales, plantillas y estudios de caso sobre {topic2} se comparten con los socios.",
        "Nuestro equipo ha trabajado con ministerios, universidades y organizaciones comunitarias.",
        "Cada socio recibe una revisión de sus planes de {area} y asesoría sobre {topic2}.",
        "Los gastos de viaje pueden cubrirse para {audience} de países elegibles.",
    ],
}
NEED_TITLES = {
    "en": ["Strengthening {topic}", "Support for {topic} in our country", "{topic} and {topic2}"],
    "fr": ["Renforcer {topic}", "Appui pour {topic}", "{topic} et {topic2}"],
    "es": ["Fortalecer {topic}", "Apoyo para {topic}", "{topic} y {topic2}"],
}
NEED_SENTENCES = {
    "en": [
        "Our {audience} lack experience with {topic}.",
        "We need {support} to address {topic2} in {area}.",
        "The ministry wants to improve {topic} and train its staff.",
        "Data on {topic2} are scattered and incomplete.",
        "We would welcome exchanges with other countries facing similar problems.",
        "Local communities depend on {area} and must be involved.",
        "Recent assessments show growing pressure from {topic2} across the country.",
        "The national strategy sets targets on {topic} that we cannot yet monitor.",
        "We prefer practical, hands-on support followed by remote mentoring.",
    ],
    "fr": [
        "Nos {audience} manquent d'expérience en {topic}.",
        "Nous avons besoin de {support} pour traiter {topic2} en {area}.",
        "Le ministère souhaite améliorer {topic} et former ses agents.",
        "Les données sur {topic2} sont dispersées et incomplètes.",
        "Nous souhaitons des échanges avec d'autres pays confrontés aux mêmes problèmes.",
        "Les communautés locales dépendent de {area} et doivent être associées.",
        "Des évaluations récentes montrent une pression croissante liée à {topic2}.",
        "La stratégie nationale fixe des cibles sur {topic} que nous ne savons pas suivre.",
        "Nous préférons un appui pratique suivi d'un accompagnement à distance.",
    ],
    "es": [
        "Nuestros {audience} tienen poca experiencia en {topic}.",
        "Necesitamos {support} para abordar {topic2} en {area}.",
        "El ministerio quiere mejorar {topic} y capacitar a su personal.",
        "Los datos sobre {topic2} están dispersos e incompletos.",
        "Quisiéramos intercambios con otros países con problemas similares.",
        "Las comunidades locales dependen de {area} y deben participar.",
        "Evaluaciones recientes muestran una presión creciente por {topic2} en el país.",
        "La estrategia nacional fija metas sobre {topic} que aún no podemos monitorear.",
        "Preferimos un apoyo práctico seguido de acompañamiento a distancia.",
    ],
}
AUDIENCES = {
    "en": ["government officials", "park rangers", "researchers", "NGOs", "local communities"],
    "fr": ["agents de l'État", "écogardes", "chercheurs", "ONG", "communautés locales"],
    "es": ["funcionarios", "guardaparques", "investigadores", "ONG", "comunidades locales"],
}
LANGUAGE_NAMES = {
    "en": {"en": "English", "fr": "French", "es": "Spanish", "pt": "Portuguese", "ru": "Russian"},
    "fr": {"en": "anglais", "fr": "français", "es": "espagnol", "pt": "portugais", "ru": "russe"},
    "es": {"en": "inglés", "fr": "francés", "es": "español", "pt": "portugués", "ru": "ruso"},
}
ORG_TYPES = ("ngo", "academia", "igo", "government", "un_agency", "network", "private_sector")


class _Vocabulary:
    """Labels and terms the texts are built from."""

    def __init__(self) -> None:
        vocab = json.loads((REFERENCE / "vocabularies.json").read_text(encoding="utf-8"))
        self.support = vocab["support_types"]
        self.thematic = vocab["thematic_areas"]
        self.capacity = [t["code"] for t in vocab["capacity_levels"]]
        self.targets = [f"GBF-T{n}" for n in range(1, 24)]
        self.topics: dict[str, list[dict[str, Any]]] = {}  # thematic code -> topic entries
        self.any_topics: list[dict[str, Any]] = []
        self.target_of: dict[str, list[str]] = {}
        for path in sorted(LEXICON.glob("lexicon_*.json")):
            for key, entry in json.loads(path.read_text(encoding="utf-8"))["concepts"].items():
                implies = entry.get("implies", [])
                if key.startswith("ta:"):
                    self.target_of[key[3:]] = [c for c in implies if c.startswith("GBF-")]
                if ":" in key or key.startswith("GBF-") or not all(entry.get(x) for x in LANGUAGES):
                    continue
                self.any_topics.append(entry)
                for parent in implies:
                    if parent.startswith("ta:"):
                        self.topics.setdefault(parent[3:], []).append(entry)
        with (REFERENCE / "countries.csv").open(encoding="utf-8", newline="") as f:
            rows = [r for r in csv.DictReader(f) if r["iso3"]]
        self.countries = [r["iso2"] for r in rows]
        self.regions = sorted(
            {r[c] for r in rows for c in ("m49_region_code", "m49_subregion_code") if r[c]}
        )


def _pick(rng: random.Random, items: list[Any], low: int, high: int) -> list[Any]:
    return rng.sample(items, min(len(items), rng.randint(low, high)))


def _languages(rng: random.Random, language: str) -> list[str]:
    extra = [lang for lang in ("en", "fr", "es", "pt", "ru") if lang != language]
    return [language, *_pick(rng, extra, 0, 2)] if rng.random() < 0.95 else []


def _text(
    rng: random.Random,
    vocab: _Vocabulary,
    language: str,
    themes: list[dict[str, str]],
    supports: list[dict[str, str]],
    languages: list[str],
    *,
    need: bool,
) -> tuple[str, str]:
    pool = [e for t in themes for e in vocab.topics.get(t["code"], [])] or vocab.any_topics
    topics = [rng.choice(rng.choice(pool)[language]) for _ in range(4)]
    names = LANGUAGE_NAMES[language]
    fill = {
        "support": rng.choice(supports)[language].lower(),
        "topic": topics[0],
        "topic2": topics[1],
        "area": rng.choice(themes)[language].lower(),
        "audience": rng.choice(AUDIENCES[language]),
        "language_names": ", ".join(names.get(x, x) for x in (languages or [language])),
    }
    titles, sentences = (NEED_TITLES, NEED_SENTENCES) if need else (OFFER_TITLES, OFFER_SENTENCES)
    title = rng.choice(titles[language]).format(**fill)
    body = []
    for sentence in _pick(rng, sentences[language], 5, 7):
        fill["topic"], fill["topic2"] = rng.sample(topics, 2)
        body.append(sentence.format(**fill))
    return title[0].upper() + title[1:], " ".join(body)


def _codes(rng: random.Random, codes: list[str], blank: float) -> list[str]:
    return [] if rng.random() < blank else _pick(rng, codes, 1, 3)


def _day(rng: random.Random, start: date, days: int) -> date:
    return start + timedelta(days=rng.randrange(days))


def generate(offers: int, needs: int, seed: int = 1) -> dict[str, Any]:
    """A record-format dict with ``offers`` offers and ``needs`` needs."""
    rng = random.Random(seed)
    vocab = _Vocabulary()
    out_offers, out_needs = [], []
    for n in range(offers):
        language = rng.choices(LANGUAGES, weights=(78, 12, 10))[0]
        themes, supports = _pick(rng, vocab.thematic, 1, 3), _pick(rng, vocab.support, 1, 3)
        languages = _languages(rng, language)
        title, description = _text(rng, vocab, language, themes, supports, languages, need=False)
        targets = sorted({t for th in themes for t in vocab.target_of.get(th["code"], [])})
        blank = rng.random() < 0.1
        kind = rng.random()
        start = _day(rng, date(2024, 1, 1), 900) if rng.random() < 0.9 else None
        until = (start or date(2025, 1, 1)) + timedelta(days=rng.randint(180, 1500))
        out_offers.append(
            {
                "id": f"SO-{n + 1:05d}",
                "title": title,
                "description": description,
                "language": language,
                "provider": {
                    "id": f"SP-{rng.randrange(max(1, offers // 4)) + 1:05d}",
                    "name": f"Provider {n % 997}",
                    "type": rng.choice(ORG_TYPES),
                    "country": rng.choice(vocab.countries),
                },
                "support_types": [] if blank else [s["code"] for s in supports],
                "thematic_areas": [] if blank else [t["code"] for t in themes],
                "targets": [] if blank else targets[:3],
                "capacity_levels": [] if blank else _pick(rng, vocab.capacity, 1, 2),
                "languages": languages,
                "eligible_countries": (
                    _pick(rng, vocab.countries, 1, 6) if 0.55 <= kind < 0.65 else []
                ),
                "eligible_regions": _pick(rng, vocab.regions, 1, 2) if 0.65 <= kind < 0.85 else [],
                "eligible_groups": (
                    _pick(rng, ["LDC", "SIDS", "LLDC", "EIT"], 1, 2) if kind >= 0.85 else []
                ),
                "available_from": start.isoformat() if start else None,
                "available_until": until.isoformat() if rng.random() < 0.85 else None,
                "remaining_capacity": None if rng.random() < 0.7 else rng.randint(0, 30),
            }
        )
    for n in range(needs):
        language = rng.choices(LANGUAGES, weights=(40, 40, 20))[0]
        themes, supports = _pick(rng, vocab.thematic, 1, 2), _pick(rng, vocab.support, 1, 2)
        languages = _languages(rng, language)
        title, description = _text(rng, vocab, language, themes, supports, languages, need=True)
        targets = sorted({t for th in themes for t in vocab.target_of.get(th["code"], [])})
        out_needs.append(
            {
                "id": f"SN-{n + 1:05d}",
                "title": title,
                "description": description,
                "language": language,
                "country": rng.choice(vocab.countries),
                "support_types": [s["code"] for s in supports] if rng.random() > 0.45 else [],
                "thematic_areas": [t["code"] for t in themes] if rng.random() > 0.45 else [],
                "targets": targets[:2] if rng.random() > 0.6 else [],
                "capacity_levels": _codes(rng, vocab.capacity, 0.6),
                "languages": languages,
                "submitted": _day(rng, date(2025, 6, 1), 500).isoformat(),
            }
        )
    return {"as_of": "2026-11-01", "offers": out_offers, "needs": out_needs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    data = generate(args.offers, args.needs, args.seed)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
