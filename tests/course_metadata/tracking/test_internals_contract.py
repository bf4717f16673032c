"""Contracts with Django and sortedm2m internals that change tracking relies on (they are not public API).

Each test names the line of Lyceum that depends on the behaviour, so an upgrade that changes it fails here,
with a plain message, rather than as a wrong timestamp or a missing change-log entry somewhere else:

* course_metadata/tracking/state.py reads ``connection.run_on_commit`` entries as
  ``(savepoint ids, callback, robust)`` and ``connection.savepoint_ids`` to tie its memory of the open
  transaction to Django's own bookkeeping of on-commit callbacks;
* course_metadata/tracking/m2m.py (``wrap_sorted_set``) replaces sortedm2m's cached
  ``related_manager_cls`` on the forward descriptor and reads the through model's ``_sort_field_name``.
"""

from __future__ import annotations

import inspect

import pytest
from django.db import connection, transaction
from django.utils.functional import cached_property
from sortedm2m.fields import SortedManyToManyDescriptor

from course_metadata.models import Course
from course_metadata.tracking import state
from course_metadata.tracking.specs import m2m_links

pytestmark = pytest.mark.django_db


def callback() -> None:
    """A recognisable on-commit callback (never run: the test transaction rolls back)."""


def test_an_on_commit_entry_is_a_tuple_of_savepoint_ids_callback_and_robust() -> None:
    # state.TransactionChanges.refresh: ``{id(entry[1]) for entry in connection.run_on_commit}``.
    with transaction.atomic():
        transaction.on_commit(callback, robust=True)
        entry = connection.run_on_commit[-1]
        savepoints = list(connection.savepoint_ids)

    assert isinstance(entry, tuple) and len(entry) == 3, f"run_on_commit entry changed shape: {entry!r}"
    savepoint_ids, func, robust = entry
    assert isinstance(savepoint_ids, set | frozenset | list | tuple)
    assert set(savepoint_ids) == set(savepoints)
    assert func is callback
    assert robust is True


def test_a_rolled_back_savepoint_drops_its_on_commit_callbacks() -> None:
    # state.py: "an entry whose marker is gone is known to be gone from the database as well".
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            transaction.on_commit(callback, robust=True)
            assert any(entry[1] is callback for entry in connection.run_on_commit)
            raise RuntimeError("roll the savepoint back")
        assert not any(entry[1] is callback for entry in connection.run_on_commit)


def test_savepoint_ids_name_the_open_savepoints_innermost_last() -> None:
    # state.TransactionChanges.marker keys its markers by ``tuple(connection.savepoint_ids)``.
    with transaction.atomic():
        outer = list(connection.savepoint_ids)
        with transaction.atomic():
            inner = list(connection.savepoint_ids)
        assert list(connection.savepoint_ids) == outer
    assert len(inner) == len(outer) + 1 and inner[: len(outer)] == outer


def test_the_change_memory_registers_its_marker_where_django_keeps_callbacks() -> None:
    # The two contracts above, used together the way change tracking uses them.
    with transaction.atomic():
        changes = state.current(connection.alias)
        marker = changes.marker(connection)
        assert any(entry[1] is marker for entry in connection.run_on_commit)


def test_sortedm2m_descriptor_caches_the_manager_class_where_tracking_replaces_it() -> None:
    # m2m.wrap_sorted_set: ``descriptor.__dict__["related_manager_cls"] = tracked_cls`` works only while
    # related_manager_cls is a cached_property of the descriptor (an instance attribute then wins).
    descriptor = Course.__dict__["authoring_organizations"]
    assert isinstance(descriptor, SortedManyToManyDescriptor)
    declared = inspect.getattr_static(type(descriptor), "related_manager_cls")
    assert isinstance(declared, cached_property), f"related_manager_cls is now {declared!r}"
    assert not hasattr(declared, "__set__"), "a data descriptor would ignore the instance attribute tracking sets"
    assert hasattr(descriptor.related_manager_cls, "set")


def test_every_tracked_sorted_field_uses_the_wrapped_manager() -> None:
    sorted_links = [link for link in m2m_links() if link.sort]
    assert sorted_links, "no sorted many-to-many field is tracked: the sortedm2m contract is untested"
    for link in sorted_links:
        descriptor = link.owner.__dict__[link.field_name]
        manager_cls = descriptor.__dict__.get("related_manager_cls")
        assert manager_cls is not None and manager_cls._change_tracked, link.through._meta.label
        assert descriptor.related_manager_cls is manager_cls
        # m2m.owner_ids orders by the through model's position column, read from sortedm2m's attribute.
        assert link.sort is not None and link.sort == getattr(link.through, "_sort_field_name", None)
        assert link.through._meta.get_field(link.sort)


def test_a_sorted_manager_instance_is_of_the_tracked_class() -> None:
    course = Course(pk=1)
    descriptor = Course.__dict__["authoring_organizations"]
    assert type(course.authoring_organizations) is descriptor.__dict__["related_manager_cls"]


def test_tracked_models_answer_get_deferred_fields_as_django_does(course_run: object) -> None:
    """course_metadata/tracking/mixins.py replaces ``Model.get_deferred_fields`` (model_utils' FieldTracker
    asks it on every attribute access) with a faster equivalent: it must keep Django's answer, deferred
    loads included, and the tracker must still see a deferred field's stored value."""
    from django.db import models

    from course_metadata.models import CourseRun

    full = CourseRun.objects.get(pk=course_run.pk)  # type: ignore[attr-defined]
    assert full.get_deferred_fields() == models.Model.get_deferred_fields(full) == set()
    partial = CourseRun.objects.only("pk", "key").get(pk=full.pk)
    assert partial.get_deferred_fields() == models.Model.get_deferred_fields(partial)
    assert "title_override" in partial.get_deferred_fields()
    stored = partial.title_override  # loads the deferred column
    assert "title_override" not in partial.get_deferred_fields()
    partial.title_override = stored + " changed"
    assert partial.tracker.has_changed("title_override")
    assert partial.tracker.previous("title_override") == stored


def test_field_tracker_wrappers_take_the_short_cut_and_keep_model_utils_behaviour(course_run: object) -> None:
    """course_metadata/tracking/descriptors.py swaps model_utils' descriptor wrappers for subclasses that answer
    loaded attributes from ``__dict__``; a deferred attribute still goes through model_utils' own path."""
    from django.apps import apps
    from model_utils.tracker import DescriptorWrapper

    from course_metadata.models import CourseRun
    from course_metadata.tracking.descriptors import FastDescriptorWrapper

    wrappers = [v for model in apps.get_models() for v in vars(model).values() if isinstance(v, DescriptorWrapper)]
    assert wrappers and all(isinstance(wrapper, FastDescriptorWrapper) for wrapper in wrappers)
    assert isinstance(CourseRun.__dict__["title_override"], FastDescriptorWrapper)
    built = CourseRun(key="course-v1:X+Y+Z", title_override="built")
    assert built.title_override == "built" and not built.get_deferred_fields()
    stored = CourseRun.objects.get(pk=course_run.pk).title_override  # type: ignore[attr-defined]
    # Set before ever being read: the tracker first loads the stored value, which becomes "previous".
    partial = CourseRun.objects.only("pk", "key").get(pk=course_run.pk)  # type: ignore[attr-defined]
    partial.title_override = stored + " changed"
    assert partial.tracker.has_changed("title_override")
    assert partial.tracker.previous("title_override") == stored
    loaded = CourseRun.objects.get(pk=course_run.pk)  # type: ignore[attr-defined]
    loaded.title_override = stored + " again"
    assert loaded.tracker.changed() == {"title_override": stored}
