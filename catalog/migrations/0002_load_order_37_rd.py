"""Loads order 37/RD, its amendments and its abrogation from catalog/data/order_37_rd.json."""

from django.db import migrations


def load(apps, schema_editor):
    from catalog.seed import load_catalog

    load_catalog(apps)


def unload(apps, schema_editor):
    from catalog.seed import load_data

    codes = [row["code"] for row in load_data()["acts"]]
    LegalAct = apps.get_model("catalog", "LegalAct")
    ProvisionVersion = apps.get_model("catalog", "ProvisionVersion")
    Provision = apps.get_model("catalog", "Provision")
    ProvisionVersion.objects.filter(provision__act__code__in=codes).delete()
    Provision.objects.filter(act__code__in=codes).delete()
    LegalAct.objects.filter(code__in=codes).update(abrogated_by=None, amends=None)
    LegalAct.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
