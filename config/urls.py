from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from applications.applicant.views import PasswordResetConfirmView, PasswordResetView

from . import views
from .health import HealthView

admin.site.site_header = _("Astana Hub · catalog and administration")
admin.site.site_title = _("Astana Hub administration")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("applications.applicant.urls")),
    path("review/", include("applications.review.urls")),
    path("catalog/", include("catalog.urls")),
    path("api/", include("catalog.api_urls")),
    # The password reset writes its e-mail to the outbox after the response (applications/applicant/accounts.py).
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("language/", views.language, name="language"),
    path("healthz", HealthView.as_view(), name="healthz"),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
