from django.shortcuts import render


def permission_denied(request, exception=None):
    # The reason, when the refusal gives one (applications/permissions.py predicates always do).
    reason = exception.args[0] if exception is not None and exception.args else ""
    return render(request, "403.html", {"reason": reason if isinstance(reason, str) else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request context: the failure may lie in what that context needs.
    return render(None, "500.html", status=500)
