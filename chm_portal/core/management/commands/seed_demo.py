"""Fill the database with a realistic demonstration data set. Safe to run again.

Every app may have a ``demo.py`` module with a ``seed(*, log)`` function that creates its demo
records idempotently (get-or-create by a stable key). They run in the order of INSTALLED_APPS, so an
app's demo data can rely on the data of the apps it depends on.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from chm_portal.core.app_modules import app_modules


class Command(BaseCommand):
    help = "Create or refresh the demonstration data of every app (idempotent)."

    def handle(self, *args, **options):
        seeded = []
        for app_config, module in app_modules("demo"):
            with transaction.atomic():
                module.seed(log=self.stdout.write)
            seeded.append(app_config.label)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({', '.join(seeded)})."))
