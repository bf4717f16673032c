"""Availability changes with the clock: content whose next boundary passed is re-evaluated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import CatalogMembership, ContentMetadata
from catalog.services.refresh import content_refresh_due
from catalog.tasks import refresh_content_past_boundary
from tests.catalog.conftest import DAY, make_course, run_keys

pytestmark = pytest.mark.django_db


def members(catalog) -> set[str]:
    return set(CatalogMembership.objects.filter(catalog=catalog).values_list("content__content_key", flat=True))


def test_a_run_moves_from_upcoming_to_starting_soon_to_current(make_catalog, run_consumer):
    start = (timezone.now() + 70 * DAY).replace(microsecond=0)
    course = make_course(runs=[{"start": start, "enrollment_start": start - 5 * DAY}])
    run_consumer()
    (run_key,) = run_keys(course)
    run = ContentMetadata.objects.get(content_key=run_key)
    assert run.document["availability"] == "Upcoming"
    assert run.next_boundary == start - 60 * DAY  # the Starting Soon window opens first

    soon = make_catalog({"availability": "Starting Soon", "content_type": "courserun"})
    current = make_catalog({"availability": "Current"})
    assert members(soon) == set()
    version = soon.content_version

    stats = content_refresh_due(now=start - 60 * DAY + dt.timedelta(seconds=1))
    assert stats.documents >= 2  # the course and its run
    assert members(soon) == {run_key}
    soon.refresh_from_db()
    assert soon.content_version == version + 1
    run.refresh_from_db()
    assert run.next_boundary == start - 5 * DAY  # enrollment opens next
    # Passing the boundary is a change of the run's data as clients see it.
    assert run.data_modified_timestamp == start - 60 * DAY

    content_refresh_due(now=start + dt.timedelta(hours=1))
    assert members(soon) == set()
    assert members(current) == {run_key, "edX+CS101"}


def test_nothing_due_means_nothing_evaluated(make_catalog, run_consumer):
    make_course(runs=[{"start": timezone.now() + 200 * DAY}])
    run_consumer()
    make_catalog({"org": "edX"})
    stats = content_refresh_due(now=timezone.now())
    assert stats.documents == 0
    assert refresh_content_past_boundary.apply().get() == {"documents": 0, "added": 0, "removed": 0, "updated": 0}


def test_the_paid_seat_price_appears_when_enrollment_opens(make_catalog, run_consumer):
    start = timezone.now() + 20 * DAY
    course = make_course(runs=[{"start": start, "enrollment_start": start - 2 * DAY}])
    run_consumer()
    catalog = make_catalog({"first_enrollable_paid_seat_price__lte": 100, "content_type": "courserun"})
    assert members(catalog) == set()
    content_refresh_due(now=start - DAY)
    assert members(catalog) == set(run_keys(course))
