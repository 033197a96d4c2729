"""Write the public records of every app that publishes IATI activities to one IATI 2.03 XML
file, validate it against the vendored schema, and fail (exit status 1) when it is not valid.

The apps' sources are found in their ``iati`` modules (``chm_portal.core.iati.iati_sources``).
Rows are read in chunks and written as they come; the written file is then parsed whole to
validate it. Addresses of pages are made absolute with ``SITE_URL``, in the default language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chm_portal.core import iati


def absolute(path: str) -> str:
    return urljoin(settings.SITE_URL, path)


class Command(BaseCommand):
    help = "Export the public activities (initiatives, pilot projects) as IATI 2.03 XML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="Path of the XML file to write.")
        parser.add_argument(
            "--source",
            action="append",
            dest="sources",
            help="Only this source (repeatable), e.g. initiatives or projects.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sources = iati.iati_sources()
        known = {source.key for source in sources}
        wanted = options["sources"] or sorted(known)
        unknown = set(wanted) - known
        if unknown:
            names, choices = ", ".join(sorted(unknown)), ", ".join(sorted(known))
            raise CommandError(f"Unknown source(s): {names}; known: {choices}.")
        chosen = [source for source in sources if source.key in wanted]
        if not any(source.rows().exists() for source in chosen):
            # An IATI document must hold at least one activity.
            raise CommandError("No public activity to export: no file written.")
        output = Path(options["output"])
        counts: dict[str, int] = {}

        def activities():
            for source in chosen:
                counts[source.key] = 0
                for activity in iati.activities_of(
                    source.rows(), lambda row, source=source: source.activity(row, absolute)
                ):
                    counts[source.key] += 1
                    yield activity

        with translation.override(settings.LANGUAGE_CODE), output.open("wb") as handle:
            for chunk in iati.document_chunks(activities()):
                handle.write(chunk)
        errors = iati.validate_iati(output)
        if errors:
            for error in errors[:50]:
                self.stderr.write(error)
            raise CommandError(
                f"{output} is not valid IATI 2.03 XML: {len(errors)} error(s), the first above."
            )
        summary = ", ".join(f"{count} {key}" for key, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}: {summary}; valid IATI 2.03 XML."))
