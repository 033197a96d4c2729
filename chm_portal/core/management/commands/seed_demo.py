"""Fill the database with a realistic demonstration data set. Safe to run again.

Every app may have a ``demo.py`` module with a ``seed(*, log)`` function that creates its demo
records idempotently (get-or-create by a stable key). They run in the order of INSTALLED_APPS, so an
app's demo data can rely on the data of the apps it depends on.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create or refresh the demonstration data of every app (idempotent)."

    def handle(self, *args, **options):
        seeded = []
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            with transaction.atomic():
                module.seed(log=self.stdout.write)
            seeded.append(app_config.label)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({', '.join(seeded)})."))
