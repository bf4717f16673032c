"""Services that create and edit draft worlds: every edit lands on a draft, never on an official row.

Shared, non-draftable rows (Video, AdditionalPromoArea, TaxiForm) may be referenced by a draft and its
official at the same time. A service that changes one must create a new row and point the draft at it,
never edit the shared row in place, or the change would reach the public before review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, cast

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from course_metadata.models import Course, CourseRun
from course_metadata.services.draft_cloning import clone_course_world, complete_world, move_editors
from course_metadata.services.draft_copy import record_base
from course_metadata.services.draft_graph import (
    children,
    data_fields,
    fingerprint,
    link,
    node_spec,
    row_digest,
    save_draft_base,
)
from course_metadata.services.draft_merge import (
    CHANGED_IN_BOTH,
    DELETED_IN_DRAFT,
    DELETED_IN_OFFICIAL,
    MergePlan,
    adopt,
    draft_conflicts,
    plan_root,
    take_official_value,
)
from course_metadata.services.rows import row_save
from course_metadata.services.subscription_inclusion import subscription_inclusion_update
from course_metadata.workflow import course_run_note_edit

__all__ = [
    "course_draft_update",
    "course_ensure_draft",
    "course_run_draft_update",
    "course_run_ensure_draft",
    "draft_conflict_resolve",
    "draft_conflicts",  # re-exported: what the API shows an editor before a publish
    "draft_rebase_onto_official",
]


def course_ensure_draft(*, course: Course) -> Course:
    """The draft of ``course``, created with its whole world (runs, seats, extras, links, tags) the first time.

    Idempotent: later calls return the same draft, after giving drafts to runs a loader added since.
    """
    if course.draft:
        return course
    with transaction.atomic():
        # Lock the official row so two first edits cannot both clone it.
        official = Course.objects.select_for_update().get(pk=course.pk)
        # ``draft_version`` points at "self" on the abstract mixin, which the stubs type as the mixin.
        draft = cast("Course | None", official.draft_version)
        if draft is None:
            draft = clone_course_world(official)
        else:
            complete_world(official, draft)
        move_editors(official, draft)
    course.draft_version = draft
    return draft


def course_run_ensure_draft(*, course_run: CourseRun) -> CourseRun:
    """The draft of ``course_run`` (creating its course's draft world if needed)."""
    if course_run.draft:
        return course_run
    with transaction.atomic():
        course_ensure_draft(course=course_run.course)
        course_run.refresh_from_db(fields=["draft_version"])
        return cast(CourseRun, course_run.draft_version)  # set by course_ensure_draft (typed as the mixin, see above)


def _assign_editable(row: Course | CourseRun, fields: Mapping[str, Any]) -> list[str]:
    editable = {field.name for field in data_fields(type(row))}
    unknown = sorted(set(fields) - editable)
    if unknown:
        raise ValidationError(
            {
                name: "This field cannot be edited here (unknown, bookkeeping, or owned by the workflow)."
                for name in unknown
            }
        )
    changed = []
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def course_draft_update(*, course: Course, fields: Mapping[str, Any]) -> Course:
    """Edit the course's own fields on its draft (created on first edit)."""
    with transaction.atomic():
        draft = course_ensure_draft(course=course)
        if _assign_editable(draft, fields):
            draft.full_clean()
            row_save(draft)
            subscription_inclusion_update(courses=[draft])
    return draft


def course_run_draft_update(
    *, course_run: CourseRun, fields: Mapping[str, Any], user: AbstractBaseUser | None = None
) -> CourseRun:
    """Edit a run's own fields on its draft; a reviewed or published run goes back to unpublished."""
    with transaction.atomic():
        draft = course_run_ensure_draft(course_run=course_run)
        changed = _assign_editable(draft, fields)
        if changed:
            draft.full_clean()
            row_save(draft)
            subscription_inclusion_update(course_runs=[draft])
            draft = course_run_note_edit(course_run=draft, changed_fields=changed, user=user)
    return draft


def draft_conflict_resolve(*, course: Course, conflict_id: str, keep: Literal["draft", "official"]) -> Course:
    """Settle one conflict from ``draft_conflicts(course)`` by keeping the draft's or the official's version."""
    if keep not in ("draft", "official"):
        raise ValidationError({"keep": _("Choose 'draft' or 'official'.")})
    with transaction.atomic():
        conflicts = {conflict.id: conflict for conflict in draft_conflicts(course)}
        conflict = conflicts.get(conflict_id)
        if conflict is None:
            raise ValidationError(
                {
                    "conflict_id": _("No current conflict %(conflict_id)r; current: %(value3)s.")
                    % {"conflict_id": conflict_id, "value3": ", ".join(conflicts) or "none"}
                }
            )
        draft, official = conflict.draft_row, conflict.official_row
        if conflict.kind == CHANGED_IN_BOTH:
            key = cast(str, conflict.field)
            if keep == "official":
                take_official_value(draft, official, key, save=True)
            link(official=official, draft=draft)
            base = draft.draft_base or {"fields": {}, "children": {}}
            base["fields"][key] = fingerprint(official)[key]
            save_draft_base(draft, base)
        elif conflict.kind == DELETED_IN_OFFICIAL:
            if keep == "official":
                draft.delete()
            else:
                _forget_base(draft)  # published again as a new official row
        elif conflict.kind == DELETED_IN_DRAFT:
            parent = conflict.parent
            if keep == "official":
                record_base(adopt(official, parent, conflict.container), official)
            else:
                base = parent.draft_base
                name = conflict.container if isinstance(conflict.container, str) else conflict.container.accessor
                base["children"].setdefault(name, {})[str(official.pk)] = row_digest(official)
                save_draft_base(parent, base)
        draft_course = (
            course if course.draft else Course.objects.get(draft=True, uuid=course.uuid, partner=course.partner_id)
        )
        # Keeping the official's value may change an input of the derived flags (an opt-in, a run's pacing).
        subscription_inclusion_update(courses=[draft_course])
    return draft_course


def _forget_base(row: Any) -> None:
    save_draft_base(row, None)
    spec = node_spec(row)
    for slot in spec.slots:
        if getattr(row, slot) is not None:
            _forget_base(getattr(row, slot))
    for collection in spec.collections:
        for child in children(row, collection):
            _forget_base(child)


def draft_rebase_onto_official(*, official: Course | CourseRun) -> int:
    """Bring what a loader just wrote on ``official`` into its draft, where the editor has not changed it.

    A course is rebased without its runs, a run with its seats (the units of ``draft_merge.plan_root``). Values
    and rows only the official changed are taken into the draft, and the draft's base moves with them, so the
    editor sees the loader's data at once and the next publish does not mistake it for an edit. Values both
    changed stay as the editor wrote them: they are the conflicts a publish reports. Returns how many values
    and rows moved; an official row without a draft is left alone (0).
    """
    if official.draft or not official.draft_version_id:
        return 0
    with transaction.atomic():
        draft = type(official).objects.get(pk=official.draft_version_id)
        plan = MergePlan()
        plan_root(draft, official, plan)
        bases: dict[int, tuple[Any, dict[str, Any]]] = {}
        for draft_row, official_row, key in plan.take_official:
            take_official_value(draft_row, official_row, key, save=False)
            _row, base = bases.setdefault(id(draft_row), (draft_row, draft_row.draft_base or {"fields": {}}))
            base.setdefault("fields", {})[key] = fingerprint(official_row)[key]
        for draft_row, base in bases.values():
            row_save(draft_row)
            save_draft_base(draft_row, base)
        for draft_child in plan.drop:
            draft_child.delete()
        for official_child, draft_parent, container in plan.adopt:
            record_base(adopt(official_child, draft_parent, container), official_child)
        for official_child, draft_child in plan.pair:
            link(official=official_child, draft=draft_child)
            record_base(draft_child, official_child)
        moved = len(plan.take_official) + len(plan.drop) + len(plan.adopt) + len(plan.pair)
        if moved:
            subscription_inclusion_update(
                courses=[draft] if isinstance(draft, Course) else [],
                course_runs=[draft] if isinstance(draft, CourseRun) else [],
            )
    return moved
