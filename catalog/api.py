"""GET /api/catalog/?on=YYYY-MM-DD&lang=kk|ru|en: the catalog on a date, as JSON.

Each wording's text is given in `lang` (default: the request's language) when an official text is recorded in
it, else in the recorded language (the unofficial English translation); each says which language it is in and
whether it is official, and the notices are written in `lang`."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from .dates import parse_date
from .models import ProvisionVersion
from .selectors import cached_answer, catalog_on, latest_publication_check, publication_check_sentence


def _iso(value):
    return value.isoformat() if value else None


def _item(version: ProvisionVersion, language: str) -> dict:
    shown = version.shown(language).as_json(language)
    return {
        "appendix": version.provision.appendix,
        "paragraph": version.provision.paragraph,
        "text": shown["text"],
        "text_recorded": version.text_recorded,
        "footnote": shown["footnote"],
        "language": shown["language"],
        "official": shown["official"],
        "language_notice": shown["notice"],
        "in_force_from": _iso(version.in_force_from),
        "in_force_until": _iso(version.in_force_until),
        "introduced_by": version.introduced_by.code,
    }


@require_GET
def catalog_json(request):
    language = request.GET.get("lang", "").strip() or translation.get_language()
    offered = [code for code, _name in settings.LANGUAGES]
    if language not in offered:
        return JsonResponse(
            # In the request's language (the one asked for is not one we have).
            {
                "error": gettext("Unknown language %(language)s: use one of %(offered)s.")
                % {"language": repr(language[:20]), "offered": ", ".join(offered)}
            },
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    with translation.override(language):
        return _catalog_json(request, language)


def _catalog_json(request, language: str):
    raw = request.GET.get("on", "").strip()
    try:
        on = parse_date(raw) if raw else timezone.localdate()
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(
        cached_answer("api", on, lambda: _answer(on, language)), json_dumps_params={"ensure_ascii": False}
    )


def _answer(on, language: str) -> dict:
    result = catalog_on(on)
    act = result.act
    check = latest_publication_check()
    return {
        "on": on.isoformat(),
        "language": language,
        "in_force": result.in_force,
        "notice": result.notice or None,
        "checked_against_official_publication": None
        if check is None
        else {"on": check.checked_on.isoformat(), "by": check.shown_name},
        "checked_sentence": publication_check_sentence(check),
        "act": None
        if act is None
        else {
            "code": act.code,
            "title": act.title or None,
            "effective_from": _iso(act.effective_from),
            "effective_from_confirmed": act.effective_from_confirmed,
            "valid_until": _iso(act.valid_until),
            "abrogated_from": _iso(act.abrogated_from),
            "abrogated_by": act.abrogated_by.code if act.abrogated_by else None,
            "sets_no_own_production_criteria": act.sets_no_own_production_criteria,
        },
        "activities": [_item(v, language) for v in result.activities],
        "own_production_criteria": [_item(v, language) for v in result.own_production_criteria],
        # "listed", "not_recorded", "none_set" (the list sets none) or "no_list"; see CatalogOnDate.
        "own_production_criteria_state": result.criteria_state,
        "own_production_criteria_notice": result.criteria_notice or None,
    }
