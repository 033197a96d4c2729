"""Rank the offers eligible for requests, as the portal's suggestions do, and print them.

``NEED_ID`` is a request's reference (``NEED-2026-00042``) or its imported id (``N-001``). The
JSON output maps each request's id (the imported id when it has one) to its suggestions, best
first: ``{"offer": id, "score": float, "reasons": [...]}``, the offer's id being its imported id
when it has one. Offers are judged at ``--as-of``, else at the date of the file the request was
imported from, else today. Computes in this process: no broker or worker needed.
"""

import datetime
import json
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation
from django.utils.dateparse import parse_date

from matchmaking.reasons import reason_texts
from matchmaking.selectors import suggestions as selectors
from needs.models import Need
from partners.models import HarvestSource, Offer


class Command(BaseCommand):
    help = "Print the ranked, explained suggestions of offers for requests."

    def add_arguments(self, parser):
        parser.add_argument("need_ids", nargs="*", metavar="NEED_ID")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="all_needs",
            help="Every request open to suggestions.",
        )
        parser.add_argument("--top", type=int, default=10, help="Suggestions per request.")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument("--as-of", dest="as_of", help="Judge offers at this date (ISO).")
        parser.add_argument(
            "--language", default="en", help="Language of the reasons (en, fr or es)."
        )

    def handle(self, *args, need_ids, all_needs, top, format, as_of, language, **options):
        if top < 1:
            raise CommandError("--top must be 1 or more.")
        if not need_ids and not all_needs:
            raise CommandError("Name the requests (reference or imported id) or use --all.")
        as_of_date = None
        if as_of:
            as_of_date = parse_date(as_of)
            if as_of_date is None:
                raise CommandError(f"--as-of is not a date in the form 2026-12-31: {as_of!r}.")
        needs = selectors.needs_to_suggest_for() if all_needs else _resolve(need_ids)
        records = selectors.need_records(needs)
        keys = _need_keys(needs)
        dates = _judged_at(needs, as_of_date)
        by_date = defaultdict(list)
        for record in records:
            by_date[dates[record.id]].append(record)
        ranked = {}
        for day, group in sorted(by_date.items()):
            index = selectors.offer_index(as_of=day)
            ranked.update(index.rank_many(group, as_of=day, top=top))
        offer_keys = _offer_keys({item.offer_id for items in ranked.values() for item in items})
        with translation.override(language):
            result = {
                keys[record.id]: [
                    {
                        "offer": offer_keys[item.offer_id],
                        "score": item.score,
                        "reasons": reason_texts(
                            [(reason.code, reason.value) for reason in item.reasons]
                        ),
                    }
                    for item in ranked.get(record.id, [])
                ]
                for record in records
            }
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for need_key, items in result.items():
            self.stdout.write(need_key)
            if not items:
                self.stdout.write("  (no eligible offer)")
            for rank, item in enumerate(items, start=1):
                self.stdout.write(
                    f"  {rank:>2}. {item['offer']!s:<16} {item['score']:.4f}  "
                    + "; ".join(item["reasons"])
                )


def _resolve(need_ids: list[str]):
    pks = []
    for need_id in need_ids:
        found = list(
            Need.objects.filter(Q(reference=need_id) | Q(external_id=need_id)).values_list(
                "pk", "source"
            )
        )
        if not found:
            raise CommandError(f"No request has the reference or imported id {need_id!r}.")
        if len(found) > 1:
            sources = ", ".join(sorted(source for _pk, source in found))
            raise CommandError(f"{need_id!r} is the id of requests of several sources: {sources}.")
        pks.append(found[0][0])
    return Need.objects.filter(pk__in=pks)


def _need_keys(needs) -> dict[int, str]:
    return {
        pk: external_id or reference
        for pk, reference, external_id in needs.values_list("pk", "reference", "external_id")
    }


def _offer_keys(offer_ids) -> dict[int, str | int]:
    return {
        pk: external_id if source_id and external_id else pk
        for pk, source_id, external_id in Offer.objects.filter(pk__in=offer_ids).values_list(
            "pk", "source_id", "external_id"
        )
    }


def _judged_at(needs, as_of: datetime.date | None) -> dict[int, datetime.date]:
    """The date each request's offers are judged at."""
    today = selectors.today()
    if as_of:
        return dict.fromkeys(needs.values_list("pk", flat=True), as_of)
    source_dates = dict(
        HarvestSource.objects.filter(
            organisation__isnull=True, records_as_of__isnull=False
        ).values_list("name", "records_as_of")
    )
    return {pk: source_dates.get(source, today) for pk, source in needs.values_list("pk", "source")}
