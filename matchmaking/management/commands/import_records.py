"""Import a file in the record exchange format (``shared/matching/README.md``): offers with their
providers, and needs.

Offers are upserted by (source, id) through the harvesting machinery of ``partners`` (the file is
the source: offers of the source it no longer lists are closed); needs by (source, id) through
``needs.services.need_import``, published as they are at their source. Importing the same file
again changes nothing. Suggestions of the requests are recomputed in the background.
"""

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from needs.services import need_import
from partners.harvesting import HarvestError, import_record_file

NEED_LISTS = {
    "targets": "targets",
    "thematic_areas": "thematic_areas",
    "capacity_levels": "capacity_levels",
    "languages": "working_languages",
}


class Command(BaseCommand):
    help = "Import offers (with their providers) and needs from a file in the record format."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A JSON file in the record exchange format.")
        parser.add_argument(
            "--source",
            default="records",
            help="The source the records' ids belong to (default: records).",
        )

    def handle(self, *args, file: str, source: str, **options):
        path = Path(file)
        try:
            body = path.read_bytes()
            document = json.loads(body)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"{file} is not a JSON file: {error}.") from error
        if not isinstance(document, dict):
            raise CommandError(f"{file} is not a JSON object in the record exchange format.")
        as_of = _date(document.get("as_of"), "as_of") if document.get("as_of") else None
        offers = document.get("offers") or []
        needs = document.get("needs") or []
        if not isinstance(offers, list) or not isinstance(needs, list):
            raise CommandError("“offers” and “needs” must be lists.")

        if offers or as_of:
            try:
                run, batch = import_record_file(
                    source_name=source, path=str(path.resolve()), body=body, as_of=as_of
                )
            except HarvestError as error:
                raise CommandError(error.message) from error
            self.stdout.write(
                f"Offers: {run.created} created, {run.updated} updated, {run.unchanged} "
                f"unchanged, {run.gone} no longer in the file (closed), {len(batch.skipped)} "
                "skipped."
            )
            for external_id, reason in batch.skipped:
                self.stderr.write(f"  offer {external_id}: {reason}")

        counts = {"created": 0, "updated": 0, "unchanged": 0}
        skipped: list[tuple[str, str]] = []
        for position, item in enumerate(needs, start=1):
            label = str(item.get("id")) if isinstance(item, dict) else f"need {position}"
            try:
                with transaction.atomic():
                    _need, outcome = need_import(source=source, **_need_fields(item))
                counts[outcome] += 1
            except ValidationError as error:
                skipped.append((label, _error_text(error)))
        self.stdout.write(
            f"Needs: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {len(skipped)} skipped."
        )
        for label, reason in skipped:
            self.stderr.write(f"  need {label}: {reason}")
        if as_of:
            self.stdout.write(f"The file's records are judged at {as_of.isoformat()}.")


def _date(value: Any, name: str) -> datetime.date:
    day = parse_date(value) if isinstance(value, str) else None
    if day is None:
        raise CommandError(f"“{name}” is not a date in the form 2026-12-31: {value!r}.")
    return day


def _need_fields(item: Any) -> dict[str, Any]:
    """The arguments of ``need_import`` for one need of the file; ValidationError if malformed."""
    if not isinstance(item, dict):
        raise ValidationError("It is not an object.")
    raw_id = item.get("id")
    if not isinstance(raw_id, str | int) or not str(raw_id).strip():
        raise ValidationError("It has no “id”.")
    texts = {}
    for name in ("title", "description", "language", "country"):
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"“{name}” is missing or not text.")
        texts[name] = value.strip()
    lists = {}
    for name in (*NEED_LISTS, "support_types"):
        values = item.get(name) or []
        if not isinstance(values, list) or not all(isinstance(code, str) for code in values):
            raise ValidationError(f"“{name}” is not a list of codes.")
        lists[name] = values
    submitted = None
    if item.get("submitted"):
        day = parse_date(item["submitted"]) if isinstance(item["submitted"], str) else None
        if day is None:
            raise ValidationError("“submitted” is not a date in the form 2026-12-31.")
        submitted = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    if len(texts["language"]) > 10:
        raise ValidationError("“language” is not a language code.")
    return {
        "external_id": str(raw_id).strip(),
        "country_code": texts["country"].upper(),
        "language": texts["language"],
        "title": texts["title"],
        "description": texts["description"],
        "related": {field: lists[name] for name, field in NEED_LISTS.items()},
        "support_types": lists["support_types"],
        "submitted": submitted,
    }


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{name}: {' '.join(str(message) for message in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(message) for message in error.messages)
