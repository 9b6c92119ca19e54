"""A scan stored by a worker killed before its row was committed is an orphan: `sweep_orphan_uploads` lists it
(dry run), removes it with --delete, and never touches a referenced scan or one younger than an hour."""

import datetime
import os
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests.factories import submitted_application

pytestmark = pytest.mark.django_db


def _age(name: str, hours: float):
    path = default_storage.path(name)
    then = (datetime.datetime.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(path, (then, then))


def sweep(*args) -> str:
    out = StringIO()
    call_command("sweep_orphan_uploads", *args, stdout=out)
    return out.getvalue()


def test_only_old_unreferenced_scans_are_listed_then_removed(member, organisation):
    application = submitted_application(organisation=organisation, user=member, sells_goods=True)
    kept = application.certificates.get().scan.name
    _age(kept, 5)
    orphan = default_storage.save("scans/999/orphan-left-by-a-killed-worker.pdf", ContentFile(b"%PDF-1.4"))
    _age(orphan, 2)
    fresh = default_storage.save("scans/999/upload-in-progress.pdf", ContentFile(b"%PDF-1.4"))

    listed = sweep()
    assert f"Orphan {orphan}" in listed and "1 orphan scan(s) found (dry run" in listed
    assert kept not in listed and fresh not in listed
    assert default_storage.exists(orphan)

    removed = sweep("--delete")
    assert f"Removed {orphan}" in removed and "1 orphan scan(s) removed." in removed
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept) and default_storage.exists(fresh)
    default_storage.delete(fresh)
