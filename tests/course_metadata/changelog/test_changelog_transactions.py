"""Exactly one entry per object per committed transaction, none for rolled-back work (real transactions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from course_metadata.models import ChangeLogEntry, Course, CourseRun, CourseRunPacing, Seat
from course_metadata.services.subscription_inclusion import subscription_inclusion_update
from tests.factories import CourseFactory, CourseRunFactory, OrganizationFactory, SeatFactory

pytestmark = pytest.mark.django_db(transaction=True)


def top() -> int:
    last = ChangeLogEntry.objects.order_by("-id").first()
    return last.id if last else 0


def entries_after(mark: int) -> list[tuple[str, int, str]]:
    return [(e.object_type, e.object_id, e.action) for e in ChangeLogEntry.objects.filter(id__gt=mark).order_by("id")]


@pytest.fixture
def seat():
    return SeatFactory(course_run=CourseRunFactory())


def test_many_touches_in_one_transaction_make_one_entry_per_object(seat):
    mark = top()
    run, course = seat.course_run, seat.course_run.course
    with transaction.atomic():
        for price in ("10.00", "11.00", "12.00"):
            seat.price = Decimal(price)
            seat.save()
        course.title = "Retitled"
        course.save()
        Course.objects.filter(pk=course.pk).update(short_description="Updated in bulk")
    assert sorted(entries_after(mark)) == [("course", course.pk, "upsert"), ("courserun", run.pk, "upsert")]


def test_each_committed_transaction_gets_its_own_entry(seat):
    mark = top()
    for price in ("20.00", "21.00"):
        with transaction.atomic():
            Seat.objects.filter(pk=seat.pk).update(price=Decimal(price))
    assert entries_after(mark).count(("course", seat.course_run.course_id, "upsert")) == 2


def test_a_rolled_back_transaction_leaves_no_entry_and_no_timestamp(seat):
    mark = top()
    course = seat.course_run.course
    stamp = Course.objects.get(pk=course.pk).data_modified_timestamp
    with pytest.raises(RuntimeError), transaction.atomic():
        seat.price = Decimal("99.00")
        seat.save()
        raise RuntimeError("abort")
    assert entries_after(mark) == []
    assert Course.objects.get(pk=course.pk).data_modified_timestamp == stamp


def test_a_rolled_back_savepoint_forgets_its_entries_but_not_the_others(seat):
    mark = top()
    course, run = seat.course_run.course, seat.course_run
    with transaction.atomic():
        course.title = "Kept"
        course.save()
        try:
            with transaction.atomic():
                seat.price = Decimal("55.00")
                seat.save()
                raise RuntimeError("inner")
        except RuntimeError:
            pass
        seat.price = Decimal("56.00")  # the run was logged only in the rolled-back savepoint: log it again
        seat.save()
    assert sorted(entries_after(mark)) == [("course", course.pk, "upsert"), ("courserun", run.pk, "upsert")]


def test_delete_after_change_in_one_transaction_is_one_tombstone(seat):
    mark = top()
    run = seat.course_run
    run_pk = run.pk
    with transaction.atomic():
        run.min_effort = 9
        run.save()
        run.delete()
    assert [entry for entry in entries_after(mark) if entry[0] == "courserun"] == [("courserun", run_pk, "delete")]


def test_save_outside_a_transaction_commits_row_and_entry_together(seat):
    mark = top()
    course = CourseFactory()
    assert ("course", course.pk, "upsert") in entries_after(mark)


def test_a_course_write_that_flips_its_runs_commits_as_one_transaction():
    # Guards: subscription_inclusion_update() joins the writer's transaction (docs/decisions/0022), so a
    # service (or the admin, whose change view is atomic) commits the course and its runs together.
    organization = OrganizationFactory(enterprise_subscription_inclusion=True)
    course = CourseFactory(authoring_organization=organization, partner=organization.partner)
    run = CourseRunFactory(course=course, pacing_type=CourseRunPacing.SELF)
    assert CourseRun.objects.get(pk=run.pk).enterprise_subscription_inclusion is True
    mark = top()

    with transaction.atomic():
        course.enterprise_subscription_opt_in = False
        course.save()
        subscription_inclusion_update(courses=[course])

    assert sorted(entries_after(mark)) == [("course", course.pk, "upsert"), ("courserun", run.pk, "upsert")]
    assert ChangeLogEntry.objects.filter(id__gt=mark).values("txid").distinct().count() == 1
