"""factory_boy factories. The seeded catalog (migration catalog 0002) is in every test database; these
build further acts and wordings, e.g. a successor list or a hypothetical amendment."""

import datetime

import factory
from django.contrib.auth import get_user_model

from catalog.models import LegalAct, Provision, ProvisionVersion

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password(PASSWORD)


class LegalActFactory(factory.django.DjangoModelFactory):
    """A list act by default (it approves a list of provisions)."""

    class Meta:
        model = LegalAct
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{900 + n}/TEST")
    kind = LegalAct.Kind.LIST
    title = factory.LazyAttribute(lambda o: f"Test act {o.code}")
    issuer = "Test issuer"
    signed_on = datetime.date(2026, 3, 1)
    effective_from = datetime.date(2026, 3, 15)
    effective_from_confirmed = True


class AmendmentFactory(LegalActFactory):
    kind = LegalAct.Kind.AMENDMENT


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provision

    act = factory.SubFactory(LegalActFactory)
    appendix = 1
    paragraph = factory.Sequence(lambda n: n + 1)


class ProvisionVersionFactory(factory.django.DjangoModelFactory):
    """A recorded wording introduced by the provision's own act; its period follows from the acts."""

    class Meta:
        model = ProvisionVersion

    provision = factory.SubFactory(ProvisionFactory)
    introduced_by = factory.LazyAttribute(lambda o: o.provision.act)
    text = factory.Sequence(lambda n: f"Test activity number {n}.")
    text_recorded = True
    footnote = ""
