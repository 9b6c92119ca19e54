# The leaves of the branches merged on 04.12.2026 (catalog, forms, door, perf, trust, i18n).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_catalog_change_effects_and_stalled_drafts"),
        ("applications", "0006_decision_claimed_activities"),
        ("applications", "0006_email_verification"),
        ("applications", "0007_records_append_only_declared_with_pgtrigger"),
        ("applications", "0008_organisation_name_search"),
        ("applications", "0006_user_preference_language"),
    ]

    operations = []
