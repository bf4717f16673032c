"""Every signal handler of the course metadata domain, in the order it runs. The one place hooks are connected.

Business rules are not hooks (docs/decisions/0022-visible-write-path.rst): the derived subscription flags
are recomputed by the services that change their inputs (course_metadata.services.subscription_inclusion),
and row invariants sit in the models' clean()/save() (docs/decisions/0010). What remains here is
bookkeeping that must follow *every* ORM write, whoever makes it: history rows and change tracking.

Order of the receivers on one tracked model with history (``Course``), pinned by
tests/course_metadata/test_hooks_order.py against :data:`COURSE_HOOKS`. Django runs the receivers of a
signal in the order they were connected; simple-history connects its own when the model class is built,
so they come first, then this module's, in the order of this file.

* ``pre_save``: :func:`history_noop_guard_before_save` (a save that changes nothing writes no history row).
* ``post_save``: simple-history writes the history row; :func:`history_noop_guard_after_save` clears the
  switch the guard set (it must run *after* simple-history's handler, hence connected later); change
  tracking's ``saved`` moves ``data_modified_timestamp`` and writes the change-log entry (last, so it sees
  the committed-to-be row as saved).
* ``pre_delete`` / ``post_delete``: simple-history, then change tracking (``deleting`` reads the parents
  while the row exists; ``deleted`` writes them with a tombstone).
* ``m2m_changed`` (each tracked many-to-many table): change tracking only.

Before the signals, ``save()`` itself runs the model's row invariants (``Course.save``), keeps derived
columns out of the UPDATE (``DerivedFieldsMixin``), keeps the draft pointers out (``DraftModelMixin``), and
plans the timestamp (``ChangeTrackedMixin``), in the order of the model's bases.
"""

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from course_metadata.history import historied_models, history_release, history_skip_if_unchanged

# (signal, receiver) for Course, in running order: the documented list the test compares with the real one.
COURSE_HOOKS: tuple[tuple[str, str], ...] = (
    ("pre_save", "course_metadata.receivers.history_noop_guard_before_save"),
    ("post_save", "simple_history.models.HistoricalRecords.post_save"),
    ("post_save", "course_metadata.receivers.history_noop_guard_after_save"),
    ("post_save", "course_metadata.tracking.handlers.saved"),
    ("pre_delete", "simple_history.models.HistoricalRecords.pre_delete"),
    ("pre_delete", "course_metadata.tracking.handlers.deleting"),
    ("post_delete", "simple_history.models.HistoricalRecords.post_delete"),
    ("post_delete", "course_metadata.tracking.handlers.deleted"),
)

# (signal, receiver) for each tracked many-to-many table, e.g. Course.authoring_organizations.through.
M2M_HOOKS: tuple[tuple[str, str], ...] = (("m2m_changed", "course_metadata.tracking.m2m.m2m_changed_handler"),)


# --- History (course_metadata.history) ---------------------------------------------------------------------
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
