"""The model signal receivers of the domain are the documented bookkeeping hooks, in the documented order.

course_metadata/receivers.py lists them (COURSE_HOOKS, M2M_HOOKS) and explains the order; business rules
run in services, never behind a save() (docs/decisions/0022-visible-write-path.rst). A receiver added,
removed or reordered anywhere (another app, a library upgrade that connects its handlers differently)
fails here until the list and its explanation are updated.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import ModelSignal, m2m_changed, post_delete, post_save, pre_delete, pre_save

from course_metadata.models import Course, Organization, Program
from course_metadata.receivers import COURSE_HOOKS, M2M_HOOKS
from course_metadata.tracking.specs import m2m_links

MODEL_SIGNALS: dict[str, ModelSignal] = {
    "pre_save": pre_save,
    "post_save": post_save,
    "pre_delete": pre_delete,
    "post_delete": post_delete,
}


def receiver_names(signal: ModelSignal, sender: Any) -> list[str]:
    """Dotted names of the receivers ``signal`` calls for ``sender``, in calling order."""
    # Django 5 returns (sync receivers, async receivers); Lyceum connects no async receivers.
    sync, async_ = signal._live_receivers(sender)
    assert not async_
    return [f"{receiver.__module__}.{receiver.__qualname__}" for receiver in sync]


def hooks_of(sender: Any) -> list[tuple[str, str]]:
    return [(name, receiver) for name, signal in MODEL_SIGNALS.items() for receiver in receiver_names(signal, sender)]


def test_a_course_save_runs_exactly_the_documented_hooks_in_order() -> None:
    assert hooks_of(Course) == list(COURSE_HOOKS)


def test_subscription_inputs_have_no_receivers_beyond_bookkeeping() -> None:
    # The organization flag and program courses used to propagate through receivers; now only tracking
    # (and simple-history, where the model has it) listens.
    tracking_only = [hook for hook in COURSE_HOOKS if hook[1].startswith("course_metadata.tracking.")]
    assert hooks_of(Organization) == tracking_only
    assert hooks_of(Program) == list(COURSE_HOOKS)
    for through in (Course.authoring_organizations.through, Program.courses.through):
        assert [("m2m_changed", name) for name in receiver_names(m2m_changed, through)] == list(M2M_HOOKS)


def test_every_model_of_the_domain_runs_a_subset_of_the_documented_hooks_in_the_documented_order() -> None:
    for model in apps.get_app_config("course_metadata").get_models():
        hooks = hooks_of(model)
        assert hooks == [hook for hook in COURSE_HOOKS if hook in hooks], model._meta.label


def test_every_tracked_many_to_many_table_runs_only_change_tracking() -> None:
    for link in m2m_links():
        names = [("m2m_changed", name) for name in receiver_names(m2m_changed, link.through)]
        assert names == list(M2M_HOOKS), link.through._meta.label
