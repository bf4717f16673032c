"""Seeded and loaded rows get a first history row, so the first edit shows what changed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from course_metadata.history import historied_models, history_baseline
from course_metadata.models import Course, CourseRun, Degree, Program, Seat
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    call_command("seed_catalog", courses=4, seed=3, no_progress=True, stdout=StringIO())


def test_every_seeded_row_has_a_baseline(seeded: None) -> None:
    seeded_in_bulk = {Course, CourseRun, Seat, Program}
    for model in historied_models():
        pk_name = model._meta.pk.attname
        rows = set(model._base_manager.values_list("pk", flat=True))
        first_rows = model.history.filter(history_type="+")  # type: ignore[attr-defined]
        assert set(first_rows.values_list(pk_name, flat=True)) == rows, model._meta.label
        if model in seeded_in_bulk:
            assert rows and first_rows.filter(history_change_reason="Seeded by seed_catalog").count() == len(rows)
    assert Degree.objects.exists() and Seat.objects.exists()
    # A multi-table child (Degree) copies its parent's columns too.
    degree = Degree.objects.first()
    assert degree is not None and degree.history.get().title == degree.title


def test_the_first_edit_shows_what_changed(seeded: None, admin_client: Client) -> None:
    course = Course.objects.filter(draft=False).first()
    assert course is not None
    course.title = "A new title"
    course.save()

    latest, baseline = course.history.all()[:2]
    assert [change.field for change in latest.diff_against(baseline).changes] == ["title"]
    response = admin_client.get(reverse("admin:course_metadata_course_history", args=[course.pk]))
    assert response.status_code == 200
    assert "A new title" in response.content.decode()


def test_a_baseline_is_recorded_once(seeded: None) -> None:
    assert history_baseline(CourseRun, reason="again") == 0
    out = StringIO()
    call_command("history_baseline", no_progress=True, stdout=out)
    assert "Recorded 0 baseline history rows." in out.getvalue()


def test_rows_written_in_bulk_get_their_baseline() -> None:
    course = CourseFactory()
    Course.history.all().delete()  # as if it had been loaded in bulk
    Program.history.all().delete()

    assert history_baseline(Course, [course.pk], reason="Loaded") == 1
    assert course.history.get().history_change_reason == "Loaded"
    assert history_baseline(Course, reason="Loaded") == 0


def test_the_admin_registers_history_for_these_models() -> None:
    assert all(hasattr(admin.site._registry[model], "history_view") for model in historied_models())
