from django.apps import apps
from django.core.management.base import BaseCommand

from catalog.seed import load_catalog


class Command(BaseCommand):
    help = "Load order 37/RD and its amendments from catalog/data (idempotent: existing rows are kept)."

    def handle(self, *args, **options):
        created = load_catalog(apps)
        self.stdout.write(f"Catalog loaded: {created} rows created.")
