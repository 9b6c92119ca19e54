"""The admin's list of applications searches as the queue does (an index serves it at park scale)."""

import pytest

from tests.factories import OrganisationFactory, submitted_application

URL = "/admin/applications/application/"


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ['"', "NEAR(a b)", "'; DROP TABLE x; --", "x" * 300])
def test_admin_finds_by_name_words_bin_and_reference_and_takes_any_text(admin_client, hostile):
    alpha = submitted_application(organisation=OrganisationFactory(name="ТОО «Код Астаны»"))
    beta = submitted_application(organisation=OrganisationFactory(name="Beta Data LLP"))
    for term, found in [("астаны", alpha), (beta.organisation.bin[:6], beta), (alpha.reference.lower(), alpha)]:
        page = admin_client.get(URL, {"q": term}).content.decode()
        other = beta if found == alpha else alpha
        assert found.reference in page and other.reference not in page, term
    assert admin_client.get(URL, {"q": hostile}).status_code == 200
