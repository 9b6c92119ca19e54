from django.shortcuts import redirect, render

from .roles import roles_for


def home(request):
    """Everyone's start page: visitors see the introduction, each role goes to its own work."""
    roles = roles_for(request.user)
    if not roles.authenticated:
        return render(request, "home.html")
    if roles.staff:
        return redirect("review:queue")
    if roles.applicant:
        return redirect("applications:dashboard")
    return redirect("catalog:on_date")


def dashboard(request):
    """Placeholder: the applicant's home page (issue 4)."""
    return render(request, "home.html")
