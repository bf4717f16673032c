"""The synthetic demo catalog behind ``manage.py seed_catalog`` (and ``make run``).

* :func:`seed_catalog` builds it from :class:`SeedOptions`, in one transaction;
* :func:`record_seeded_changes` appends the change-log entries for what was seeded (the bulk writes
  bypass ``save()`` and signals); :func:`seed_catalog` calls it before committing.
"""

from course_metadata.demo.catalog import CatalogNotEmptyError, SeedOptions, seed_catalog
from course_metadata.demo.changes import record_seeded_changes
from course_metadata.demo.context import SeededCatalog

__all__ = ["CatalogNotEmptyError", "SeedOptions", "SeededCatalog", "record_seeded_changes", "seed_catalog"]
