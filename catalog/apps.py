"""App configuration: catalogs, their membership, and the change-log consumer that keeps it current."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from catalog.consumers import CONSUMER_NAME, handle_changes
        from course_metadata.changelog.consumers import register_consumer

        register_consumer(CONSUMER_NAME, handle_changes, batch_size=500)
