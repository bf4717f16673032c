"""App configuration."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class Config(AppConfig):
    name = "publisher_api"
    verbose_name = "Publisher API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from course_metadata.reference_data import ensure_reference_data
        from publisher_api import receivers  # noqa: F401  (connects the group-membership handler)

        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid=f"{self.label}-reference-data")
