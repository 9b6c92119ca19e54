from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

CATALOG_EDITORS = "Catalog editors"


def ensure_catalog_editors_group(sender, **kwargs):
    """The "Catalog editors" group: view the law's tables and their history; enter, edit and approve changes to
    the catalog (catalog/changes.py), and record checks against the official publication.

    The law's tables are never edited directly (the admin refuses it to everyone), so the group holds no add,
    change or delete permission on them; any left from before four eyes are removed.
    """
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=CATALOG_EDITORS)
    law = ("legalact", "provision", "provisionversion")
    codenames = [f"view_{model}" for model in law]
    codenames += [f"view_historical{model}" for model in (*law, "catalogchange", "changerow", "publicationcheck")]
    codenames += [f"{action}_catalogchange" for action in ("add", "change", "view", "publish")]
    codenames += [f"{action}_changerow" for action in ("add", "change", "view", "delete")]
    codenames += ["add_publicationcheck", "view_publicationcheck"]
    # The official Kazakh and Russian texts of a wording: entered and corrected directly, with history (no
    # period or pinned wording moves with them, so they need no draft and no second editor; see catalog/admin.py).
    codenames += [f"{action}_provisionversiontext" for action in ("add", "change", "view")]
    codenames += ["view_historicalprovisionversiontext"]
    permissions = Permission.objects.filter(content_type__app_label="catalog", codename__in=codenames)
    group.permissions.add(*permissions)
    direct_edits = [f"{action}_{model}" for model in law for action in ("add", "change", "delete")]
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="catalog", codename__in=direct_edits))


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Legal catalog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_catalog_editors_group, sender=self)
