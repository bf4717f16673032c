"""Make a seeded catalog look, to change tracking, like content that was created through the ORM one by one.

The seeder writes with ``bulk_create`` (no ``save()``, no signals) inside ``tracking.suppressed()``, and sets
``data_modified_timestamp`` on every row it builds to the moment the seeding started. This module then
appends the change-log entries those writes would have produced, set-based, in the seeding transaction,
so the change feed, the search indexer and catalog membership all see the new content.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, reset_queries, transaction

from course_metadata.demo.context import SeededCatalog
from course_metadata.models import Course, CourseRun, LearnerPathway, Organization, Person, Program
from course_metadata.tracking.recorder import rows_changed

# Entries are built in memory before they are inserted; chunks keep a 50,000-course seed's peak small.
CHUNK = 5000

# Top-down: a program is logged before the courses that would otherwise pull it into their own entries
# (and re-stamp it), so every seeded row keeps the timestamp the seeder gave it.
LOGGED_MODELS = (Program, Course, CourseRun, Organization, Person, LearnerPathway)


def record_seeded_changes(seeded: SeededCatalog, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Append one change-log entry (upsert) per seeded course, run, program, organization, person and learner
    pathway.

    Call inside the transaction that seeded the rows, after leaving ``tracking.suppressed()``.
    """
    with transaction.atomic(using=using, savepoint=False):
        for model in LOGGED_MODELS:
            pks = seeded.created.get(model._meta.label, [])
            for start in range(0, len(pks), CHUNK):
                # stamped=True: the rows already carry their timestamp; only the entries are missing.
                rows_changed(model, set(pks[start : start + CHUNK]), alias=using, stamped=True)
                reset_queries()  # DEBUG keeps the last 9,000 queries; these are long
