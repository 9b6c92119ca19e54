from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _triggers_always(sender, using="default", **kwargs):
    from config.append_only import enable_always

    enable_always(using)


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalog.changes import change_published

        from .catalog_changes import on_change_published

        change_published.connect(on_change_published, dispatch_uid="applications.catalog_changes")

        # The audit record is append-only in the database: triggers declared on every history and record model.
        from config.append_only import register

        register()
        post_migrate.connect(_triggers_always, sender=self, dispatch_uid="append_only_always")

        from . import languages  # noqa: F401  (connects the login signal that restores the account's language)
