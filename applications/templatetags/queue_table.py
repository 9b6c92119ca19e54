"""The queue's rows, built in Python as Django's admin builds its change list's (items_for_result): 25 to 100 rows
of eight cells each, which the template language renders several times slower (issue 13: the queue's floor).

Every text from the database or a translation is escaped here with html.escape, which is what Django's own
escape() runs; format_html's lazy-argument checks cost more than the rest of a row (about 200 calls a page)."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _reviewer_cell(row, me: str, unassigned: str) -> str:
    if row.reviewer_is_me:
        return f"<strong>{me}</strong>"
    if row.reviewer:
        return escape(row.reviewer)
    return f'<span class="text-muted">{unassigned}</span>'


def _clock_cell(row) -> str:
    clock = row.clock
    if not clock:
        return '<span class="text-muted">—</span>'
    if clock.overdue:
        left = (
            '<span class="badge text-bg-danger"><i class="bi bi-alarm" aria-hidden="true"></i> '
            f"{escape(row.overdue_label)}</span>"
        )
    else:
        urgent = "text-warning-emphasis fw-semibold" if clock.days_left <= 3 else ""
        left = f'<span class="{urgent}">{clock.days_left}</span>'
    return f'{left}<div class="small text-muted">{escape(row.due_label)}</div>'


@register.simple_tag
def queue_table_rows(rows) -> SafeString:
    """The <tr> of each row of the queue (selectors.QueueRow: every text worked out once for the page)."""
    other_channel, again = escape(_("Received by another channel")), escape(_("Submitted again after changes"))
    me, unassigned = escape(_("me")), escape(_("unassigned"))
    channel_icon = (
        f' <i role="img" class="bi bi-envelope-paper text-muted" title="{other_channel}" aria-label="{other_channel}">'
        "</i>"
    )
    lines = []
    for row in rows:
        application = row.application
        reference, organisation = escape(application.reference), application.organisation
        count = application.submission_count
        again_badge = f' <span class="badge text-bg-light border" title="{again}">×{count}</span>' if count > 1 else ""
        lines.append(
            f'<tr class="{"table-danger" if row.clock and row.clock.overdue else ""}">'
            '<td class="batch-select"><input class="form-check-input js-select-row" type="checkbox" name="references" '
            f'value="{reference}" id="select-{reference}" aria-label="{escape(row.select_label)}"></td>'
            f'<td class="text-nowrap"><a class="fw-semibold font-monospace" href="{escape(row.url)}">{reference}</a>'
            f"{channel_icon if application.received_by_other_channel else ''}</td>"
            f"<td>{escape(organisation.name)}</td>"
            f'<td class="font-monospace small">{escape(organisation.bin)}</td>'
            f"<td>{row.status_badge}</td>"  # built by status_badge_html, escaped there
            f'<td class="text-nowrap">{escape(row.submitted_on)}{again_badge}</td>'
            f'<td class="small">{_reviewer_cell(row, me, unassigned)}</td>'
            f'<td class="text-end text-nowrap">{_clock_cell(row)}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every text escaped above
