"""The one status badge: its markup here, its colours the one map in static/css/site.css."""

from django import template
from django.utils.html import format_html

register = template.Library()


def status_badge_html(status: str, label) -> str:
    """A status's badge; the queue builds it once per row with a label worked out once per page."""
    return format_html('<span class="badge rounded-pill status-badge status-{}">{}</span>', status, label)


@register.simple_tag
def status_badge(application) -> str:
    return status_badge_html(application.status, application.get_status_display())
