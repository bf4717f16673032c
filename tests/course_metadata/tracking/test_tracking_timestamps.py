"""data_modified_timestamp moves exactly when the data changes: own fields, related rows, m2m, tags."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from course_metadata.models import Course, CourseEditor, CourseRun, Degree, Organization, Program, Seat, SeatType
from course_metadata.services.subscription_inclusion import subscription_inclusion_update
from course_metadata.tracking import mark_changed, suppressed
from course_metadata.tracking.handlers import check
from tests.course_metadata.tracking.conftest import stamp
from tests.factories import (
    AdditionalMetadataFactory,
    CollaboratorFactory,
    CourseEntitlementFactory,
    CourseFactory,
    CourseRunFactory,
    CurriculumCourseMembershipFactory,
    CurriculumFactory,
    DegreeFactory,
    FactFactory,
    OrganizationFactory,
    PersonFactory,
    ProgramFactory,
    SeatFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(commit, log):
    """An organization's course with a run, a seat and an entitlement, in a program."""
    organization = OrganizationFactory()
    course = CourseFactory(authoring_organization=organization)
    run = CourseRunFactory(course=course)
    seat = SeatFactory(course_run=run)
    entitlement = CourseEntitlementFactory(course=course)
    program = ProgramFactory(partner=course.partner, courses=[course])
    commit()
    log.reset()
    return {
        "org": organization,
        "course": course,
        "run": run,
        "seat": seat,
        "entitlement": entitlement,
        "program": program,
    }


def stamps(world):
    return {name: stamp(world[name]) for name in ("org", "course", "run", "program")}


def moved(before, after):
    return {name for name in before if before[name] != after[name]}


def test_noop_save_moves_nothing(world, log):
    before = stamps(world)
    for name in ("org", "course", "run", "program", "seat", "entitlement"):
        type(world[name]).objects.get(pk=world[name].pk).save()
    assert moved(before, stamps(world)) == set()
    assert log.entries() == []


def test_own_field_change_moves_object_and_its_containers(world, log):
    before = stamps(world)
    course = Course.objects.get(pk=world["course"].pk)
    course.short_description = "Something new"
    course.save()
    assert moved(before, stamps(world)) == {"course", "program"}
    assert sorted(log.objects()) == [("course", course.pk), ("program", world["program"].pk)]


def test_seat_change_moves_run_course_program(world, log):
    before = stamps(world)
    seat = Seat.objects.get(pk=world["seat"].pk)
    seat.price = seat.price + Decimal("1.00")
    seat.save()
    assert moved(before, stamps(world)) == {"run", "course", "program"}
    assert {key[0] for key in log.objects()} == {"courserun", "course", "program"}
    assert len(log.entries()) == 3


def test_seat_saved_with_equal_decimal_is_no_change(world, log):
    seat = Seat.objects.get(pk=world["seat"].pk)
    seat.price = Decimal(str(seat.price)) + Decimal("0.000")
    seat.save()
    assert log.entries() == []


def test_course_title_moves_its_runs_but_other_fields_do_not(world, log, commit):
    before = stamps(world)
    course = Course.objects.get(pk=world["course"].pk)
    course.outcome = "More outcomes"
    course.save()
    assert "run" not in moved(before, stamps(world))
    commit()
    before = stamps(world)
    course.title = "A brand-new title"
    course.save()
    assert {"course", "run", "program"} <= moved(before, stamps(world))


def test_organization_change_moves_courses_it_authors(world, log):
    before = stamps(world)
    organization = Organization.objects.get(pk=world["org"].pk)
    organization.name = "Renamed University"
    organization.save()
    assert moved(before, stamps(world)) == {"org", "course", "program"}


def test_subject_rename_moves_the_courses_that_list_it(world, log, commit):
    subject = SubjectFactory(partner=world["course"].partner)
    world["course"].subjects.set([subject])
    commit()
    before = stamps(world)
    subject.name = "Renamed subject"
    subject.save()
    assert moved(before, stamps(world)) == {"course", "program"}


def test_sorted_m2m_order_counts_and_identical_set_does_not(world, log, commit):
    course = world["course"]
    first, second = SubjectFactory(partner=course.partner), SubjectFactory(partner=course.partner)
    course.subjects.set([first, second])
    commit()
    log.reset()
    before = stamps(world)
    course.subjects.set([first, second])
    assert moved(before, stamps(world)) == set()
    assert log.entries() == []
    course.subjects.set([second, first])
    assert moved(before, stamps(world)) == {"course", "program"}
    assert sorted(log.objects()) == [("course", course.pk), ("program", world["program"].pk)]


def test_m2m_add_remove_and_reverse_side(world, log, commit):
    course = world["course"]
    collaborator = CollaboratorFactory()
    before = stamps(world)
    course.collaborators.add(collaborator)
    assert moved(before, stamps(world)) == {"course", "program"}
    commit()
    before = stamps(world)
    collaborator.courses.remove(course)  # type: ignore[attr-defined]  # the other side (sortedm2m is untyped)
    assert moved(before, stamps(world)) == {"course", "program"}
    commit()
    before = stamps(world)
    collaborator.courses.remove(course)  # type: ignore[attr-defined]  # no longer there: nothing happens
    assert moved(before, stamps(world)) == set()


def test_run_staff_and_person_changes(world, log, commit):
    person = PersonFactory()
    before = stamps(world)
    world["run"].staff.set([person])
    assert moved(before, stamps(world)) == {"run", "course", "program"}
    commit()
    log.reset()
    before = stamps(world)
    person.bio = "A new biography"
    person.save()
    assert moved(before, stamps(world)) == {"run", "course", "program"}
    assert ("person", person.pk) in log.objects()


def test_tags_count_when_added_or_removed(world, log, commit):
    course = world["course"]
    before = stamps(world)
    course.topics.add("python")
    assert moved(before, stamps(world)) == {"course", "program"}
    commit()
    before = stamps(world)
    course.topics.add("python")
    course.topics.set(["python"])
    assert moved(before, stamps(world)) == set()
    course.topics.remove("python")
    assert moved(before, stamps(world)) == {"course", "program"}


def test_program_labels_and_courses(world, log, commit):
    program = world["program"]
    other = CourseFactory(partner=program.partner)
    commit()
    before = stamps(world)
    program.labels.add("featured")
    assert moved(before, stamps(world)) == {"program"}
    commit()
    before = stamps(world)
    program.courses.set([other, world["course"]])
    assert moved(before, stamps(world)) == {"program"}


def test_marketing_extras_reach_the_course(world, log, commit):
    course = world["course"]
    fact = FactFactory()
    metadata = AdditionalMetadataFactory(facts=[fact])
    course.additional_metadata = metadata
    course.save()
    commit()
    before = stamps(world)
    fact.blurb = "Changed blurb"
    fact.save()
    assert moved(before, stamps(world)) == {"course", "program"}
    commit()
    before = stamps(world)
    assert metadata.certificate_info is not None
    metadata.certificate_info.heading = "New heading"
    metadata.certificate_info.save()
    assert moved(before, stamps(world)) == {"course", "program"}
    commit()
    before = stamps(world)
    metadata.facts.remove(fact)
    assert moved(before, stamps(world)) == {"course", "program"}


def test_queryset_update_is_tracked_for_changed_rows_only(world, log):
    before = stamps(world)
    assert Course.objects.filter(pk=world["course"].pk).update(title=world["course"].title) == 1
    assert moved(before, stamps(world)) == set()
    assert log.entries() == []
    Seat.objects.filter(pk=world["seat"].pk).update(price=Decimal("1234.00"))
    assert moved(before, stamps(world)) == {"run", "course", "program"}


def test_bulk_update_is_tracked(world, log):
    before = stamps(world)
    run = CourseRun.objects.get(pk=world["run"].pk)
    run.min_effort = (run.min_effort or 0) + 1
    Program.objects.bulk_update([Program.objects.get(pk=world["program"].pk)], ["title"])
    assert moved(before, stamps(world)) == set()
    CourseRun.objects.bulk_update([run], ["min_effort", "data_modified_timestamp"])
    assert moved(before, stamps(world)) == {"run", "course", "program"}


def test_deleting_a_seat_moves_its_run(world, log):
    before = stamps(world)
    world["seat"].delete()
    assert moved(before, stamps(world)) == {"run", "course", "program"}


def test_deleting_a_run_leaves_a_tombstone(world, log):
    run = world["run"]
    run_pk = run.pk
    run.delete()
    assert ("courserun", run_pk) in log.objects("delete")
    assert ("course", world["course"].pk) in log.objects("upsert")


def test_deleting_a_course_leaves_tombstones_for_it_and_its_runs(world, log):
    course_pk, run_pk = world["course"].pk, world["run"].pk
    world["course"].delete()
    assert set(log.objects("delete")) >= {("course", course_pk), ("courserun", run_pk)}
    assert ("course", course_pk) not in log.objects("upsert")
    assert len(log.objects()) == len(set(log.objects()))


def test_suppressed_writes_move_nothing(world, log):
    before = stamps(world)
    course = Course.objects.get(pk=world["course"].pk)
    course.title = "Quietly"
    with suppressed():
        course.save()
        Seat.objects.filter(pk=world["seat"].pk).update(price=Decimal("7.00"))
    assert moved(before, stamps(world)) == set()
    assert log.entries() == []


def test_stale_instance_saved_without_change_keeps_the_newer_timestamp(world, log):
    stale = Course.objects.get(pk=world["course"].pk)
    seat = Seat.objects.get(pk=world["seat"].pk)
    seat.price += 5
    seat.save()
    newer = stamp(world["course"])
    stale.save()
    assert stamp(world["course"]) == newer


def test_draft_edits_move_the_draft_only(world, log, commit):
    official = world["course"]
    draft = CourseFactory(
        partner=official.partner, key=official.key, number=official.number, uuid=official.uuid, draft=True
    )
    draft_seat = SeatFactory(course_run=CourseRunFactory(course=draft, key=world["run"].key, draft=True))
    commit()
    log.reset()
    before = stamps(world)
    draft_seat.price += 3
    draft_seat.save()
    assert moved(before, stamps(world)) == set()
    assert ("course", draft.pk) in log.objects()
    assert all(entry.draft for entry in log.entries() if entry.object_id != official.pk)


def test_pk_swap_with_identical_data_moves_nothing(world, log, commit):
    official = Course.objects.get(pk=world["course"].pk)
    copy = Course.objects.get(pk=official.pk)
    with suppressed():
        copy.pk = None
        copy.draft = True
        copy.url_slug = official.url_slug
        copy.save()
    commit()
    log.reset()
    before = stamps(world)
    copy.pk = official.pk  # set_official-style: the draft's values land on the official row
    copy.draft = False
    copy.save()
    assert moved(before, stamps(world)) == set()
    copy.title = "Published title"
    copy.save()
    assert moved(before, stamps(world)) >= {"course", "program"}
    assert [entry.object_id for entry in log.entries() if entry.object_type == "course"] == [official.pk]


def test_degree_fields_and_curricula_move_the_program(log, commit):
    degree = DegreeFactory()
    course = CourseFactory(partner=degree.partner)
    curriculum = CurriculumFactory(program=degree)
    commit()
    before = stamp(degree)
    degree = Degree.objects.get(pk=degree.pk)
    degree.apply_url = "https://example.com/apply-now"
    degree.save()
    assert stamp(degree) != before
    commit()
    before = stamp(degree)
    CurriculumCourseMembershipFactory(curriculum=curriculum, course=course)
    assert stamp(degree) != before
    assert ("program", degree.pk) in log.objects()


def test_subscription_flag_refresh_is_tracked(log, commit):
    organization = OrganizationFactory(enterprise_subscription_inclusion=False)
    course = CourseFactory(authoring_organization=organization, enterprise_subscription_opt_in=True)
    commit()
    log.reset()
    before = stamp(course)
    organization = Organization.objects.get(pk=organization.pk)
    organization.enterprise_subscription_inclusion = True
    organization.save()
    # The writer's service call flips the course's derived flag with QuerySet.update().
    subscription_inclusion_update(organizations=[organization])
    assert Course.objects.get(pk=course.pk).enterprise_subscription_inclusion is True
    assert stamp(course) != before
    assert log.objects().count(("course", course.pk)) == 1


def test_mark_changed_records_what_the_orm_cannot_see(log):
    course = CourseFactory()
    mark_changed(course)
    assert ("course", course.pk) in log.objects()


def test_models_without_the_tracking_parts_are_refused():
    with pytest.raises(ImproperlyConfigured, match="ChangeTrackedMixin"):
        check([CourseEditor])


def test_bulk_create_of_related_rows_moves_their_parents(world, log):
    before = stamps(world)
    audit = SeatType.objects.get(slug="audit")
    Seat.objects.bulk_create([Seat(course_run=world["run"], type=audit, price=0)])
    assert moved(before, stamps(world)) == {"run", "course", "program"}


def test_reverse_clear_of_a_sorted_m2m_moves_every_owner(world, log, commit):
    course = world["course"]
    subject = SubjectFactory(partner=course.partner)
    other = CourseFactory(partner=course.partner)
    course.subjects.set([subject])
    other.subjects.set([subject])
    commit()
    log.reset()
    subject.courses.clear()  # type: ignore[attr-defined]  # reverse of a SortedManyToManyField (untyped)
    assert sorted(key for key in log.objects() if key[0] == "course") == sorted(
        [("course", course.pk), ("course", other.pk)]
    )
