import io

import pytest
from django.core.management import call_command

from applications.models import Application, Decision, Status
from applications.review.demo import seed_review_demo


@pytest.mark.django_db
def test_demo_review_work_is_made_through_the_services_and_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    seed_review_demo(out)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {Status.APPROVED, Status.REJECTED, Status.CHANGES_REQUESTED, Status.IN_REVIEW, Status.SUBMITTED} <= statuses
    assert Decision.objects.count() == 2
    assert all(d.history.exists() for d in Decision.objects.all())
    before = list(Application.objects.order_by("pk").values_list("status", "assigned_reviewer"))
    again = io.StringIO()
    seed_review_demo(again)
    assert "already in place" in again.getvalue()
    assert list(Application.objects.order_by("pk").values_list("status", "assigned_reviewer")) == before
