"""Celery tasks of the course metadata domain; the submodules register them when this package is imported."""

from course_metadata.tasks import changelog, loading, publishing

__all__ = ["changelog", "loading", "publishing"]
