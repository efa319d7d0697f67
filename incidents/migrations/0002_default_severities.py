"""The shared default severity scale (the names are translated in the app: models.DEFAULT_SEVERITY_NAMES).

High and critical incidents require a post-incident review; an organisation with a scale of its
own decides that per step.
"""

from django.db import migrations

DEFAULTS = [(1, False), (2, False), (3, True), (4, True)]


def create(apps, schema_editor):
    Severity = apps.get_model("incidents", "Severity")
    for rank, review in DEFAULTS:
        Severity.objects.get_or_create(organisation=None, rank=rank, defaults={"review_required": review})


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
