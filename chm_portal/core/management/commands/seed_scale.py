"""Fill a PostgreSQL database with the scale data set: the size a global secretariat reaches.

At ``--scale 1``: the 196 Parties, 20,000 people, 100,000 requests for assistance, 5,000 partner
organisations, 10,000 offers, 50,000 resources, 2,000 courses and 200,000 enrolments, with their
matches, suggestions, projects and a year of indicator history (see each app's ``scale.py``).
``--scale 0.01`` writes a hundredth of it, for a quick run and the tests. The same ``--seed``
gives the same data.

Every app may have a ``scale.py`` module with a ``generate(ctx)`` function; they run in the order
of INSTALLED_APPS (as ``seed_demo`` runs the ``demo.py`` modules), all in one transaction, so a
failure leaves the database as it was. Rows are written with COPY (``chm_portal.core.scale``),
which is why the command needs PostgreSQL; it refuses a database that already holds the set.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from chm_portal.core.app_modules import app_modules
from chm_portal.core.scale import SCALE_EMAIL_DOMAIN, ScaleContext, analyse, check_foreign_keys


class Command(BaseCommand):
    help = "Write the large benchmark data set (PostgreSQL only; --scale 1 is the full size)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Fraction of the full size to write (default 1: 100,000 requests...).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument(
            "--history-months",
            type=int,
            default=12,
            help="Months of indicator history to compute (default 12; each is a recompute).",
        )

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale writes with PostgreSQL's COPY: set DATABASE_URL to a PostgreSQL "
                f"database (this one is {connection.vendor})."
            )
        scale = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if get_user_model().objects.filter(email__iendswith=f"@{SCALE_EMAIL_DOMAIN}").exists():
            raise CommandError(
                "This database already holds the scale data set: use a fresh database "
                "(createdb, then manage.py migrate)."
            )
        ctx = ScaleContext(
            scale=scale,
            seed=options["seed"],
            log=self.stdout.write,
            history_months=max(0, options["history_months"]),
        )
        self.stdout.write(f"Writing the scale data set at scale {scale} (seed {ctx.seed}):")
        generated = []
        with transaction.atomic():
            for app_config, module in app_modules("scale"):
                generate = getattr(module, "generate", None)
                if generate is None:  # a module of helpers only (core's)
                    continue
                self.stdout.write(f"{app_config.label}:")
                generate(ctx)
                generated.append(app_config.label)
            ctx.step("foreign keys checked in bulk", check_foreign_keys())
        analyse()
        ctx.step("ANALYZE", 0)
        for label, work in ctx.deferred:
            self.stdout.write(f"{label}:")
            work()
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data set ready ({', '.join(generated)}) in "
                f"{time.perf_counter() - ctx.started:.0f} s."
            )
        )
