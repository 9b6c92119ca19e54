"""Demo users (and, as the product grows, demo data) for `make run`. Idempotent: running it twice works."""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from applications.roles import LEAD_REVIEWERS, REVIEWERS
from catalog.apps import CATALOG_EDITORS

DEMO_USERS = [
    # (e-mail, password, groups, superuser)
    ("admin@example.com", "admin-demo-2025", [], True),
    ("editor@example.com", "editor-demo-2025", [CATALOG_EDITORS], False),
    ("lead@example.com", "lead-demo-2025", [LEAD_REVIEWERS, REVIEWERS], False),
    ("reviewer@example.com", "reviewer-demo-2025", [REVIEWERS], False),
    ("applicant@example.com", "applicant-demo-2025", [], False),
]


class Command(BaseCommand):
    help = "Create the demo users and demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for name in (REVIEWERS, LEAD_REVIEWERS, CATALOG_EDITORS):
            Group.objects.get_or_create(name=name)
        lines = []
        for email, password, groups, superuser in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=email, defaults={"email": email})
            user.email = email
            user.is_superuser = user.is_staff = superuser
            if CATALOG_EDITORS in groups:
                user.is_staff = True  # catalog editors work in Django admin
            user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
            role = "admin" if superuser else (", ".join(groups) or "applicant")
            lines.append(f"  {email:<24} {password:<22} {role}")
        self.stdout.write("Demo users (e-mail / password / role):\n" + "\n".join(lines))
