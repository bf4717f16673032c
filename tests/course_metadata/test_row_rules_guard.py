"""The suite-wide guard (tests/row_rules_guard.py) notices production code that saves around the row rules."""

from __future__ import annotations

from types import CodeType

import pytest

from course_metadata.models import Course
from course_metadata.rules.rows import has_row_rules
from course_metadata.services.rows import row_save
from tests.row_rules_guard import REPO, guarded_models

pytestmark = pytest.mark.django_db


def production_code(source: str) -> CodeType:
    """``source`` compiled as if it were a line of course_metadata/services (the guard goes by file name)."""
    return compile(source, str(REPO / "course_metadata" / "services" / "a_new_loader.py"), "exec")


def test_a_direct_save_in_production_code_is_reported(
    course: Course, _row_rules_on_every_write_path: list[str]
) -> None:
    course.title = "Renamed"
    exec(production_code("course.save()"), {"course": course})
    exec(production_code("row_save(course)"), {"course": course, "row_save": row_save})
    reported = list(_row_rules_on_every_write_path)
    _row_rules_on_every_write_path.clear()  # this test's bypass is on purpose
    assert len(reported) == 1
    assert reported[0].startswith("Course saved without row_save at ") and "a_new_loader.py:1" in reported[0]


def test_a_test_s_own_set_up_may_save_directly(course: Course, _row_rules_on_every_write_path: list[str]) -> None:
    course.title = "Renamed"
    course.save()
    assert _row_rules_on_every_write_path == []


def test_every_model_with_row_rules_is_guarded() -> None:
    guarded = guarded_models()
    names = {model.__name__ for model in guarded}
    assert {"Course", "CourseRun", "Curriculum", "CurriculumCourseMembership", "Program", "Person"} <= names
    assert all(has_row_rules(model) for model in guarded)
