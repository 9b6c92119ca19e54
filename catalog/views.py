import datetime

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .dates import parse_date
from .models import Provision, format_date
from .selectors import (
    acts_with_status,
    cached_answer,
    catalog_on,
    catalog_revision,
    compare_catalog,
    latest_publication_check,
    provision_timeline,
    publication_check_sentence,
)


def _render(request, template: str, context: dict):
    """Every catalog page says when the catalog was last checked against the official publication, and by whom."""
    check = context.pop("publication_check") if "publication_check" in context else latest_publication_check()
    return render(
        request,
        template,
        {**context, "publication_check": check, "publication_check_sentence": publication_check_sentence(check)},
    )


def _date_param(request, name: str, default: datetime.date) -> tuple[datetime.date, str, str]:
    """(the date, the text typed, an error message) from a query parameter; bad input falls back to default."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default, "", ""
    try:
        return parse_date(raw), raw, ""
    except ValueError as error:
        return default, raw, str(error)


def catalog_on_date(request):
    today = timezone.localdate()
    on, raw, error = _date_param(request, "on", today)
    revision = catalog_revision()
    catalog, check = cached_answer("page", on, lambda: (catalog_on(on), latest_publication_check()), revision=revision)
    return _render(
        request,
        "catalog/catalog_on_date.html",
        {
            "catalog": catalog,
            "revision": revision,  # its lists, rendered once per date and language (the template's {% cache %})
            "publication_check": check,
            "today": today,
            "is_today": on == today,
            "typed": raw,
            "error": error,
        },
    )


def provision_detail(request, pk: int):
    provision = get_object_or_404(Provision.objects.select_related("act"), pk=pk)
    entries = provision_timeline(provision)
    return _render(
        request,
        "catalog/provision_detail.html",
        {"provision": provision, "entries": list(reversed(entries)), "today": timezone.localdate()},
    )


def compare(request):
    today = timezone.localdate()
    first, first_raw, first_error = _date_param(request, "from", datetime.date(2023, 9, 30))
    second, second_raw, second_error = _date_param(request, "to", today)
    return _render(
        request,
        "catalog/compare.html",
        {
            "comparison": compare_catalog(first, second),
            "first_typed": first_raw or format_date(first),
            "second_typed": second_raw or format_date(second),
            "first_error": first_error,
            "second_error": second_error,
            "title": _("Compare the catalog between two dates"),
        },
    )


def act_list(request):
    today = timezone.localdate()
    return _render(request, "catalog/act_list.html", {"rows": acts_with_status(today), "today": today})
