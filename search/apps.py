"""App configuration: search documents, backends, the index's change-log consumer and the search API; search
also answers the query strings the domain's read API is given."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from course_metadata.changelog.consumers import register_consumer
        from course_metadata.selectors.query_strings import register_query_string_matcher
        from search.indexing import CONSUMER_NAME, handle_changes
        from search.query.service import matching_uuids

        register_consumer(CONSUMER_NAME, handle_changes, batch_size=500)
        # q on courses/, course_runs/ and programs/, and course_runs/contains/?query= (ADR 0090).
        register_query_string_matcher(matching_uuids)
