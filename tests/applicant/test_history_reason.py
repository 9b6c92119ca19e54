"""A reason written to the history belongs to the save that made it, not to later saves of the same object."""

import pytest

from applications.applicant.services import application_create
from applications.workflow import save_with_history
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def test_a_history_reason_is_not_repeated_by_the_next_save():
    user = UserFactory()
    application = application_create(organisation=member_of(OrganisationFactory(), user).organisations.get(), user=user)
    application.sells_own_goods = False
    save_with_history(application, user=user)
    reasons = list(application.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["Draft started", None]
    assert set(application.history.values_list("history_user", flat=True)) == {user.pk}
