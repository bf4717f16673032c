"""App configuration for the course metadata domain."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CourseMetadataConfig(AppConfig):
    name = "course_metadata"
    verbose_name = "Course metadata"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from course_metadata import receivers  # noqa: F401  (connects the few decoupled handlers)
        from course_metadata.reference_data import ensure_reference_data

        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid=f"{self.label}-reference-data")
