"""App configuration: search documents, backends, the index's change-log consumer and the search API."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from course_metadata.changelog.consumers import register_consumer
        from search.indexing import CONSUMER_NAME, handle_changes

        register_consumer(CONSUMER_NAME, handle_changes, batch_size=500)
