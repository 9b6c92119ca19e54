"""Recompute the decisions' hash chain: prints OK with the count, or names the first decision that no longer
matches and exits with status 1."""

from django.core.management.base import BaseCommand, CommandError

from applications import decision_chain
from applications.models import Decision


class Command(BaseCommand):
    help = "Check that no decision was altered since it was recorded (the chain of SHA-256 hashes)."

    def handle(self, *args, **options):
        decisions = Decision.objects.select_related("application").order_by("pk").iterator(chunk_size=2000)
        try:
            result = decision_chain.verify(decisions)
        finally:
            decisions.close()  # the database cursor, now (verify may stop half way)
        if result.broken is not None:
            decision = result.broken
            raise CommandError(
                f"Decision {decision.application.reference} (id {decision.pk}, decided "
                f"{decision.decided_at:%d.%m.%Y %H:%M} UTC) no longer matches: {result.why}. "
                f"{result.count} decisions before it are intact.",
                returncode=1,
            )
        self.stdout.write(f"OK: {result.count} decisions, the hash chain is intact.")
