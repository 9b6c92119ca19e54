"""Fixtures for the applicant's side: drafts of `organisation` at each stage (the people are in
tests/conftest.py). Tests run on 2024-2025 dates (time-machine): from 01.01.2026 no list
of priority activities is in force and nothing can be submitted."""

import datetime

import pytest
import time_machine

from tests.factories import complete_draft

IN_FORCE_DAY = datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC)
NO_LIST_DAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def in_2025():
    """The clock on 02.06.2025, when order 37/RD (as amended) is in force."""
    with time_machine.travel(IN_FORCE_DAY, tick=False):
        yield IN_FORCE_DAY.date()


@pytest.fixture
def in_2026():
    """The clock on 25.11.2026, when no list is in force (37/RD abrogated from 01.01.2026)."""
    with time_machine.travel(NO_LIST_DAY, tick=False):
        yield NO_LIST_DAY.date()


@pytest.fixture
def draft(member, organisation):
    """A draft of the member's organisation with nothing answered."""
    from applications.applicant.services import application_create

    return application_create(organisation=organisation, user=member, today=datetime.date(2025, 6, 2))


@pytest.fixture
def eligible_draft(draft):
    from applications.models import Application

    for name in Application.ELIGIBILITY_FIELDS:
        setattr(draft, name, True)
    draft.save()
    return draft


@pytest.fixture
def ready_draft(member, organisation):
    """A draft with every section answered (activities 1 and 2, goods with one certificate)."""
    application = complete_draft(
        organisation=organisation, user=member, sells_goods=True, today=datetime.date(2025, 6, 2)
    )
    application.declaration_confirmed = False
    application.save()
    return application
