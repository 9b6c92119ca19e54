"""Object lookups scoped to what the user may see: an outsider gets 404, a wrong role gets 403."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Application, Certificate, Organisation
from .roles import roles_for


def staff_required(view):
    """Reviewers (and admins) only: anonymous users go to the login page, others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles_for(request.user).staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def member_application(user, reference: str, queryset=None) -> Application:
    """An application of one of the user's organisations, or 404 whether it exists or not."""
    queryset = queryset if queryset is not None else Application.objects.select_related("organisation")
    return get_object_or_404(queryset.visible_to(user), reference=reference)


def member_organisation(user, pk: int) -> Organisation:
    return get_object_or_404(Organisation.objects.of_member(user), pk=pk)


def scan_certificate(user, reference: str, certificate_id: int) -> Certificate:
    """The certificate whose scan `user` may download, or 404 whether it exists or not.

    The one permission check for scans: members of the application's organisation. Staff access is
    added here (by the reviewer side), never in the view.
    """
    application = member_application(user, reference, Application.objects.all())
    return get_object_or_404(
        Certificate.objects.select_related("application"), application=application, pk=certificate_id
    )


def staff_application(user, reference: str, queryset=None) -> Application:
    """Any application that is not a draft, for staff (drafts are the applicant's own business)."""
    if not roles_for(user).staff:
        raise PermissionDenied
    queryset = queryset if queryset is not None else Application.objects.select_related("organisation")
    return get_object_or_404(queryset.not_draft(), reference=reference)
