"""App configuration."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "search"
    default_auto_field = "django.db.models.BigAutoField"
