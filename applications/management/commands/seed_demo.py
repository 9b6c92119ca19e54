"""Demo users, organisations and applications for `make run`. Idempotent: running it twice adds nothing.

Applications are made through the same services the pages use, with the clock set (time-machine) to
the dates they were "made" on in 2024 and 2025, when order 37/RD was in force: so reference numbers,
submission dates, pinned wordings and the audit history all agree with each other.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications.applicant import accounts, services
from applications.applicant.services import application_create, application_withdraw
from applications.models import Application, Membership, Organisation
from applications.review.demo import seed_review_demo
from applications.roles import LEAD_REVIEWERS, REVIEWERS
from catalog.apps import CATALOG_EDITORS
from catalog.models import Provision

DEMO_USERS = [
    # (e-mail, password, groups, superuser)
    ("admin@example.com", "admin-demo-2025", [], True),
    ("editor@example.com", "editor-demo-2025", [CATALOG_EDITORS], False),
    # A second editor, so that four eyes (one enters, another approves and publishes) can be tried.
    ("editor2@example.com", "editor2-demo-2025", [CATALOG_EDITORS], False),
    ("lead@example.com", "lead-demo-2025", [LEAD_REVIEWERS, REVIEWERS], False),
    ("reviewer@example.com", "reviewer-demo-2025", [REVIEWERS], False),
    ("applicant@example.com", "applicant-demo-2025", [], False),
]

COMPANY_PASSWORD = "company-demo-2025"

# (BIN, name, legal address, director, contact e-mail, phone, the member's login)
ORGANISATIONS = [
    (
        "150340001236",
        "Steppe Software LLP",
        "Mangilik El 55/8, Astana",
        "Aigerim Sadykova",
        "office@steppe-software.kz",
        "+7 7172 55 01 01",
        "applicant@example.com",
    ),
    (
        "170940018771",
        "Qazaq Code LLP",
        "Dostyk 20, Astana",
        "Nurlan Abenov",
        "hello@qazaqcode.kz",
        "+7 7172 55 02 02",
        "nurlan@qazaqcode.kz",
    ),
    (
        "121140023455",
        "Altyn Data JSC",
        "Al-Farabi 77/7, Almaty",
        "Dana Iskakova",
        "info@altyndata.kz",
        "+7 727 355 03 03",
        "dana@altyndata.kz",
    ),
    (
        "190240034563",
        "Nomad Robotics LLP",
        "Turan 37, Astana",
        "Yerlan Tulegenov",
        "contact@nomadrobotics.kz",
        "+7 7172 55 04 04",
        "yerlan@nomadrobotics.kz",
    ),
    (
        "200640045617",
        "Baiterek Cloud LLP",
        "Kabanbay Batyr 53, Astana",
        "Saule Mukhametova",
        "team@baiterekcloud.kz",
        "+7 7172 55 05 05",
        "saule@baiterekcloud.kz",
    ),
    (
        "161240056721",
        "Caspian Fintech LLP",
        "Satpayev 30A, Aktau",
        "Timur Zhaksylykov",
        "office@caspianfintech.kz",
        "+7 7292 55 06 06",
        "timur@caspianfintech.kz",
    ),
    (
        "180540067836",
        "Tengri Games LLP",
        "Abay 150, Almaty",
        "Madina Ospanova",
        "studio@tengrigames.kz",
        "+7 727 355 07 07",
        "madina@tengrigames.kz",
    ),
]

EXPLANATIONS = {
    1: "We develop and sell our own accounting software, licensed to about 300 small businesses.",
    2: "We build and maintain information systems for logistics companies under contract.",
    3: "We analyse retail sales data for supermarket chains with our own analytics platform.",
    5: "We design and assemble printed circuit boards for the industrial controllers we sell.",
    6: "We design warehouse robots and sell them with their control software.",
    9: "We develop a security monitoring system for banks and install it on their premises.",
    10: "We run our own cloud platform on which clients host their applications.",
    11: "We build blockchain-based document registries for notaries.",
    13: "We build computer-vision models that inspect welds on pipelines.",
    14: "We operate an online marketplace where farmers sell produce to restaurants.",
    16: "We develop mobile games published in the app stores, with in-game purchases.",
    17: "We teach software architecture and data analysis courses to the staff of client companies.",
}

# (organisation index, started on, submitted on or None, withdrawn on or None, paragraphs, sells goods)
D = datetime.date
APPLICATIONS = [
    (0, D(2024, 2, 5), D(2024, 2, 20), D(2024, 3, 1), (1, 2), False),  # withdrawn after submission
    (0, D(2025, 9, 1), D(2025, 9, 15), None, (1, 3), False),
    (0, D(2025, 12, 15), None, None, (1,), False),  # a draft overtaken by the abrogation of 37/RD
    (1, D(2024, 4, 2), D(2024, 4, 10), None, (2, 14), False),
    (1, D(2025, 3, 3), D(2025, 3, 12), None, (2, 3, 14), False),
    (2, D(2024, 6, 11), D(2024, 6, 25), None, (3, 10), False),
    (2, D(2025, 5, 6), D(2025, 5, 20), None, (3, 9, 10), False),
    (2, D(2025, 10, 1), None, None, (3,), None),  # a draft, goods not answered yet
    (3, D(2024, 9, 2), D(2024, 9, 16), None, (5, 6), True),
    (3, D(2025, 7, 1), D(2025, 7, 14), None, (6, 13), True),
    (4, D(2024, 11, 4), D(2024, 11, 18), None, (10, 3), False),
    (4, D(2025, 2, 3), D(2025, 2, 17), D(2025, 2, 24), (10,), False),  # withdrawn
    (4, D(2025, 8, 4), D(2025, 8, 18), None, (10, 3, 11), False),
    (5, D(2024, 10, 7), D(2024, 10, 21), None, (9, 11), False),
    (5, D(2025, 10, 6), D(2025, 10, 20), None, (9, 11, 3), False),
    (5, D(2025, 11, 3), D(2025, 11, 17), None, (9,), False),
    (6, D(2024, 5, 6), D(2024, 5, 13), None, (16,), False),
    (6, D(2025, 4, 7), D(2025, 4, 21), None, (16, 17), False),
    (6, D(2025, 12, 1), D(2025, 12, 8), None, (16, 1), False),
    (6, D(2025, 6, 2), None, None, (), None),  # a draft started, nothing answered
]


def demo_pdf(*lines: str) -> bytes:
    """A one-page PDF with a few lines of text: a stand-in for a scanned certificate."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -22 Td" for line in lines)
    stream = f"BT /F1 14 Tf 72 760 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Command(BaseCommand):
    help = "Create the demo users, organisations and applications (idempotent)."

    def handle(self, *args, **options):
        try:
            import time_machine
        except ImportError as error:  # a development tool: `make run` installs requirements-dev.txt
            raise CommandError("seed_demo needs time-machine (pip install -r requirements-dev.txt).") from error
        self.time_machine = time_machine
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        lines, specs = self.seed()
        # After the commit, when the demo's notification e-mails have gone out (printed by the console
        # backend in development): the logins come last, where `make run` leaves them on the screen.
        self.stdout.write("Demo users (e-mail / password / role):\n" + "\n".join(lines))
        counts = {
            label: Application.objects.filter(status=value).count() for value, label in Application.status.field.choices
        }
        summary = ", ".join(f"{count} {label.lower()}" for label, count in counts.items() if count)
        self.stdout.write(f"Demo applications: {len(specs)} created now; in the database: {summary}.")

    @transaction.atomic
    def seed(self) -> tuple[list[str], list]:
        lines = [self.demo_user(*spec) for spec in DEMO_USERS]
        organisations = []
        for bin_, name, address, director, email, phone, login in ORGANISATIONS:
            user = User.objects.filter(username=login).first()
            if user is None:
                user = accounts.user_sign_up(email=login, password=COMPANY_PASSWORD, verified=True)
                lines.append(f"  {login:<28} {COMPANY_PASSWORD:<22} applicant ({name})")
            elif not any(login == line.split()[0] for line in lines):
                user.set_password(COMPANY_PASSWORD)
                user.save()
                lines.append(f"  {login:<28} {COMPANY_PASSWORD:<22} applicant ({name})")
            organisation = Organisation.objects.filter(bin=bin_).first()
            if organisation is None:
                with self.on(datetime.date(2024, 1, 15)):
                    organisation = services.organisation_create(
                        user=user,
                        name=name,
                        bin=bin_,
                        legal_address=address,
                        director=director,
                        contact_email=email,
                        contact_phone=phone,
                    )
            Membership.objects.get_or_create(organisation=organisation, user=user)
            organisations.append((organisation, user))

        # An organisation's demo applications were all made on an earlier run, or none were.
        fresh = {
            index for index, (organisation, _user) in enumerate(organisations) if not organisation.applications.exists()
        }
        # In the order they were started, so that reference numbers follow the calendar as in real life.
        specs = sorted((spec for spec in APPLICATIONS if spec[0] in fresh), key=lambda spec: spec[1])
        for index, *spec in specs:
            self.demo_application(*organisations[index], *spec)
        # Then the reviewers' side: some of those applications taken, ticked, returned and decided.
        seed_review_demo(self.stdout)
        return lines, specs

    def demo_user(self, email, password, groups, superuser) -> str:
        for name in (REVIEWERS, LEAD_REVIEWERS, CATALOG_EDITORS):
            Group.objects.get_or_create(name=name)
        user, _created = User.objects.get_or_create(username=email, defaults={"email": email})
        user.email = email
        user.is_superuser = user.is_staff = superuser
        if CATALOG_EDITORS in groups:
            user.is_staff = True  # catalog editors work in Django admin
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
        accounts.email_verification_record(user)  # the demo's addresses need no mailbox to be used
        role = "admin" if superuser else (", ".join(groups) or "applicant")
        return f"  {email:<28} {password:<22} {role}"

    def on(self, day: datetime.date, hour: int = 10):
        """The clock stopped at `hour` o'clock (Astana time) on `day`, while the services run."""
        return self.time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), self.zone), tick=False)

    def demo_application(self, organisation, user, started, submitted, withdrawn, paragraphs, sells_goods):
        with self.on(started):
            application = application_create(organisation=organisation, user=user, today=started)
            if not paragraphs and sells_goods is None:
                return application
            answers = dict.fromkeys(Application.ELIGIBILITY_FIELDS, True)
            services.application_eligibility_save(application=application, user=user, answers=answers)
            choices = {
                Provision.objects.get(act__code="37/RD", appendix=1, paragraph=n).pk: EXPLANATIONS[n]
                for n in paragraphs
            }
            services.application_activities_save(application=application, user=user, choices=choices, today=started)
            if sells_goods is not None:
                services.application_goods_save(application=application, user=user, sells_own_goods=sells_goods)
            if sells_goods:
                number = f"KZ-{organisation.bin[-4:]}-{started:%y%m}"
                issued = started - datetime.timedelta(days=200)
                services.certificate_add(
                    application=application,
                    user=user,
                    kind="st_kz",
                    number=number,
                    issued_on=issued,
                    valid_until=issued.replace(year=issued.year + 3),
                    issuer="Chamber of Entrepreneurs of Astana",
                    goods="Industrial controller boards NR-200 and NR-300",
                    scan=ContentFile(
                        demo_pdf("Certificate of origin of goods ST-KZ", f"No. {number}", organisation.name),
                        name=f"ST-KZ {number}.pdf",
                    ),
                )
        if submitted:
            with self.on(submitted):
                services.application_confirm_and_submit(application=application, user=user, today=submitted)
        if withdrawn:
            with self.on(withdrawn):
                application_withdraw(application=application, user=user)
        return application
