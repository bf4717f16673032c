"""Decoupled signal handlers of the course metadata domain, connected in CourseMetadataConfig.ready()."""

# --- Domain rules (course_metadata.rules, .services.subscription_inclusion, .history) ---------------------
# Propagation of the derived subscription flags, and the "no-op save writes no history row" guard. Each
# handler only works out which objects are affected and calls one service; the rules live in those modules.

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from course_metadata.history import historied_models, history_release, history_skip_if_unchanged
from course_metadata.models import Course, Organization, Program
from course_metadata.rules import has_changed
from course_metadata.services.subscription_inclusion import subscription_inclusion_refresh

_CLEARED = "_subscription_inclusion_cleared_pks"
_DELETED = "_subscription_inclusion_affected_pks"


def _m2m_owner_pks(instance: Any, action: str, reverse: bool, pk_set: set[int] | None, reverse_accessor: str) -> list:
    """Primary keys on the declaring side of an m2m whose membership just changed (empty before the change).

    A reverse ``clear()`` reports no primary keys afterwards, so they are remembered on ``pre_clear``.
    """
    if action == "pre_clear" and reverse:
        instance.__dict__[_CLEARED] = list(getattr(instance, reverse_accessor).values_list("pk", flat=True))
        return []
    if action not in {"post_add", "post_remove", "post_clear"}:
        return []
    if not reverse:
        return [instance.pk]
    if action == "post_clear":
        return instance.__dict__.pop(_CLEARED, [])
    return list(pk_set or ())


@receiver(post_save, sender=Organization, dispatch_uid="subscription_inclusion_organization_saved")
def organization_subscription_flag_saved(sender: type, instance: Organization, created: bool, **kwargs: Any) -> None:
    """An organization opting in or out takes its courses, their runs and their programs along."""
    if created or kwargs.get("raw"):
        return
    if has_changed(instance, "enterprise_subscription_inclusion"):
        subscription_inclusion_refresh(organization_ids=[instance.pk])


@receiver(m2m_changed, sender=Course.authoring_organizations.through, dispatch_uid="subscription_inclusion_course_orgs")
def course_authoring_organizations_changed(
    sender: type, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    course_pks = _m2m_owner_pks(instance, action, reverse, pk_set, "authored_courses")
    if course_pks:
        subscription_inclusion_refresh(course_ids=course_pks)


@receiver(m2m_changed, sender=Program.courses.through, dispatch_uid="subscription_inclusion_program_courses")
def program_courses_changed(
    sender: type, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    program_pks = _m2m_owner_pks(instance, action, reverse, pk_set, "programs")
    if program_pks:
        subscription_inclusion_refresh(program_ids=program_pks)


@receiver(pre_delete, sender=Course, dispatch_uid="subscription_inclusion_course_deleting")
def course_deleting(sender: type, instance: Course, **kwargs: Any) -> None:
    """Remember the programs of a course being deleted: they may become included without it."""
    # Reverse accessor of Program.courses, a SortedManyToManyField: sortedm2m ships no types, so the stubs lack it.
    instance.__dict__[_DELETED] = list(instance.programs.values_list("pk", flat=True))  # type: ignore[attr-defined]


@receiver(post_delete, sender=Course, dispatch_uid="subscription_inclusion_course_deleted")
def course_deleted(sender: type, instance: Course, **kwargs: Any) -> None:
    program_pks = instance.__dict__.pop(_DELETED, [])
    if program_pks:
        subscription_inclusion_refresh(program_ids=program_pks)


@receiver(pre_delete, sender=Organization, dispatch_uid="subscription_inclusion_organization_deleting")
def organization_deleting(sender: type, instance: Organization, **kwargs: Any) -> None:
    """Remember the courses of an organization being deleted: losing an author changes their flag."""
    # Reverse accessor of Course.authoring_organizations, a SortedManyToManyField (untyped, as above).
    instance.__dict__[_DELETED] = list(instance.authored_courses.values_list("pk", flat=True))  # type: ignore[attr-defined]


@receiver(post_delete, sender=Organization, dispatch_uid="subscription_inclusion_organization_deleted")
def organization_deleted(sender: type, instance: Organization, **kwargs: Any) -> None:
    course_pks = instance.__dict__.pop(_DELETED, [])
    if course_pks:
        subscription_inclusion_refresh(course_ids=course_pks)


def history_noop_guard_before_save(sender: type, instance: Any, **kwargs: Any) -> None:
    """A save that would repeat the latest historical row writes none (course_metadata.history)."""
    if not kwargs.get("raw"):
        history_skip_if_unchanged(instance, kwargs.get("update_fields"))


def history_noop_guard_after_save(sender: type, instance: Any, **kwargs: Any) -> None:
    # Connected after simple-history's own post_save handler (it connects when the model class is built).
    history_release(instance)


for _model in historied_models():
    pre_save.connect(history_noop_guard_before_save, sender=_model, dispatch_uid=f"history_noop_{_model._meta.label}")
    post_save.connect(history_noop_guard_after_save, sender=_model, dispatch_uid=f"history_noop_{_model._meta.label}")


# --- Change tracking (course_metadata.tracking) -----------------------------------------------------------
# One generic set of handlers (save, delete, m2m) for every model its registry names: timestamps and the
# change log. Connected here, like every other handler of the app.
from course_metadata.tracking import connect as connect_change_tracking  # noqa: E402

connect_change_tracking()


# --- Database sessions (read API, docs/decisions/0040-read-api-performance.rst) ------------------------------
# PostgreSQL's JIT compiler fires on queries whose *estimated* cost is high, such as the read API's page
# queries with correlated subqueries, and then spends seconds compiling a query that runs in milliseconds.
# Lyceum's queries are short, so every PostgreSQL session runs without it.
from django.db.backends.signals import connection_created  # noqa: E402


@receiver(connection_created, dispatch_uid="postgresql_without_jit")
def postgresql_without_jit(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
