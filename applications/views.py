from django.shortcuts import redirect, render

from .roles import roles_for


def home(request):
    """The landing page: the catalog for visitors and catalog editors, each role's own start elsewhere."""
    roles = roles_for(request.user)
    if not roles.authenticated:
        return render(request, "home.html")
    return redirect("catalog:on_date")
