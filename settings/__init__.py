"""Lyceum's project package: settings per environment, URLs, WSGI and the Celery app."""

from settings.celery import app as celery_app

__all__ = ["celery_app"]
