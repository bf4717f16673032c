"""Learner pathways join change tracking: their own data_modified_timestamp, and a new change-log kind."""

import django.utils.timezone
from django.db import migrations, models


def stamp_existing(apps, schema_editor):
    # Until now a pathway's last save was the best guess of its data time (catalog documents used it).
    LearnerPathway = apps.get_model("course_metadata", "LearnerPathway")
    LearnerPathway.objects.using(schema_editor.connection.alias).update(
        data_modified_timestamp=models.F("modified")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("course_metadata", "0007_encrypt_partner_client_secret"),
    ]

    operations = [
        migrations.AddField(
            model_name="learnerpathway",
            name="data_modified_timestamp",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="data modified timestamp",
            ),
        ),
        migrations.RunPython(stamp_existing, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="changelogentry",
            name="object_type",
            field=models.CharField(
                help_text="course, courserun, program, organization, person, learnerpathway",
                max_length=32,
                verbose_name="object type",
            ),
        ),
    ]
