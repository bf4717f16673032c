"""App configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dbkit.reference_data import keep_reference_data


class Config(AppConfig):
    name = "publisher_api"
    verbose_name = _("Publisher API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from course_metadata.selectors.editing import EditingRules, register_editing_rules
        from publisher_api import (
            permissions,
            receivers,  # noqa: F401  (connects the group-membership handler)
        )

        # The domain asks "who may edit what?" (?editable=1, the change feed's drafts); these rules answer.
        register_editing_rules(
            EditingRules(
                editable_courses=permissions.editable_courses,
                editable_course_uuids=permissions.editable_course_uuids,
                may_read_drafts=permissions.is_publisher_user,
            )
        )

        # The PUBLISHER_EDITOR role its migration ships.
        keep_reference_data(
            self, migration="publisher_api.migrations.0002_publisher_editor_role", function="create_role"
        )
