from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The reviewers' admin lives in its own module so that it merges cleanly with applications/admin.py.
        from . import review_admin  # noqa: F401
