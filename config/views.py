from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from applications.languages import language_choose, offered


def permission_denied(request, exception=None):
    # The reason, when the refusal gives one (applications/permissions.py predicates always do).
    reason = exception.args[0] if exception is not None and exception.args else ""
    return render(request, "403.html", {"reason": reason if isinstance(reason, str) else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request context: the failure may lie in what that context needs.
    return render(None, "500.html", status=500)


@require_POST
def language(request):
    """The language switcher: the cookie and the redirect back are Django's set_language; a logged-in user's
    choice is also kept on their account. A language not offered changes nothing."""
    response = set_language(request)
    chosen = request.POST.get("language")
    if offered(chosen):
        language_choose(request, chosen)
    return response
