"""Scans that no certificate references: left by a worker killed between storing a scan and committing its row.
Lists them (a dry run) by default; `--delete` removes them. Only files older than an hour are considered, so an
upload whose transaction is still open is never touched."""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from applications.models import Certificate

SCANS = "scans"
MIN_AGE = datetime.timedelta(hours=1)


def scan_files(storage, folder: str = SCANS):
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from scan_files(storage, f"{folder}/{sub}")


def orphan_scans(*, now: datetime.datetime | None = None) -> list[str]:
    """Stored scans older than an hour that no certificate row references."""
    now = now or timezone.now()
    referenced = set(Certificate.objects.exclude(scan="").values_list("scan", flat=True))
    return sorted(
        name
        for name in scan_files(default_storage)
        if name not in referenced and default_storage.get_modified_time(name) < now - MIN_AGE
    )


class Command(BaseCommand):
    help = "List (or with --delete remove) stored scans older than an hour that no certificate references."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove them (without it, only list them)")

    def handle(self, *args, delete: bool = False, **options):
        orphans = orphan_scans()
        for name in orphans:
            if delete:
                default_storage.delete(name)
            self.stdout.write(("Removed " if delete else "Orphan ") + name)
        verb = "removed" if delete else "found (dry run: add --delete to remove them)"
        self.stdout.write(f"{len(orphans)} orphan scan(s) {verb}.")
