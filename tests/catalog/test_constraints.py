"""Invariants held by the database as well as by clean(), on SQLite and on PostgreSQL.

On PostgreSQL an exclusion constraint refuses overlapping periods of one provision (deferred to the end of
the transaction, so it is checked here with SET CONSTRAINTS ... IMMEDIATE), and the unique constraint treats
an empty paragraph (an appendix as a whole) as equal to another empty one (NULLS NOT DISTINCT, PostgreSQL 15+).
SQLite has neither, so there only the model validation stands guard.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from catalog.models import LegalAct, Provision, ProvisionVersion

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL-only constraint")


def paragraph_2() -> Provision:
    return Provision.objects.get(act__code="37/RD", appendix=1, paragraph=2)


def overlapping_version() -> ProvisionVersion:
    return ProvisionVersion(
        provision=paragraph_2(), introduced_by=LegalAct.objects.get(code="413/NK"), text="An overlapping test wording."
    )


def test_clean_refuses_an_overlap_everywhere():
    with pytest.raises(ValidationError, match="overlaps another wording of the same provision"):
        overlapping_version().full_clean()


@on_postgresql
def test_postgresql_refuses_an_overlap_that_skips_validation():
    with pytest.raises(IntegrityError, match="catalog_version_periods_never_overlap"), transaction.atomic():
        overlapping_version().save()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS catalog_version_periods_never_overlap IMMEDIATE")


@on_postgresql
def test_postgresql_accepts_adjacent_half_open_periods():
    """[27.04.2019, 15.10.2023) and [15.10.2023, 01.01.2026) meet but do not overlap.

    Moving 413/NK re-derives the periods one wording at a time, through states that do overlap for a moment
    (the earlier wording is extended before the later one is shortened): hence the deferred constraint.
    """
    amendment = LegalAct.objects.get(code="413/NK")
    amendment.effective_from = datetime.date(2023, 10, 15)
    amendment.save()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # re-checks the deferred rows written by the resync


def test_one_appendix_as_a_whole_per_act_by_validation():
    duplicate = Provision(act=LegalAct.objects.get(code="37/RD"), appendix=2, paragraph=None)
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()


@on_postgresql
def test_one_appendix_as_a_whole_per_act_in_postgresql():
    with pytest.raises(IntegrityError), transaction.atomic():
        Provision.objects.create(act=LegalAct.objects.get(code="37/RD"), appendix=2, paragraph=None)


def test_a_recorded_wording_cannot_be_blank_in_the_database():
    version = paragraph_2().versions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProvisionVersion.objects.filter(pk=version.pk).update(text="")


def test_an_abrogation_needs_its_date_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalAct.objects.filter(code="37/RD").update(abrogated_from=None)
