from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalog.changes import change_published

        from .catalog_changes import on_change_published

        change_published.connect(on_change_published, dispatch_uid="applications.catalog_changes")
