"""App configuration of the event bus bridge."""

from django.apps import AppConfig


class EventBusConfig(AppConfig):
    name = "eventbus"
    verbose_name = "Event bus"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Importing the signals registers Lyceum's event types with openedx-events; this app is listed before
        # ``openedx_events`` in INSTALLED_APPS so that its check of EVENT_BUS_PRODUCER_CONFIG finds them.
        from openedx_events.apps import general_signal_handler

        from course_metadata.changelog.consumers import register_consumer
        from eventbus import receivers
        from eventbus.consumers import CONSUMER_NAME, publish_changes
        from eventbus.signals import CATALOG_CONTENT_CHANGED

        receivers.connect()
        register_consumer(CONSUMER_NAME, publish_changes, batch_size=200)
        # openedx-events connects its bus producer only to event types configured at start-up; connecting it
        # here too (a no-op when it is already connected) lets it read the configuration when it sends.
        CATALOG_CONTENT_CHANGED.connect(general_signal_handler)
