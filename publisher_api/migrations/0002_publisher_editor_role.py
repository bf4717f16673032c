"""Create the PUBLISHER_EDITOR role row, so assignments can point at it."""

from django.db import migrations

DESCRIPTION = (
    "Lets an internal user write through the Publisher API while the "
    "publisher.restrict_internal_users switch makes internal users read-only."
)


def create_role(apps, schema_editor):
    PublisherRole = apps.get_model("publisher_api", "PublisherRole")
    PublisherRole.objects.get_or_create(name="PUBLISHER_EDITOR", defaults={"description": DESCRIPTION})


class Migration(migrations.Migration):
    dependencies = [("publisher_api", "0001_publisher_roles")]

    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]
