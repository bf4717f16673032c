"""Rule: derived enterprise subscription flags stay right whenever an input changes.

course_metadata.services.subscription_inclusion computes them. Nothing happens behind save() or a signal
(docs/decisions/0022-visible-write-path.rst): each write path calls subscription_inclusion_update() with
what it changed, as these tests do after each ORM write; the Publisher, admin and seeder paths have their
own tests (tests/course_metadata/test_write_paths.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course_metadata.models import Course, CourseRun, CourseRunPacing, Organization, Program
from course_metadata.services.subscription_inclusion import (
    subscription_inclusion_changed,
    subscription_inclusion_deleting,
    subscription_inclusion_refresh,
    subscription_inclusion_update,
)
from tests.course_metadata.rules_fixtures import commit_boundary
from tests.factories import CourseFactory, CourseRunFactory, DegreeFactory, OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SELF, INSTRUCTOR = CourseRunPacing.SELF, CourseRunPacing.INSTRUCTOR


def flag(obj: Course | CourseRun | Program | Organization) -> bool:
    return type(obj).objects.values_list("enterprise_subscription_inclusion", flat=True).get(pk=obj.pk)


def stamp(obj: Course) -> dt.datetime:
    return type(obj).objects.values_list("data_modified_timestamp", flat=True).get(pk=obj.pk)


@pytest.fixture
def org() -> Organization:
    return OrganizationFactory(enterprise_subscription_inclusion=True)


@pytest.fixture
def course(org: Organization) -> Course:
    return CourseFactory(authoring_organization=org, partner=org.partner)


def test_a_course_is_included_when_it_and_every_authoring_organization_opted_in(org: Organization) -> None:
    # Guards: the course rule (the factory calls the service after attaching the authoring organizations).
    included = CourseFactory(authoring_organization=org, partner=org.partner)
    opted_out = CourseFactory(authoring_organization=org, partner=org.partner, enterprise_subscription_opt_in=False)
    orphan = CourseFactory(authoring_organizations=[])
    excluded_org = CourseFactory(authoring_organization=OrganizationFactory(enterprise_subscription_inclusion=False))

    assert (flag(included), flag(opted_out), flag(orphan), flag(excluded_org)) == (True, False, False, False)


def test_flipping_a_course_opt_in_updates_the_course_its_runs_and_its_programs(course: Course) -> None:
    # Guards: a course refresh deriving its own flag and passing a flip on to runs and programs.
    run = CourseRunFactory(course=course, pacing_type=SELF)
    program = ProgramFactory(courses=[course])
    assert (flag(course), flag(run), flag(program)) == (True, True, True)

    course.enterprise_subscription_opt_in = False
    course.save()
    assert flag(course) is True  # save() derives nothing
    subscription_inclusion_update(courses=[course])
    assert course.enterprise_subscription_inclusion is False  # reloaded on the instance it was given
    assert (flag(course), flag(run), flag(program)) == (False, False, False)

    course.enterprise_subscription_opt_in = True
    course.save(update_fields=["enterprise_subscription_opt_in"])
    subscription_inclusion_update(courses=[course])
    assert (flag(course), flag(run), flag(program)) == (True, True, True)


def test_an_organization_flip_reaches_its_courses_runs_and_programs(org: Organization, course: Course) -> None:
    # Guards: an organization refresh reaching its courses, their runs and programs.
    run = CourseRunFactory(course=course, pacing_type=SELF)
    program = ProgramFactory(courses=[course])
    bystander = CourseFactory(authoring_organization=OrganizationFactory(enterprise_subscription_inclusion=True))

    org.enterprise_subscription_inclusion = False
    org.save()
    subscription_inclusion_update(organizations=[org])
    assert (flag(course), flag(run), flag(program), flag(bystander)) == (False, False, False, True)

    org.enterprise_subscription_inclusion = True
    org.save()
    subscription_inclusion_update(organizations=[org])
    assert (flag(course), flag(run), flag(program)) == (True, True, True)


def test_a_flag_that_flips_moves_the_data_modified_timestamp_and_only_then() -> None:
    # Guards: derived changes are visible to change tracking (the timestamp moves) and no-ops write nothing.
    org = OrganizationFactory(enterprise_subscription_inclusion=True)
    course = CourseFactory(authoring_organization=org, partner=org.partner)
    other = CourseFactory(authoring_organization=OrganizationFactory(enterprise_subscription_inclusion=True))
    commit_boundary()
    before, other_before = stamp(course), stamp(other)

    org.enterprise_subscription_inclusion = False
    org.save()
    subscription_inclusion_update(organizations=[org])
    commit_boundary()

    assert stamp(course) > before
    assert stamp(other) == other_before
    after = stamp(course)
    assert not subscription_inclusion_refresh(organization_ids=[org.pk], course_ids=[course.pk, other.pk])
    commit_boundary()
    assert stamp(course) == after


def test_a_stale_instance_never_writes_its_derived_flags_back(org: Organization) -> None:
    # Guards: save() never writes derived flags of an existing row (DerivedFieldsMixin).
    course = CourseFactory(authoring_organization=org, partner=org.partner)
    run = CourseRunFactory(course=course, pacing_type=SELF)
    program = ProgramFactory(courses=[course])
    stale_course = Course.objects.get(pk=course.pk)
    stale_run = CourseRun.objects.get(pk=run.pk)
    stale_program = Program.objects.get(pk=program.pk)
    assert (stale_course.enterprise_subscription_inclusion, stale_program.enterprise_subscription_inclusion) == (
        True,
        True,
    )

    org.enterprise_subscription_inclusion = False
    org.save()
    subscription_inclusion_update(organizations=[org])
    stale_course.title, stale_run.title_override, stale_program.title = "New", "New", "New"
    for stale in (stale_course, stale_run, stale_program):
        stale.save()

    assert (flag(course), flag(run), flag(program)) == (False, False, False)
    assert Course.objects.get(pk=course.pk).title == "New"


def test_authoring_organization_changes_from_either_side(org: Organization, course: Course) -> None:
    # Guards: the course rule after Course.authoring_organizations changes (forward, reverse, clear).
    opted_out = OrganizationFactory(enterprise_subscription_inclusion=False, partner=org.partner)

    def refreshed() -> bool:
        subscription_inclusion_update(courses=[course])
        return flag(course)

    course.authoring_organizations.add(opted_out)
    assert refreshed() is False
    course.authoring_organizations.remove(opted_out)
    assert refreshed() is True

    # The reverse side of a SortedManyToManyField: sortedm2m ships no types, so the stubs do not know it.
    opted_out.authored_courses.add(course)  # type: ignore[attr-defined]
    assert refreshed() is False
    opted_out.authored_courses.clear()  # type: ignore[attr-defined]
    assert refreshed() is True

    course.authoring_organizations.clear()
    assert refreshed() is False
    course.authoring_organizations.set([org])
    assert refreshed() is True


def test_a_run_is_included_only_when_self_paced(course: Course) -> None:
    # Guards: a run refresh deriving its flag from its pacing and its course.
    run = CourseRunFactory(course=course, pacing_type=INSTRUCTOR)
    assert flag(run) is False

    run.pacing_type = SELF
    run.save()
    subscription_inclusion_update(course_runs=[run])
    assert flag(run) is True

    run.pacing_type = INSTRUCTOR
    run.save()
    subscription_inclusion_update(course_runs=[run])
    assert flag(run) is False

    run_of_excluded = CourseRunFactory(course=CourseFactory(enterprise_subscription_opt_in=False), pacing_type=SELF)
    assert flag(run_of_excluded) is False


def test_program_courses_changes_from_either_side(course: Course) -> None:
    # Guards: the program rule after Program.courses changes (forward, reverse, clear).
    excluded = CourseFactory(enterprise_subscription_opt_in=False)
    program = ProgramFactory()
    assert flag(program) is False  # no courses

    def refreshed() -> bool:
        subscription_inclusion_update(programs=[program])
        return flag(program)

    program.courses.add(course)
    assert refreshed() is True
    program.courses.add(excluded)
    assert refreshed() is False
    program.courses.remove(excluded)
    assert refreshed() is True

    # The reverse side of a SortedManyToManyField: sortedm2m ships no types, so the stubs do not know it.
    excluded.programs.add(program)  # type: ignore[attr-defined]
    assert refreshed() is False
    excluded.programs.clear()  # type: ignore[attr-defined]
    assert refreshed() is True

    program.courses.clear()
    assert refreshed() is False


def test_degrees_follow_the_program_rule(course: Course) -> None:
    degree = DegreeFactory(courses=[course])

    assert flag(Program.objects.get(pk=degree.pk)) is True


def test_deleting_inputs_recomputes_what_depended_on_them(org: Organization, course: Course) -> None:
    # Guards: subscription_inclusion_deleting (a program loses its only excluded course; a course loses its
    # opted-out organization).
    excluded = CourseFactory(enterprise_subscription_opt_in=False)
    program = ProgramFactory(courses=[course, excluded])
    opted_out = OrganizationFactory(enterprise_subscription_inclusion=False, partner=org.partner)
    course.authoring_organizations.add(opted_out)
    subscription_inclusion_update(courses=[course])
    assert (flag(course), flag(program)) == (False, False)

    with subscription_inclusion_deleting(organizations=[opted_out]):
        opted_out.delete()
    assert flag(course) is True
    with subscription_inclusion_deleting(courses=[excluded]):
        excluded.delete()
    assert flag(program) is True


def test_refresh_announces_flips_once_per_model(org: Organization, course: Course) -> None:
    run = CourseRunFactory(course=course, pacing_type=SELF)
    program = ProgramFactory(courses=[course])
    received: list[tuple[type, dict[int, bool]]] = []

    def listener(sender: type, changed: dict[int, bool], **kwargs: object) -> None:
        received.append((sender, changed))

    subscription_inclusion_changed.connect(listener)
    try:
        Organization.objects.filter(pk=org.pk).update(enterprise_subscription_inclusion=False)
        changes = subscription_inclusion_refresh(organization_ids=[org.pk])
    finally:
        subscription_inclusion_changed.disconnect(listener)

    assert changes.courses == {course.pk: False}
    assert changes.course_runs == {run.pk: False}
    assert changes.programs == {program.pk: False}
    assert received == [(Course, {course.pk: False}), (CourseRun, {run.pk: False}), (Program, {program.pk: False})]


def refresh_queries(org: Organization) -> int:
    with CaptureQueriesContext(connection) as queries:
        subscription_inclusion_refresh(organization_ids=[org.pk])
    return len(queries)


def test_an_organization_flip_costs_the_same_queries_for_2_or_12_courses() -> None:
    # Guards: set-based updates — the query count does not grow with the number of affected rows.
    small, large = (OrganizationFactory(enterprise_subscription_inclusion=True) for _ in range(2))
    for org, size in ((small, 2), (large, 12)):
        for _ in range(size):
            course = CourseFactory(authoring_organization=org, partner=org.partner)
            CourseRunFactory(course=course, pacing_type=SELF)
            ProgramFactory(courses=[course])
    Organization.objects.filter(pk__in=[small.pk, large.pk]).update(enterprise_subscription_inclusion=False)

    assert refresh_queries(small) == refresh_queries(large)
    assert not Course.objects.filter(enterprise_subscription_inclusion=True).exists()
    assert not CourseRun.objects.filter(enterprise_subscription_inclusion=True).exists()
    assert not Program.objects.filter(enterprise_subscription_inclusion=True).exists()
