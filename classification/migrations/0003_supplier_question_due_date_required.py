import datetime

from django.db import migrations, models

# Questions recorded before the due date became required get one: four weeks after they were asked.
DEFAULT_DAYS = 28


def give_due_dates(apps, schema_editor):
    SupplierQuestion = apps.get_model("classification", "SupplierQuestion")
    for question in SupplierQuestion.objects.filter(due_date__isnull=True):
        question.due_date = question.asked_on + datetime.timedelta(days=DEFAULT_DAYS)
        question.save(update_fields=["due_date"])


class Migration(migrations.Migration):
    dependencies = [("classification", "0002_supplierquestion")]

    operations = [
        migrations.RunPython(give_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="supplierquestion",
            name="due_date",
            field=models.DateField(verbose_name="answer due"),
        ),
    ]
