"""App configuration for the course metadata domain."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dbkit.reference_data import keep_reference_data


class CourseMetadataConfig(AppConfig):
    name = "course_metadata"
    verbose_name = _("Course metadata")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from course_metadata import receivers  # noqa: F401  (connects the few decoupled handlers)

        keep_reference_data(self, migration="course_metadata.migrations.0002_default_types", function="add_defaults")
