from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

CATALOG_EDITORS = "Catalog editors"


def ensure_catalog_editors_group(sender, **kwargs):
    """The "Catalog editors" group can add, change and view acts, provisions and versions (not delete)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=CATALOG_EDITORS)
    codenames = [
        f"{action}_{model}"
        for model in ("legalact", "provision", "provisionversion")
        for action in ("add", "change", "view")
    ]
    codenames += [f"view_historical{model}" for model in ("legalact", "provision", "provisionversion")]
    permissions = Permission.objects.filter(content_type__app_label="catalog", codename__in=codenames)
    group.permissions.add(*permissions)


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Legal catalog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_catalog_editors_group, sender=self)
