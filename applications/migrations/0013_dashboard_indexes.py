from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0012_catalog_change_effects_append_only_declared"),
        ("catalog", "0005_catalog_history_append_only_declared_with_pgtrigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["assigned_reviewer", "status", "clock_from", "reference_date"], name="application_workload"
            ),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["decided_at"], name="decision_decided_at"),
        ),
    ]
