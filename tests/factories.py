"""factory_boy factories and builders, shared by every test folder: users, organisations and applications
(made through the real services), and the catalog's acts and wordings. The seeded catalog (migration
catalog 0002) is in every test database; the catalog factories build further acts and wordings, e.g. a
successor list or a hypothetical amendment."""

import datetime
import random

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from applications.applicant.services import application_submit, new_draft
from applications.models import (
    ActivityClaim,
    Application,
    Certificate,
    CertificateKind,
    EmailVerification,
    Membership,
    Organisation,
)
from applications.roles import LEAD_REVIEWERS, REVIEWERS
from applications.validators import bin_check_digit
from catalog.models import LegalAct, Provision, ProvisionVersion

User = get_user_model()
PASSWORD = "correct-horse-battery-staple"

# The smallest file that libmagic identifies as a PDF document.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# --- people -------------------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose username is the e-mail address, as the product makes them."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.SelfAttribute("email")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """The address is verified unless `verified=False` (an account fresh from sign-up)."""
        if create and extracted is not False:
            EmailVerification.objects.get_or_create(user=user, defaults={"email": user.email.lower()})


def in_groups(user, *group_names: str):
    user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in group_names])
    return user


def reviewer(email="reviewer@example.com", lead=False) -> User:
    """A park reviewer (a lead reviewer with lead=True)."""
    return in_groups(UserFactory(email=email), REVIEWERS, *([LEAD_REVIEWERS] if lead else []))


# --- organisations and applications -------------------------------------------------------------------------


def make_bin(rng: random.Random | None = None) -> str:
    """A random BIN that passes the check digit: YYMM, entity type 4 (resident), head office 0."""
    rng = rng or random.Random()
    while True:
        first = f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}40{rng.randint(0, 99999):05d}"
        check = bin_check_digit(first)
        if check is not None:
            return first + str(check)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Example Software {n} LLP")
    bin = factory.LazyFunction(make_bin)
    legal_address = "Mangilik El 55/8, Astana"
    director = "A. Director"
    contact_email = factory.Sequence(lambda n: f"office{n}@example.kz")
    contact_phone = "+7 7172 000000"


def member_of(organisation: Organisation, user) -> User:
    Membership.objects.get_or_create(organisation=organisation, user=user)
    return user


def provision(paragraph: int, appendix: int = 1, act_code: str = "37/RD") -> Provision:
    return Provision.objects.get(act__code=act_code, appendix=appendix, paragraph=paragraph)


def complete_draft(
    *,
    organisation: Organisation,
    user: User,
    paragraphs=(1, 2),
    sells_goods: bool = False,
    certificates: int = 1,
    today: datetime.date = datetime.date(2024, 3, 15),
) -> Application:
    """A draft with every step answered, ready to submit (built directly: no check of who `user` is)."""
    application = new_draft(organisation=organisation, user=user, today=today)
    for name in Application.ELIGIBILITY_FIELDS:
        setattr(application, name, True)
    application.sells_own_goods = sells_goods
    application.declaration_confirmed = True
    application.save()
    for paragraph in paragraphs:
        ActivityClaim.objects.create(
            application=application,
            provision=provision(paragraph),
            explanation=f"We build and sell software for paragraph {paragraph}.",
        )
    if sells_goods:
        for n in range(certificates):
            certificate = Certificate(
                application=application,
                kind=CertificateKind.ST_KZ,
                number=f"KZ-{application.pk}-{n}",
                issued_on=datetime.date(2023, 1, 10),
                valid_until=datetime.date(2026, 1, 10),
                issuer="Chamber of Entrepreneurs of Astana",
                goods="Routers of the RX series",
                scan_name="certificate.pdf",
                scan_size=len(PDF_BYTES),
            )
            certificate.scan.save("certificate.pdf", ContentFile(PDF_BYTES), save=False)
            certificate.save()
    return application


def submitted_application(*, organisation=None, user=None, on: datetime.date = datetime.date(2024, 3, 15), **kwargs):
    """A complete application submitted on `on` through the real service."""
    user = user or UserFactory()
    organisation = organisation or OrganisationFactory()
    member_of(organisation, user)
    application = complete_draft(organisation=organisation, user=user, today=on, **kwargs)
    return application_submit(application=application, user=user, today=on)


# --- the catalog ----------------------------------------------------------------------------------------------


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
