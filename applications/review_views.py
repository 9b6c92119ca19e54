from django.shortcuts import render

from .access import staff_required


@staff_required
def queue(request):
    """Placeholder: the reviewers' queue (issue 5)."""
    return render(request, "home.html")
