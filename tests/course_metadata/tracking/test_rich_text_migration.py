"""Migration 0009 cleans rich text stored before sanitizing existed, and records only the rows it changed (ADR 0073)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from course_metadata.models import Course, CourseRun, Degree, Organization, Person, Program
from course_metadata.rules.rich_text import rich_text_fields, sanitize_html
from tests.course_metadata.tracking.conftest import LogWatch, stamp
from tests.factories import CourseFactory, CourseRunFactory, DegreeFactory, PersonFactory

MIGRATION = "0009_sanitize_stored_rich_text"
migration = importlib.import_module(f"course_metadata.migrations.{MIGRATION}")

PAYLOAD = '<p onclick="steal()">Hi</p><script>alert(document.cookie)</script><img src=x onerror="alert(1)">'
CLEAN = sanitize_html(PAYLOAD)


def migration_apps() -> Any:
    return MigrationLoader(connection).project_state(("course_metadata", MIGRATION)).apps


def store_raw(obj: Any, **columns: str) -> None:
    """Write ``columns`` with SQL, as rows written before any sanitizer did."""
    table = connection.ops.quote_name(obj._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*columns.values(), obj.pk])


def test_scripts_stored_before_sanitizing_are_cleaned_and_only_those_rows_are_recorded(
    course: Course, organization: Organization, commit: Callable[[], None], log: LogWatch
) -> None:
    draft = CourseFactory.create(partner=course.partner, number="CS102", draft=True)
    run = CourseRunFactory.create(course=course, term="3T2030")
    person = PersonFactory.create(partner=course.partner)
    degree = DegreeFactory.create(partner=course.partner)
    untouched = CourseFactory.create(partner=course.partner, number="CS103", full_description="<p>Fine &amp; dandy</p>")
    store_raw(course, full_description=PAYLOAD, faq=PAYLOAD)
    store_raw(draft, outcome=PAYLOAD)
    store_raw(run, short_description_override=PAYLOAD)
    store_raw(person, bio=PAYLOAD)
    store_raw(organization, description=PAYLOAD)
    store_raw(Program.objects.get(pk=degree.pk), overview=PAYLOAD)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE course_metadata_degree SET application_requirements = %s WHERE program_ptr_id = %s",
            [PAYLOAD, degree.pk],
        )
    commit()
    log.reset()
    before = {obj: stamp(obj) for obj in (course, draft, run, organization, degree, untouched)}

    migration.sanitize_stored_rich_text(migration_apps(), SimpleNamespace(connection=connection), batch=2)

    course.refresh_from_db()
    assert (course.full_description, course.faq) == (CLEAN, CLEAN)
    assert Course.objects.get(pk=draft.pk).outcome == CLEAN
    assert CourseRun.objects.get(pk=run.pk).short_description_override == CLEAN
    assert Person.objects.get(pk=person.pk).bio == CLEAN
    assert Organization.objects.get(pk=organization.pk).description == CLEAN
    cleaned_degree = Degree.objects.get(pk=degree.pk)
    assert (cleaned_degree.overview, cleaned_degree.application_requirements) == (CLEAN, CLEAN)
    assert "<script" not in CLEAN and "onerror" not in CLEAN

    logged = set(log.objects("upsert"))
    for obj, kind in ((course, "course"), (draft, "course"), (run, "courserun"), (organization, "organization")):
        assert (kind, obj.pk) in logged
        assert stamp(obj) > before[obj]
    assert ("person", person.pk) in logged
    assert ("program", degree.pk) in logged and stamp(degree) > before[degree]
    # A clean row is neither rewritten nor announced.
    assert ("course", untouched.pk) not in logged
    assert stamp(untouched) == before[untouched]
    assert Course.objects.get(pk=untouched.pk).full_description == "<p>Fine &amp; dandy</p>"


def test_running_it_again_changes_nothing(course: Course, commit: Callable[[], None], log: LogWatch) -> None:
    store_raw(course, full_description=PAYLOAD)
    migration.sanitize_stored_rich_text(migration_apps(), SimpleNamespace(connection=connection))
    commit()
    log.reset()
    migration.sanitize_stored_rich_text(migration_apps(), SimpleNamespace(connection=connection))
    assert log.entries() == []


@pytest.mark.django_db
def test_it_covers_every_rich_text_column_that_existed_when_it_was_written() -> None:
    state = migration_apps()
    for model in current_apps.get_app_config("course_metadata").get_models():
        local = {field.name for field in model._meta.local_fields}
        columns = {name for name in rich_text_fields(model) if name in local}
        try:
            then = state.get_model("course_metadata", model.__name__)
        except LookupError:
            continue
        existing = {name for name in columns if name in {field.name for field in then._meta.local_fields}}
        assert existing <= set(migration.RICH_TEXT_COLUMNS.get(model.__name__, ())), model.__name__
    for name, listed in migration.RICH_TEXT_COLUMNS.items():
        assert set(listed) <= set(rich_text_fields(current_apps.get_model("course_metadata", name))), name
