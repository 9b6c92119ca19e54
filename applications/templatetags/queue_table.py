"""The queue's rows, built in Python as Django's admin builds its change list's (items_for_result): 25 to 100 rows
of eight cells each, which the template language renders several times slower (issue 13: the queue's floor)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

NOTHING = mark_safe("")


def _reviewer_cell(row, me: str, unassigned: str) -> SafeString:
    if row.reviewer_is_me:
        return format_html("<strong>{}</strong>", me)
    if row.reviewer:
        return format_html("{}", row.reviewer)
    return format_html('<span class="text-muted">{}</span>', unassigned)


def _clock_cell(row) -> SafeString:
    clock = row.clock
    if not clock:
        return mark_safe('<span class="text-muted">—</span>')
    if clock.overdue:
        left = format_html(
            '<span class="badge text-bg-danger"><i class="bi bi-alarm" aria-hidden="true"></i> {}</span>',
            row.overdue_label,
        )
    else:
        urgent = "text-warning-emphasis fw-semibold" if clock.days_left <= 3 else ""
        left = format_html('<span class="{}">{}</span>', urgent, clock.days_left)
    return format_html('{}<div class="small text-muted">{}</div>', left, row.due_label)


@register.simple_tag
def queue_table_rows(rows) -> SafeString:
    """The <tr> of each row of the queue (selectors.QueueRow: every text worked out once for the page)."""
    other_channel, again = _("Received by another channel"), _("Submitted again after changes")
    me, unassigned = _("me"), _("unassigned")
    channel_icon = format_html(
        ' <i role="img" class="bi bi-envelope-paper text-muted" title="{}" aria-label="{}"></i>',
        other_channel,
        other_channel,
    )

    def cells(row):
        application = row.application
        reference, organisation = application.reference, application.organisation
        again_badge = (
            format_html(
                ' <span class="badge text-bg-light border" title="{}">×{}</span>', again, application.submission_count
            )
            if application.submission_count > 1
            else NOTHING
        )
        return (
            "table-danger" if row.clock and row.clock.overdue else "",
            reference,
            reference,
            row.select_label,
            row.url,
            reference,
            channel_icon if application.received_by_other_channel else NOTHING,
            organisation.name,
            organisation.bin,
            row.status_badge,
            row.submitted_on,
            again_badge,
            _reviewer_cell(row, me, unassigned),
            _clock_cell(row),
        )

    return format_html_join(
        "\n",
        '<tr class="{}">'
        '<td class="batch-select"><input class="form-check-input js-select-row" type="checkbox" name="references" '
        'value="{}" id="select-{}" aria-label="{}"></td>'
        '<td class="text-nowrap"><a class="fw-semibold font-monospace" href="{}">{}</a>{}</td>'
        "<td>{}</td>"
        '<td class="font-monospace small">{}</td>'
        "<td>{}</td>"
        '<td class="text-nowrap">{}{}</td>'
        '<td class="small">{}</td>'
        '<td class="text-end text-nowrap">{}</td>'
        "</tr>",
        (cells(row) for row in rows),
    )
