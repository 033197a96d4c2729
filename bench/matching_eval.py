"""Quality of the matching engine on record-format evaluation sets, beside two baselines.

For each file: nDCG@5 (gains 2 and 1), MRR (first offer graded >= 1), precision@3 and eligibility
violations in the top 10, over the needs with at least one relevant offer, for

- engine: the matching engine;
- structured: overlap (Jaccard) of the structured fields only;
- tfidf: plain word TF-IDF cosine of title + description.

The baselines rank the same eligible candidates (the engine's eligibility). Every top 10 is checked
against the eligibility rules re-implemented plainly below, as a cross-check of the engine.

    python bench/matching_eval.py [FILE ...] [--json] [--details] [--robustness]

Default FILEs: ../shared/matching/dev_set.json and every bench/data/*.json. Exit code 1 when the
engine misses the bar on any file: 0 violations, nDCG@5 >= 0.75, MRR >= 0.80, and nDCG@5 at least
0.05 above both baselines.

``--robustness`` also scores the engine on variants of each file: structured fields blanked,
lexicon phrases dropped at random, each weight moved up and down, every list shuffled.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import statistics
import sys
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from matchmaking.engine import (  # noqa: E402
    ALGORITHM_VERSION,
    Lexicon,
    OfferIndex,
    RecordSet,
    Weights,
    parse_record_set,
)

DEV_SET = ROOT.parent / "shared" / "matching" / "dev_set.json"
DATA_DIR = ROOT / "bench" / "data"
COUNTRIES_CSV = ROOT / "chm_portal" / "vocabularies" / "data" / "countries.csv"
FACETS = ("targets", "thematic_areas", "support_types", "capacity_levels")
TOP = 10
BAR = {"ndcg5": 0.75, "mrr": 0.80, "violations": 0, "margin": 0.05}


def default_files() -> list[Path]:
    """The development set (when checked out) and every evaluation set in bench/data/."""
    files = [DEV_SET] if DEV_SET.exists() else []
    return files + sorted(DATA_DIR.glob("*.json"))


# Eligibility, re-implemented from shared/matching/README.md on the raw JSON ---------------------


class EligibilityCheck:
    """The hard constraints, written independently of the engine."""

    def __init__(self, countries_csv: Path = COUNTRIES_CSV) -> None:
        self.areas: dict[str, set[str]] = {}
        with countries_csv.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                areas = {"001"}
                for column in ("m49_region_code", "m49_subregion_code"):
                    if row[column]:
                        areas.add(row[column])
                if row["m49_intermediate_region_code"]:
                    areas.add(row["m49_intermediate_region_code"])
                for column, group in (("ldc", "LDC"), ("sids", "SIDS"), ("lldc", "LLDC")):
                    if row[column] == "true":
                        areas.add(group)
                if row["eit_wesp"] == "true":
                    areas.add("EIT")
                self.areas[row["iso2"]] = areas

    def problems(self, need: dict[str, Any], offer: dict[str, Any], as_of: date) -> list[str]:
        found = []
        countries = offer.get("eligible_countries") or []
        regions = [str(r).zfill(3) for r in offer.get("eligible_regions") or []]
        groups = offer.get("eligible_groups") or []
        if countries or regions or groups:
            mine = self.areas.get(need["country"], {"001"})
            if need["country"] not in countries and not (mine & (set(regions) | set(groups))):
                found.append("country")
        need_languages, offer_languages = need.get("languages") or [], offer.get("languages") or []
        if need_languages and offer_languages and not set(need_languages) & set(offer_languages):
            found.append("language")
        start, end = offer.get("available_from"), offer.get("available_until")
        if start and date.fromisoformat(start) > as_of:
            found.append("not yet available")
        if end and date.fromisoformat(end) < as_of:
            found.append("expired")
        capacity = offer.get("remaining_capacity")
        if capacity is not None and capacity <= 0:
            found.append("no capacity")
        return found


# Metrics --------------------------------------------------------------------------------------


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    dcg = sum(grades.get(o, 0) / math.log2(i + 2) for i, o in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    return next((1.0 / (i + 1) for i, o in enumerate(ranked) if grades.get(o, 0) >= 1), 0.0)


def precision_at(ranked: list[str], grades: dict[str, int], k: int = 3) -> float:
    return sum(1 for o in ranked[:k] if grades.get(o, 0) >= 1) / k


# Baselines ------------------------------------------------------------------------------------


def _by_score(candidates: list[str], score: Callable[[str], float]) -> list[str]:
    return sorted(candidates, key=lambda o: (-score(o), o))[:TOP]


def structured_baseline(records: RecordSet) -> Callable[[Any, list[str]], list[str]]:
    offers = {str(o.id): o for o in records.offers}

    def codes(record: Any) -> set[str]:
        return {f"{facet}:{code}" for facet in FACETS for code in getattr(record, facet)}

    offer_codes = {oid: codes(o) for oid, o in offers.items()}

    def rank(need: Any, candidates: list[str]) -> list[str]:
        mine = codes(need)

        def jaccard(oid: str) -> float:
            union = mine | offer_codes[oid]
            return len(mine & offer_codes[oid]) / len(union) if union else 0.0

        return _by_score(candidates, jaccard)

    return rank


def tfidf_baseline(records: RecordSet) -> Callable[[Any, list[str]], list[str]]:
    ids = [str(o.id) for o in records.offers]
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform([f"{o.title} {o.description}" for o in records.offers])
    row = {oid: n for n, oid in enumerate(ids)}

    def rank(need: Any, candidates: list[str]) -> list[str]:
        query = vectorizer.transform([f"{need.title} {need.description}"])
        cosine = (matrix @ query.T).toarray().ravel()
        return _by_score(candidates, lambda oid: float(cosine[row[oid]]))

    return rank


# Evaluation -----------------------------------------------------------------------------------


def _as_of(records: RecordSet) -> date:
    return records.as_of or datetime.now(tz=UTC).date()


def engine_rankings(records: RecordSet, **build: Any) -> dict[str, list[str]]:
    """The engine's top 10 offer ids for each need with a relevant offer."""
    index = OfferIndex.build(records.offers, **build)
    judged = [
        n for n in records.needs if any(g >= 1 for g in records.relevance.get(n.id, {}).values())
    ]
    return {
        str(need_id): [str(s.offer_id) for s in ranked]
        for need_id, ranked in index.rank_many(judged, as_of=_as_of(records), top=TOP)
    }


def quality(records: RecordSet, rankings: dict[str, list[str]]) -> dict[str, float]:
    """Mean nDCG@5, MRR and P@3 of ``rankings`` over the needs with a relevant offer."""
    totals = {"ndcg5": 0.0, "mrr": 0.0, "p3": 0.0}
    judged = 0
    for need in records.needs:
        grades = {str(o): g for o, g in records.relevance.get(need.id, {}).items()}
        if not any(g >= 1 for g in grades.values()):
            continue
        judged += 1
        ranked = rankings[str(need.id)]
        totals["ndcg5"] += ndcg_at(ranked, grades)
        totals["mrr"] += reciprocal_rank(ranked, grades)
        totals["p3"] += precision_at(ranked, grades)
    return {k: round(v / judged, 4) if judged else 0.0 for k, v in totals.items()}


def evaluate(path: Path, check: EligibilityCheck) -> dict[str, Any]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    records = parse_record_set(raw)
    as_of = _as_of(records)
    raw_offers = {str(o["id"]): o for o in raw.get("offers", [])}
    raw_needs = {str(n["id"]): n for n in raw.get("needs", [])}
    index = OfferIndex.build(records.offers)
    baselines = {"structured": structured_baseline(records), "tfidf": tfidf_baseline(records)}
    systems = ("engine", *baselines)
    rankings: dict[str, dict[str, list[str]]] = {s: {} for s in systems}
    violations = dict.fromkeys(systems, 0)
    details = []
    for need in records.needs:
        grades = {str(o): g for o, g in records.relevance.get(need.id, {}).items()}
        if not any(g >= 1 for g in grades.values()):
            continue
        mask = index.eligible_mask(need, as_of=as_of)
        candidates = [str(oid) for oid, ok in zip(index.offer_ids, mask, strict=True) if ok]
        ranked = {"engine": [str(s.offer_id) for s in index.rank(need, as_of=as_of, top=TOP)]}
        for name, rank in baselines.items():
            ranked[name] = rank(need, candidates)
        for name, offer_ids in ranked.items():
            rankings[name][str(need.id)] = offer_ids
            violations[name] += sum(
                1
                for o in offer_ids
                if check.problems(raw_needs[str(need.id)], raw_offers[o], as_of)
            )
        details.append({"need": str(need.id), "grades": grades, "engine": ranked["engine"][:5]})
    totals = {s: {**quality(records, rankings[s]), "violations": violations[s]} for s in systems}
    engine = totals["engine"]
    best_baseline = max(totals[b]["ndcg5"] for b in baselines)
    passed = (
        engine["violations"] == BAR["violations"]
        and engine["ndcg5"] >= BAR["ndcg5"]
        and engine["mrr"] >= BAR["mrr"]
        and engine["ndcg5"] >= best_baseline + BAR["margin"]
    )
    return {
        "file": os.path.relpath(path),
        "as_of": as_of.isoformat(),
        "offers": len(records.offers),
        "needs": len(records.needs),
        "judged_needs": len(details),
        "systems": totals,
        "passed": passed,
        "details": details,
    }


# Robustness -----------------------------------------------------------------------------------

DROP_SHARES = (0.25, 0.5, 0.75)
DRAWS = (1, 2, 3)
NUDGES = (-0.15, -0.1, 0.1, 0.15)
LIST_FIELDS = (*FACETS, "languages", "eligible_countries", "eligible_regions", "eligible_groups")


def _blanked(records: RecordSet, offers_too: bool) -> RecordSet:
    empty = dict.fromkeys(FACETS, ())
    return replace(
        records,
        needs=[replace(n, **empty) for n in records.needs],
        offers=[replace(o, **empty) for o in records.offers] if offers_too else records.offers,
    )


def _shuffled(records: RecordSet, seed: int) -> RecordSet:
    rng = random.Random(seed)

    def shuffle(record: Any) -> Any:
        changes = {}
        for name in LIST_FIELDS:
            if hasattr(record, name):
                values = list(getattr(record, name))
                rng.shuffle(values)
                changes[name] = tuple(values)
        return replace(record, **changes)

    return replace(
        records,
        needs=[shuffle(n) for n in records.needs],
        offers=[shuffle(o) for o in records.offers],
    )


def _lexicons_without_phrases() -> dict[tuple[float, int], Lexicon]:
    """The reference lexicon with a share of its (concept, language, phrase) entries dropped."""
    concepts, phrases = Lexicon.read_files(**Lexicon.reference_files())
    entries = sorted(
        (key, lang, phrase)
        for key, by_lang in phrases.items()
        for lang, found in by_lang.items()
        for phrase in found
    )
    lexicons = {}
    for share in DROP_SHARES:
        for seed in DRAWS:
            dropped = set(random.Random(seed).sample(entries, round(share * len(entries))))
            kept: dict[str, dict[str, list[str]]] = {}
            for key, lang, phrase in entries:
                if (key, lang, phrase) not in dropped:
                    kept.setdefault(key, {}).setdefault(lang, []).append(phrase)
            lexicons[(share, seed)] = Lexicon(concepts, kept)
    return lexicons


def _nudged_weights() -> dict[str, Weights]:
    """Weights with one value moved by each of NUDGES (kept >= 0)."""
    base = Weights()
    out = {}
    names = [
        f.name for f in fields(Weights) if f.name not in ("facets", "similar_text", "min_reason")
    ]
    for name in names:
        for nudge in NUDGES:
            value = max(0.0, getattr(base, name) + nudge)
            out[f"{name}{nudge:+.2f}"] = replace(base, **{name: value})
    for facet in base.facets:
        for nudge in NUDGES:
            facets = {**base.facets, facet: max(0.0, base.facets[facet] + nudge)}
            out[f"facets.{facet}{nudge:+.2f}"] = replace(base, facets=facets)
    return out


def robustness(path: Path, lexicons: dict[tuple[float, int], Lexicon]) -> dict[str, Any]:
    """The engine's nDCG@5 and MRR on variants of one evaluation set."""
    records = parse_record_set(json.loads(path.read_text(encoding="utf-8")))
    reference = engine_rankings(records)
    base = quality(records, reference)
    out: dict[str, Any] = {"as given": base}
    out["needs' structured fields blanked"] = quality(
        records, engine_rankings(_blanked(records, offers_too=False))
    )
    out["needs' and offers' fields blanked"] = quality(
        records, engine_rankings(_blanked(records, offers_too=True))
    )
    for share in DROP_SHARES:
        runs = [
            quality(records, engine_rankings(records, lexicon=lexicons[(share, seed)]))
            for seed in DRAWS
        ]
        out[f"{share:.0%} of lexicon phrases dropped (mean of {len(DRAWS)})"] = {
            key: round(statistics.mean(run[key] for run in runs), 4) for key in base
        }
    nudged = {
        name: quality(records, engine_rankings(records, weights=weights))
        for name, weights in _nudged_weights().items()
    }
    worst = {
        key: max(nudged, key=lambda name, key=key: abs(nudged[name][key] - base[key]))
        for key in ("ndcg5", "mrr")
    }
    out["largest change, one weight moved by 0.10-0.15"] = {
        key: {
            "weight": worst[key] if nudged[worst[key]][key] != base[key] else "none",
            "change": round(nudged[worst[key]][key] - base[key], 4),
        }
        for key in worst
    }
    # Every list of every record shuffled: the rankings must stay exactly the same.
    out["identical with every list shuffled (3 seeds)"] = all(
        engine_rankings(_shuffled(records, seed)) == reference for seed in (1, 2, 3)
    )
    return out


# Output ---------------------------------------------------------------------------------------


def _table(result: dict[str, Any], details: bool) -> str:
    lines = [
        f"{result['file']} (as of {result['as_of']}): {result['offers']} offers, "
        f"{result['needs']} needs, {result['judged_needs']} with a relevant offer",
        f"{'system':<12} {'nDCG@5':>7} {'MRR':>7} {'P@3':>7} {'violations':>11}",
    ]
    for name, t in result["systems"].items():
        lines.append(
            f"{name:<12} {t['ndcg5']:>7.3f} {t['mrr']:>7.3f} {t['p3']:>7.3f} {t['violations']:>11}"
        )
    verdict = "PASS" if result["passed"] else "FAIL"
    lines.append(
        f"bar: 0 violations, nDCG@5 >= {BAR['ndcg5']}, MRR >= {BAR['mrr']}, nDCG@5 "
        f">= best baseline + {BAR['margin']}: {verdict}"
    )
    if details:
        for d in result["details"]:
            lines.append(f"  {d['need']}: relevant {d['grades']} -> engine top 5 {d['engine']}")
    robust = result.get("robustness")
    if robust:
        lines.append("robustness of the engine (nDCG@5 / MRR):")
        for name, value in robust.items():
            if isinstance(value, bool):
                shown = "yes" if value else "NO"
            elif isinstance(value["ndcg5"], dict):
                shown = (
                    f"{value['ndcg5']['change']:+.3f} ({value['ndcg5']['weight']}) / "
                    f"{value['mrr']['change']:+.3f} ({value['mrr']['weight']})"
                )
            else:
                shown = f"{value['ndcg5']:.3f} / {value['mrr']:.3f}"
            lines.append(f"  {name:<48} {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--details", action="store_true", help="list each need's engine top 5")
    parser.add_argument(
        "--robustness", action="store_true", help="also score variants of each file (slower)"
    )
    args = parser.parse_args(argv)
    files = args.files or default_files()
    if not files:
        parser.error(f"no evaluation set: {DEV_SET} is missing and {DATA_DIR} has no *.json")
    check = EligibilityCheck()
    results = [evaluate(path, check) for path in files]
    if args.robustness:
        lexicons = _lexicons_without_phrases()
        for result, path in zip(results, files, strict=True):
            result["robustness"] = robustness(path, lexicons)
    failed = [r["file"] for r in results if not r["passed"]]
    if args.json:
        for r in results:
            if not args.details:
                r.pop("details")
        print(json.dumps({"algorithm_version": ALGORITHM_VERSION, "results": results}, indent=2))
    else:
        print(f"matching engine {ALGORITHM_VERSION}")
        print("\n\n".join(_table(r, args.details) for r in results))
        print(
            f"\n{len(results) - len(failed)} of {len(results)} files meet the bar"
            + (f"; missed: {', '.join(failed)}" if failed else "")
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
