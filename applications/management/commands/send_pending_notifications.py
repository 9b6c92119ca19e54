"""Send the notifications still pending, in this process: for operators, e.g. after the broker was down.

Safe to run at any time, also while workers run: a notification is sent once (see applications/notifications.py).
"""

import argparse

from django.core.management.base import BaseCommand

from applications.notifications import MAX_ATTEMPTS, notifications_send_pending, staff_events_tell_pending


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {value!r}")
    return number


class Command(BaseCommand):
    help = "Send the e-mail notifications that are still pending (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=positive, default=200, help="At most this many, oldest first.")
        parser.add_argument(
            "--given-up-too",
            action="store_true",
            help=f"Also retry those left after {MAX_ATTEMPTS} failures (once the cause is fixed).",
        )

    def handle(self, *args, limit: int, given_up_too: bool, **options):
        told = staff_events_tell_pending()
        if told:
            self.stdout.write(f"Staff updates: {told} e-mails written.")
        counts = notifications_send_pending(limit=limit, given_up_too=given_up_too)
        self.stdout.write(f"Notifications: {counts['sent']} sent, {counts['failed']} failed (kept pending).")
