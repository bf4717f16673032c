"""The start-up check refuses a tracked model whose FieldTrackers miss a data field (ADR 0023): such a field
would change data without moving the timestamp or writing a change-log entry."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps
from model_utils import FieldTracker

from course_metadata.models import Degree, Program
from course_metadata.tracking import ChangeTrackedMixin, TrackedQuerySet
from course_metadata.tracking.handlers import check
from course_metadata.tracking.specs import OwnFieldsTracker, data_attnames, tracked_models, untracked_data_fields


@isolate_apps("course_metadata")
def test_a_tracker_that_misses_a_data_field_fails_the_check() -> None:
    class Leaflet(ChangeTrackedMixin, models.Model):  # noqa: DJ008  (never shown)
        title = models.CharField(max_length=10)
        blurb = models.CharField(max_length=10)
        modified = models.DateTimeField(null=True)  # bookkeeping (registry.EXCLUDED_FIELDS): need not be tracked

        objects = TrackedQuerySet.as_manager()
        tracker = FieldTracker(fields=["title"])

        class Meta:
            app_label = "course_metadata"

    with pytest.raises(ImproperlyConfigured, match=r"Leaflet's FieldTrackers do not follow blurb$"):
        check([Leaflet])


@isolate_apps("course_metadata")
def test_a_child_model_listing_its_own_fields_by_hand_fails_once_one_is_added() -> None:
    """The Degree shape: the parent's tracker follows the parent's columns; the child's must follow the rest."""

    class Booklet(ChangeTrackedMixin, models.Model):  # noqa: DJ008  (never shown)
        title = models.CharField(max_length=10)

        objects = TrackedQuerySet.as_manager()
        tracker = FieldTracker()

        class Meta:
            app_label = "course_metadata"

    class HandListed(Booklet):  # noqa: DJ008  (never shown)
        apply_url = models.URLField()
        added_later = models.CharField(max_length=10)
        own_tracker = FieldTracker(fields=["apply_url"])

        class Meta:
            app_label = "course_metadata"

    class Derived(Booklet):  # noqa: DJ008  (never shown)
        apply_url = models.URLField()
        added_later = models.CharField(max_length=10)
        own_tracker = OwnFieldsTracker()

        class Meta:
            app_label = "course_metadata"

    with pytest.raises(ImproperlyConfigured, match=r"HandListed's FieldTrackers do not follow added_later$"):
        check([HandListed])
    check([Booklet, Derived])  # derived from the model: nothing to miss
    assert untracked_data_fields(Derived) == []


def test_every_registered_model_tracks_all_its_data_fields() -> None:
    assert {model._meta.label: untracked_data_fields(model) for model in tracked_models()} == {
        model._meta.label: [] for model in tracked_models()
    }


def test_degree_tracker_follows_every_column_a_degree_adds() -> None:
    own = data_attnames(Degree) - data_attnames(Program) - {"program_ptr_id"}
    assert own and set(Degree.degree_tracker.fields) == own
