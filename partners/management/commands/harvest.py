"""Harvest partner sources now: the ones named, or every source that is due.

The hourly Celery job ``partners.tasks.harvest_due_sources`` does the same as ``--all-due`` in the
background; this command is for operators (a first harvest, a retry after a partner fixed a feed).
"""

from django.core.management.base import BaseCommand, CommandError

from partners import harvesting
from partners.models import HarvestRun


class Command(BaseCommand):
    help = "Harvest partner sources (Atom/RSS feeds or JSON record files) and print what changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            dest="source_ids",
            action="append",
            type=int,
            default=[],
            metavar="ID",
            help="Harvest this source (by id), due or not; may be given several times.",
        )
        parser.add_argument(
            "--all-due",
            action="store_true",
            help="Harvest every active source whose interval has elapsed.",
        )

    def handle(self, *args, source_ids, all_due, verbosity, **options):
        if not source_ids and not all_due:
            raise CommandError("Name sources with --source ID, or give --all-due.")
        ids = list(dict.fromkeys([*source_ids, *(harvesting.due_source_ids() if all_due else [])]))
        if not ids:
            self.stdout.write("No source is due.")
            return
        failures = 0
        for source_id in ids:
            run = harvesting.harvest(source_id)
            if run is None:
                failures += 1
                self.stderr.write(f"Source {source_id}: no such active source.")
                continue
            summary = (
                f"{run.source} (source {source_id}): {run.get_status_display()} - "
                f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
                f"{run.gone} gone (run {run.pk})"
            )
            if run.status == HarvestRun.Status.SUCCEEDED:
                self.stdout.write(self.style.SUCCESS(summary))
            else:
                failures += 1
                self.stderr.write(self.style.ERROR(summary))
            if verbosity > 1 or run.status != HarvestRun.Status.SUCCEEDED:
                self.stdout.write(run.report)
        if failures:
            raise CommandError(f"{failures} of {len(ids)} harvests failed.")
