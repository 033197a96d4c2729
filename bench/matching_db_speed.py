"""Recompute every request's stored suggestions through the database, as the nightly job does.

Where ``bench/matching_speed.py`` times the engine alone, this times the portal's path: load the
offers and requests from the database, build the index, rank, and replace the ``Suggestion`` rows,
in chunks of 500 requests (what one ``refresh_suggestions_chunk`` task does), in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chm_bench python bench/matching_db_speed.py

The database is created and migrated if needed; the synthetic records (``synthetic_records.py``)
are imported once with ``manage.py import_records`` (not timed; ``--reuse`` skips it when they are
there). Without ``DATABASE_URL`` a SQLite file in the temporary directory is used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_SECONDS = 120.0
TARGET_PEAK_MB = 1024.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup_django() -> None:
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'chm_bench_matching.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chm_portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    import django

    django.setup()


def _create_postgres_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg2

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _open_today(data: dict) -> dict:
    """Every offer available today, so that the portal holds all of them as suggestable (the
    generator spreads availability around its own ``as_of``)."""
    import datetime

    today = datetime.datetime.now(tz=datetime.UTC).date()
    data["as_of"] = today.isoformat()
    for offer in data["offers"]:
        if offer.get("available_from") and offer["available_from"] > today.isoformat():
            offer["available_from"] = today.isoformat()
        if offer.get("available_until") and offer["available_until"] < today.isoformat():
            offer["available_until"] = (today + datetime.timedelta(days=365)).isoformat()
    return data


def run(args: argparse.Namespace) -> dict:
    _create_postgres_database()
    _setup_django()
    from django.core.management import call_command
    from django.db import connection
    from synthetic_records import generate

    from matchmaking.models import Suggestion
    from matchmaking.selectors import suggestions as selectors
    from matchmaking.services.suggestions import CHUNK_SIZE, suggestions_refresh_needs
    from needs.models import Need
    from needs.signals import need_changed
    from partners.models import Offer
    from partners.signals import record_changed

    call_command("migrate", verbosity=0)
    source = f"bench-{args.offers}x{args.needs}-open"
    have = (
        Offer.objects.filter(source__name=source).count(),
        Need.objects.filter(source=source).count(),
    )
    if not (args.reuse and have == (args.offers, args.needs)):
        # The import is setup, not the measure: no refresh of suggestions on the way in.
        need_changed.receivers.clear()
        record_changed.receivers.clear()
        data = _open_today(generate(args.offers, args.needs, seed=args.seed))
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(data, file)
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("import_records", file.name, "--source", source, stdout=quiet)
        os.unlink(file.name)
        print(f"imported in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    if connection.vendor == "postgresql":
        # Fresh statistics after the bulk import, as autovacuum would gather them soon after.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    selectors.forget_cached_indexes()
    need_ids = list(
        selectors.needs_to_suggest_for()
        .filter(source=source)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    started = time.perf_counter()
    index = selectors.offer_index()
    built = time.perf_counter() - started
    stored = 0
    for start in range(0, len(need_ids), CHUNK_SIZE):
        stored += suggestions_refresh_needs(
            need_ids=need_ids[start : start + CHUNK_SIZE], related=False
        )
    total = time.perf_counter() - started
    return {
        "database": connection.vendor,
        "offers": len(index.offer_ids),
        "needs": len(need_ids),
        "index_from_database_s": round(built, 2),
        "recompute_all_s": round(total, 2),
        "suggestions_stored": stored,
        "rows_in_table": Suggestion.objects.count(),
        "peak_rss_mb": round(_peak_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="Keep records already imported.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args)
    ok = figures["recompute_all_s"] <= TARGET_SECONDS and figures["peak_rss_mb"] <= TARGET_PEAK_MB
    if args.json:
        print(json.dumps(figures | {"pass": ok}, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:<24} {value}")
        print(
            f"targets: all <= {TARGET_SECONDS:.0f} s, peak <= {TARGET_PEAK_MB:.0f} MB: "
            f"{'PASS' if ok else 'FAIL'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
