"""seed_catalog builds a consistent, reproducible synthetic catalog and refuses to mix into existing data."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from course_metadata.models import (
    ChangeLogEntry,
    Course,
    CourseRun,
    Curriculum,
    Degree,
    LearnerPathway,
    LevelType,
    Organization,
    Partner,
    Person,
    Program,
    Seat,
)
from course_metadata.models.course_runs import validate_course_run_key
from course_metadata.services.subscription_inclusion import subscription_inclusion_refresh
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

COURSES = 24


def seed(**options: Any) -> str:
    out = StringIO()
    call_command("seed_catalog", courses=COURSES, seed=5, no_progress=True, chunk_size=10, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed()


def test_counts_and_directory(seeded: str) -> None:
    partner = Partner.objects.get(short_code="demo")

    assert partner.marketing_site_url_root == "https://www.example.org"
    assert Course.objects.filter(partner=partner).count() == COURSES
    assert f"Seeded {COURSES} courses" in seeded
    organizations = Organization.objects.filter(partner=partner).select_related("organization_extension__group")
    assert organizations.count() == 12
    assert all(org.organization_extension.group.name.endswith(org.key) for org in organizations)
    # Written through the row rules, like every other path: each organization gets its slug from its key.
    assert all(org.slug == slugify(org.key) for org in organizations)
    assert set(LevelType.objects.values_list("name", flat=True)) >= {"Introductory", "Intermediate", "Advanced"}
    assert Person.objects.count() >= 10
    assert not Person.objects.filter(position__isnull=True).exists()


def test_courses_have_organizations_subjects_runs_and_entitlements(seeded: str) -> None:
    courses = Course.objects.prefetch_related(
        "authoring_organizations", "subjects", "course_runs", "entitlements__mode"
    )
    courses = courses.select_related("type").prefetch_related("type__entitlement_types")

    for course in courses:
        organizations = list(course.authoring_organizations.all())
        assert organizations and course.key == f"{organizations[0].key}+{course.number}"
        assert course.subjects.exists()
        assert 1 <= len(course.course_runs.all()) <= 4
        assert course.type is not None
        assert {e.mode.slug for e in course.entitlements.all()} == {s.slug for s in course.type.entitlement_types.all()}
        assert len(course.topics.all()) >= 1


def test_runs_span_past_present_and_future_with_valid_keys(seeded: str) -> None:
    now = timezone.now()
    runs = list(CourseRun.objects.select_related("course").prefetch_related("staff"))
    spans = []

    for run in runs:
        validate_course_run_key(run.key)
        assert run.key.startswith(f"course-v1:{run.course.key}+")
        assert run.start is not None and run.end is not None
        assert run.start < run.end
        assert run.staff.exists()
        spans.append((run.start, run.end))
    assert any(end < now for _start, end in spans)
    assert any(start <= now <= end for start, end in spans)
    assert any(start > now for start, _end in spans)
    assert len({run.key for run in runs}) == len(runs)


def test_seats_match_the_run_type_tracks_and_prices(seeded: str) -> None:
    runs = CourseRun.objects.select_related("type").prefetch_related("type__tracks__seat_type", "seats__type")

    for run in runs:
        assert run.type is not None
        expected = set()
        for track in run.type.tracks.all():
            assert track.seat_type is not None
            expected.add(track.seat_type.slug)
        assert {seat.type.slug for seat in run.seats.all()} == expected
    assert not Seat.objects.filter(type__slug__in=["audit", "honor"]).exclude(price=0).exists()
    for slug in ("verified", "professional", "credit"):
        assert not Seat.objects.filter(type__slug=slug, price__lte=0).exists()
    assert Seat.objects.filter(type__slug="verified").exists()


def test_programs_degree_and_pathways(seeded: str) -> None:
    programs = Program.objects.filter(degree__isnull=True).annotate(n=Count("courses"))

    assert programs.count() == COURSES // 8
    assert all(3 <= program.n <= 6 for program in programs)
    assert programs.values("type").distinct().count() >= 1
    degree = Degree.objects.get()
    curricula = Curriculum.objects.filter(program=degree)
    assert sorted(curricula.values_list("is_active", flat=True)) == [False, True]
    assert all(curriculum.course_memberships.exists() for curriculum in curricula)
    assert curricula.get(is_active=True).program_memberships.exists()
    pathway = LearnerPathway.objects.prefetch_related("steps").first()
    assert pathway is not None and pathway.steps.count() >= 2
    assert all(step.nodes() for step in pathway.steps.all())


def test_subscription_flags_already_agree_with_the_rules(seeded: str) -> None:
    changes = subscription_inclusion_refresh(organization_ids=Organization.objects.values_list("pk", flat=True))

    assert not changes, changes
    assert Course.objects.filter(enterprise_subscription_inclusion=True).exists()


def test_timestamps_and_change_log(seeded: str) -> None:
    for model in (Course, CourseRun, Program, Organization):
        assert model.objects.values("data_modified_timestamp").distinct().count() == 1, model

    entries = ChangeLogEntry.objects.values("object_type").annotate(n=Count("id"))
    counts = {row["object_type"]: row["n"] for row in entries}
    assert counts["course"] == COURSES
    assert counts["courserun"] == CourseRun.objects.count()
    assert counts["program"] == Program.objects.count()
    assert counts["organization"] == 12
    assert counts["person"] == Person.objects.count()


class _Rollback(Exception):
    pass


def snapshot_of_seed(seed_value: int) -> list[tuple[Any, ...]]:
    """Seed inside a transaction that is rolled back, and return what the catalog looked like."""
    snapshot: list[tuple[Any, ...]] = []
    try:
        with transaction.atomic():
            call_command("seed_catalog", courses=12, seed=seed_value, no_progress=True, stdout=StringIO())
            snapshot += Course.objects.order_by("key").values_list("uuid", "key", "title", "type__slug")
            snapshot += CourseRun.objects.order_by("key").values_list("key", "start", "pacing_type", "type__slug")
            snapshot += Seat.objects.order_by("course_run__key", "type__slug").values_list("course_run__key", "price")
            snapshot += Program.objects.order_by("marketing_slug").values_list("title", "marketing_slug")
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


def test_the_same_seed_reproduces_the_catalog() -> None:
    first, again, other = snapshot_of_seed(11), snapshot_of_seed(11), snapshot_of_seed(12)

    assert first and first == again
    assert first != other


def test_refuses_a_database_that_has_courses() -> None:
    CourseFactory()

    with pytest.raises(CommandError, match="--append"):
        seed()

    assert Course.objects.count() == 1


def test_append_adds_to_an_existing_catalog(seeded: str) -> None:
    seed(append=True)

    assert Course.objects.count() == 2 * COURSES
    assert Organization.objects.count() == 12
    assert Degree.objects.count() == 1
    assert CourseRun.objects.values("key").distinct().count() == CourseRun.objects.count()


def test_run_dates_are_relative_to_today(seeded: str) -> None:
    latest = CourseRun.objects.order_by("-start").values_list("start", flat=True).first()

    assert latest is not None and latest - timezone.now() < dt.timedelta(days=4 * 400)


def test_no_change_log_leaves_the_log_alone() -> None:
    seed(no_change_log=True)

    assert Course.objects.count() == COURSES
    assert not ChangeLogEntry.objects.filter(object_type__in=["course", "courserun", "program"]).exists()


def test_runs_per_course_gives_every_course_that_many_runs() -> None:
    seed(runs_per_course=3)

    counts = Course.objects.filter(draft=False).annotate(runs=Count("course_runs")).values_list("runs", flat=True)
    assert set(counts) == {3}
    keys = list(CourseRun.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 3 * COURSES


def test_runs_per_course_out_of_range_is_refused() -> None:
    with pytest.raises(CommandError, match="--runs-per-course"):
        seed(runs_per_course=0)
