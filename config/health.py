"""`/healthz`: is the system healthy? For monitoring, polled every few seconds. django-health-check 4.8.0 runs the
checks (concurrently, each with a time limit); four are ours or adapted:

- database: a `SELECT 1` (the library's check);
- broker: the Celery broker (Redis) answers a PING, within a second (the library's Redis check);
- outbox: the oldest e-mail still to be sent has not waited longer than HEALTHZ_OUTBOX_MAX_MINUTES;
- beat: a task that celery beat schedules ran within HEALTHZ_BEAT_MAX_MINUTES (the sweep runs every 5).

Without a broker (`make run`: tasks run in-process, there is no beat) the broker and beat checks have nothing to
check and pass. Unhealthy answers HTTP 503 (the library says 500, which reads as a bug in the page), with
the name of each unhealthy part and why; the answer holds no personal data (no addresses, no host names).
"""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from health_check.base import HealthCheck
from health_check.checks import Database as DatabaseCheck
from health_check.contrib.redis import Redis as RedisCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis

UNHEALTHY = 503


def _broker_is_redis() -> bool:
    return not settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


@dataclasses.dataclass
class Database(DatabaseCheck):
    def __repr__(self):
        return "database"


def _broker_client():
    return Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)


@dataclasses.dataclass
class Broker(RedisCheck):
    client_factory: object = dataclasses.field(default=_broker_client, repr=False)
    timeout = datetime.timedelta(seconds=2)

    def __repr__(self):
        return "broker"

    async def run(self):
        if _broker_is_redis():
            await super().run()


@dataclasses.dataclass
class Outbox(HealthCheck):
    """E-mails are leaving: the oldest one still to be sent is recent (one given up after 8 failures is an
    operator's, listed in admin, and not counted)."""

    def __repr__(self):
        return "outbox"

    async def run(self):
        from applications.models import Notification
        from applications.notifications import MAX_ATTEMPTS

        oldest = (
            await Notification.objects.pending()
            .filter(attempts__lt=MAX_ATTEMPTS)
            .values_list("created_at", flat=True)
            .afirst()
        )
        limit = settings.HEALTHZ_OUTBOX_MAX_MINUTES
        if oldest is not None and timezone.now() - oldest > datetime.timedelta(minutes=limit):
            minutes = int((timezone.now() - oldest).total_seconds() // 60)
            raise ServiceUnavailable(
                _("the oldest e-mail waiting to be sent has waited %(minutes)s minutes (more than %(limit)s)")
                % {"minutes": minutes, "limit": limit}
            )


@dataclasses.dataclass
class Beat(HealthCheck):
    """Celery beat (and a worker) run the periodic tasks: the latest ran recently."""

    def __repr__(self):
        return "beat"

    async def run(self):
        if not _broker_is_redis():
            return
        from applications.models import PeriodicRun

        last = (await PeriodicRun.objects.aaggregate(last=Max("last_run_at")))["last"]
        limit = settings.HEALTHZ_BEAT_MAX_MINUTES
        if last is None:
            raise ServiceUnavailable(_("no periodic task has ever run: is celery beat running?"))
        if timezone.now() - last > datetime.timedelta(minutes=limit):
            minutes = int((timezone.now() - last).total_seconds() // 60)
            raise ServiceUnavailable(
                _("no periodic task has run for %(minutes)s minutes (more than %(limit)s): is celery beat running?")
                % {"minutes": minutes, "limit": limit}
            )


def _unhealthy(status: int) -> int:
    return UNHEALTHY if status >= 500 else status


class HealthView(HealthCheckView):
    """The library's view (HTML, JSON with `Accept: application/json` or `?format=json`, plain text), answering
    503 instead of 500, with our own page (no inline styles, translated)."""

    template_name = "healthz.html"
    checks = (Database, Broker, Outbox, Beat)

    def render_to_response(self, context, **kwargs):
        kwargs["status"] = _unhealthy(kwargs.get("status", 200))
        return super().render_to_response(context, **kwargs)

    def render_to_response_json(self, status):
        return super().render_to_response_json(_unhealthy(status))

    def render_to_response_text(self, status):
        return super().render_to_response_text(_unhealthy(status))
