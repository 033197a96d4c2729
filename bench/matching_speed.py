"""Speed and memory of the matching engine on synthetic data.

Builds the index for 10,000 offers (first in a fresh process, which also loads the lexicon, then
again, as a worker does when offers change), ranks single needs against it (median and p95 over
200 needs), then ranks 10,000 needs (top 10 each) in chunks, and reports the peak resident memory.

    python bench/matching_speed.py [--offers 10000] [--needs 10000] [--single 200] [--json]
    python bench/matching_speed.py --file FILE.json     # a record-format file instead

Exit code 1 when a target is missed: first build <= 3 s, one need <= 150 ms (median and p95), all
needs <= 120 s, peak memory <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "bench"))

from synthetic_records import generate  # noqa: E402

from matchmaking.engine import ALGORITHM_VERSION, OfferIndex, parse_record_set  # noqa: E402

TARGETS = {
    "build_s": 3.0,
    "single_median_ms": 150.0,
    "single_p95_ms": 150.0,
    "all_needs_s": 120.0,
    "peak_mb": 1024.0,
}


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def run(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    if args.file:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    else:
        data = generate(args.offers, args.needs, args.seed)
    records = parse_record_set(data)
    del data
    as_of = records.as_of
    prepared = time.perf_counter() - started

    started = time.perf_counter()
    index = OfferIndex.build(records.offers)
    build_s = time.perf_counter() - started
    del index
    started = time.perf_counter()
    index = OfferIndex.build(records.offers)  # as a worker rebuilds it when offers change
    rebuild_s = time.perf_counter() - started

    singles = records.needs[: args.single]
    index.rank(singles[0], as_of=as_of)  # warm-up: first call fills the per-country caches
    times = []
    for need in singles:
        started = time.perf_counter()
        index.rank(need, as_of=as_of, top=10)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()

    started = time.perf_counter()
    suggestions = 0
    for _, ranked in index.rank_many(records.needs, as_of=as_of, top=10):
        suggestions += len(ranked)
    all_s = time.perf_counter() - started

    figures = {
        "algorithm_version": ALGORITHM_VERSION,
        "offers": len(records.offers),
        "needs": len(records.needs),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "prepare_data_s": round(prepared, 2),
        "build_s": round(build_s, 2),
        "rebuild_s": round(rebuild_s, 2),
        "single_needs": len(times),
        "single_median_ms": round(statistics.median(times), 1),
        "single_p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
        "all_needs_s": round(all_s, 1),
        "all_needs_per_s": round(len(records.needs) / all_s, 1),
        "suggestions": suggestions,
        "peak_mb": round(_peak_mb(), 1),
    }
    figures["missed"] = [k for k, limit in TARGETS.items() if figures[k] > limit]
    return figures


def _table(f: dict) -> str:
    rows = [
        ("offers indexed", f"{f['offers']:,}", ""),
        ("build index (fresh process)", f"{f['build_s']:.2f} s", "<= 3 s"),
        ("rebuild index (same process)", f"{f['rebuild_s']:.2f} s", ""),
        (
            f"rank 1 need (median of {f['single_needs']})",
            f"{f['single_median_ms']:.1f} ms",
            "<= 150 ms",
        ),
        ("rank 1 need (p95)", f"{f['single_p95_ms']:.1f} ms", "<= 150 ms"),
        (f"rank {f['needs']:,} needs, top 10", f"{f['all_needs_s']:.1f} s", "<= 120 s"),
        ("  throughput", f"{f['all_needs_per_s']:.0f} needs/s", ""),
        ("peak memory (RSS)", f"{f['peak_mb']:.0f} MB", "<= 1024 MB"),
    ]
    lines = [f"matching engine {f['algorithm_version']}, {f['cpus']} CPUs, Python {f['python']}"]
    lines.append(f"{'measure':<34} {'value':>14}  target")
    lines += [f"{name:<34} {value:>14}  {target}" for name, value, target in rows]
    lines.append("all targets met" if not f["missed"] else f"MISSED: {', '.join(f['missed'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=200, help="needs timed one by one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", help="record-format file to use instead of synthetic data")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args)
    print(json.dumps(figures, indent=2) if args.json else _table(figures))
    return 1 if figures["missed"] else 0


if __name__ == "__main__":
    sys.exit(main())
