"""``manage.py load_reference_data``: reload the reference files into an existing database."""

from django.core.management.base import BaseCommand, CommandParser

from chm_portal.vocabularies.services import reference_data_reload


class Command(BaseCommand):
    """Upsert countries, regions, targets and controlled lists from chm_portal/vocabularies/data.

    ``migrate`` loads the files once (migration 0002); run this after the files change. File
    values win over staff corrections of the same fields; use --dry-run to see them first.
    """

    help = (
        "Create or update reference data (countries, regions, GBF/Aichi targets, SDGs, "
        "controlled vocabularies) from the files in chm_portal/vocabularies/data. "
        "Values from the files replace staff edits of the same fields."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change, and roll the changes back.",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        report = reference_data_reload(dry_run=dry_run)
        for result in report.results:
            self.stdout.write(
                f"{result.model}: {len(result.created)} created, {len(result.updated)} updated, "
                f"{result.unchanged} unchanged"
            )
            if result.created:
                self.stdout.write(f"  created: {', '.join(result.created)}")
            if result.updated:
                self.stdout.write(f"  updated: {', '.join(result.updated)}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        elif report.changed:
            self.stdout.write(self.style.SUCCESS("Reference data updated."))
        else:
            self.stdout.write(self.style.SUCCESS("Reference data already up to date."))
