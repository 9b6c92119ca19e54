# Joins the leaves of the perf and trust branches.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0013_dashboard_indexes"),
        ("applications", "0013_single_line_fields_refuse_line_breaks"),
    ]

    operations = []
