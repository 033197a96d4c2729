"""Recompute the indicators now, in this process (no worker needed), as the daily job does.

    python manage.py recompute_indicators [--as-of 2026-06-30] [--code 1.3 --code P.3]

Without ``--code`` every indicator and the gap analysis are computed; with it, only those
indicators. The day's values of what is computed are replaced (running it twice is harmless).
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from monitoring import services
from monitoring.indicators import get_indicator
from monitoring.models import RecomputeRun


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--as-of: {text!r} is not a date as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Compute the indicators (all, or those of --code) as of a day and store the values."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", dest="as_of", help="The day of the values, YYYY-MM-DD (default: today)."
        )
        parser.add_argument(
            "--code",
            dest="codes",
            action="append",
            metavar="CODE",
            help="An indicator's code (1.3, P.3...); repeat it for several. Default: all.",
        )

    def handle(self, *args, as_of: str | None = None, codes: list[str] | None = None, **options):
        day = _day(as_of) if as_of else None
        unknown = [code for code in codes or () if get_indicator(code) is None]
        if unknown:
            # Checked before the run is recorded: a refused command leaves no pending run.
            raise CommandError(f"No indicator has the code(s): {', '.join(unknown)}.")
        started = time.perf_counter()
        try:
            run = services.recompute_indicators(
                day, codes=codes, trigger=RecomputeRun.Trigger.COMMAND
            )
        except services.MonitoringError as error:
            raise CommandError(str(error)) from error
        except Exception as error:
            # The run is recorded as failed, with the error; the previous values are kept.
            raise CommandError(f"The recompute failed: {error!r}") from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Run {run.pk}: {run.indicators_computed} indicators as of {run.as_of}, "
                f"{run.values_written} values written in {seconds:.1f} s."
            )
        )
