"""seed_demo: users, organisations and applications in several states, made through the services on
2024 and 2025 dates; running it twice adds nothing."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application, Certificate, Organisation, Status

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_realistic_queue_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "applicant@example.com        applicant-demo-2025" in out.getvalue()
    assert "nurlan@qazaqcode.kz" in out.getvalue()
    counts = {status: Application.objects.filter(status=status).count() for status in Status.values}
    assert counts[Status.DRAFT] >= 2 and counts[Status.WITHDRAWN] >= 2
    assert 8 <= counts[Status.SUBMITTED] <= 20
    # The reviewers' demo work (applications/review_demo.py) leaves one application in each later state.
    for status in (Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED, Status.REJECTED):
        assert counts[status] >= 1, status
    submitted = Application.objects.exclude(status=Status.DRAFT)
    assert {a.submitted_at.year for a in submitted} == {2024, 2025}
    for application in submitted:
        # Submitted on its reference date, through the service: each claim pinned to a wording then in force.
        assert application.reference_date == timezone.localdate(application.submitted_at)
        assert application.reference_date < datetime.date(2026, 1, 1)
        assert application.reference.startswith(f"AH-{application.created_at.year}-")
        assert all(claim.provision_version_id for claim in application.claims.all())
        assert application.history.filter(history_change_reason="Submitted").get().history_user is not None
    assert Certificate.objects.exists()

    totals = (
        User.objects.count(),
        Organisation.objects.count(),
        Application.objects.count(),
        Certificate.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert totals == (
        User.objects.count(),
        Organisation.objects.count(),
        Application.objects.count(),
        Certificate.objects.count(),
    )


def test_seed_demo_has_two_catalog_editors_so_four_eyes_can_be_tried():
    from catalog.apps import CATALOG_EDITORS

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "editor2@example.com          editor2-demo-2025" in out.getvalue()
    editors = User.objects.filter(groups__name=CATALOG_EDITORS, is_staff=True, is_superuser=False)
    assert sorted(editors.values_list("email", flat=True)) == ["editor2@example.com", "editor@example.com"]
    assert all(user.has_perm("catalog.publish_catalogchange") for user in editors)
