"""Fixtures for the reviewers' side: applications of `organisation` in each state, made through the real
services (never hand-written rows). The people are in tests/conftest.py."""

import datetime

import pytest
from django.db import connection

from applications.models import Outcome, Verdict, Verification
from applications.review import services as review
from tests.conftest import require_service
from tests.factories import submitted_application

SUBMITTED_ON = datetime.date(2025, 3, 3)  # a Monday; 37/RD as amended by 130/NK and 413/NK is in force


def require_postgres() -> None:
    """Skip with a reason on SQLite; fail instead when REQUIRE_SERVICES=1 (CI)."""
    require_service("PostgreSQL (DATABASE_URL=postgres://...)", connection.vendor == "postgresql")


@pytest.fixture
def submitted(member, organisation):
    return submitted_application(organisation=organisation, user=member, on=SUBMITTED_ON)


@pytest.fixture
def goods_submitted(member, organisation):
    return submitted_application(organisation=organisation, user=member, on=SUBMITTED_ON, sells_goods=True)


@pytest.fixture
def in_review(submitted, rev):
    return review.application_take(application=submitted, user=rev, no_conflict=True)


@pytest.fixture
def goods_in_review(goods_submitted, rev):
    return review.application_take(application=goods_submitted, user=rev, no_conflict=True)


def tick_all(application, user, verdict=Verdict.CONFIRMED, note="Checked against the company's contracts."):
    for claim in application.claims.all():
        review.claim_tick(claim=claim, user=user, verdict=verdict, note=note)
    for certificate in application.certificates.all():
        review.certificate_verify(certificate=certificate, user=user, verification=Verification.VERIFIED, note="")


def approve(application, user):
    tick_all(application, user)
    return review.decision_record(application=application, user=user, outcome=Outcome.APPROVED, reasons="")


def login(client, user):
    client.force_login(user)
    return client
