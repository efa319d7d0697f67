from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("trail", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(verbose_name="sequence number")),
                ("head_hash", models.CharField(max_length=64, verbose_name="head hash")),
                ("created_at", models.DateTimeField(db_index=True, verbose_name="time")),
                ("reason", models.CharField(choices=[("scheduled", "Scheduled"), ("on_demand", "On demand")],
                                            default="scheduled", max_length=10, verbose_name="reason")),
                ("requested_by", models.CharField(blank=True, max_length=254, verbose_name="requested by")),
                ("document", models.TextField(verbose_name="signed document")),
            ],
            options={
                "verbose_name": "audit checkpoint",
                "verbose_name_plural": "audit checkpoints",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
