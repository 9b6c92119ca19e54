"""Send the notifications still pending, in this process: for operators, e.g. after the broker was down.

Safe to run at any time, also while workers run: a notification is sent once (see applications/notifications.py).
"""

from django.core.management.base import BaseCommand

from applications.notifications import notifications_send_pending, staff_events_tell_pending


class Command(BaseCommand):
    help = "Send the e-mail notifications that are still pending (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many, oldest first.")

    def handle(self, *args, limit: int, **options):
        told = staff_events_tell_pending()
        if told:
            self.stdout.write(f"Staff updates: {told} e-mails written.")
        counts = notifications_send_pending(limit=limit)
        self.stdout.write(f"Notifications: {counts['sent']} sent, {counts['failed']} failed (kept pending).")
