import datetime

from django.utils.translation import gettext as _

ACCEPTED_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")


def parse_date(value: str) -> datetime.date:
    """A date typed as DD.MM.YYYY or YYYY-MM-DD; ValueError with a readable message otherwise."""
    value = (value or "").strip()
    for fmt in ACCEPTED_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” is not a date. Use DD.MM.YYYY (e.g. 31.12.2025) or YYYY-MM-DD.") % {"value": value[:40]}
    )
