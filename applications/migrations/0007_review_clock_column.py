from django.conf import settings
from django.db import migrations, models
from django.db.models import Case, DateField, F, When
from django.db.models.functions import TruncDate


def fill_clock_from(apps, schema_editor):
    """The review clock's start of every application, as the queue computed it until now: the reference date
    for the first submission; the day (in Astana) of the latest submission after a request for changes."""
    Application = apps.get_model("applications", "Application")
    Application.objects.update(
        clock_from=Case(
            When(submission_count__gt=1, then=TruncDate("submitted_at")),
            default=F("reference_date"),
            output_field=DateField(),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_certificate_number_index"),
        ("catalog", "0004_workbench_changes_checks_criteria"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="clock_from",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="review clock started on"),
        ),
        migrations.AddField(
            model_name="historicalapplication",
            name="clock_from",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="review clock started on"),
        ),
        migrations.RunPython(fill_clock_from, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["status", "clock_from", "reference"], name="application_status_due"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["clock_from", "reference"], name="application_due"),
        ),
    ]
