"""Three-way merge of a draft with its official rows, for when a loader wrote the official meanwhile.

Every draft row keeps in ``draft_base`` the fingerprints of the official it was last based on (when it was
cloned or last published) and of the official rows it then owned. For each compared value:

- draft == official: nothing to do;
- official == base: only the editor changed it, the draft wins on publish;
- draft == base: only the official changed it, the draft takes the official value first (a rebase);
- otherwise both changed it differently: a conflict, and publishing is refused until the editor resolves it.

Rows follow the same rule: a row a loader added to the official is adopted into the draft, a row it deleted
is dropped from the draft unless the editor changed it, and a row the editor deleted is deleted from the
official unless a loader changed it meanwhile. See docs/decisions/0030-drafts-and-official-rows.rst.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models

from course_metadata.models import Course, CourseRun, DraftModelMixin
from course_metadata.services.draft_copy import copy_node, sync_canonical_run
from course_metadata.services.draft_graph import (
    Collection,
    children,
    display_value,
    fingerprint,
    link,
    link_pks,
    node_spec,
    official_of,
    record_label,
    row_digest,
    tag_names,
)
from course_metadata.services.rows import row_save

CHANGED_IN_BOTH = "changed_in_both"
DELETED_IN_OFFICIAL = "deleted_in_official"  # a loader deleted a row the editor changed
DELETED_IN_DRAFT = "deleted_in_draft"  # the editor deleted a row a loader changed


def _model_label(row: DraftModelMixin) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(row).__name__).lower()


@dataclass(frozen=True)
class DraftConflict:
    """One thing the editor must decide before the draft can be published."""

    kind: str
    model: str
    object: str
    field: str | None
    draft_value: Any
    official_value: Any
    draft_pk: int | None
    official_pk: int | None
    # What resolving needs; not part of what the API shows.
    draft_row: Any = dataclasses.field(default=None, repr=False, compare=False)
    official_row: Any = dataclasses.field(default=None, repr=False, compare=False)
    parent: Any = dataclasses.field(default=None, repr=False, compare=False)
    container: Any = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        parts = (self.kind, self.model, self.draft_pk or "-", self.official_pk or "-", self.field or "-")
        return ":".join(str(part) for part in parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "model": self.model,
            "object": self.object,
            "field": self.field,
            "draft_value": self.draft_value,
            "official_value": self.official_value,
        }

    def describe(self) -> str:
        where = f"{self.model} {self.object}"
        if self.kind == CHANGED_IN_BOTH:
            return f"{where}: '{self.field}' was changed both in the draft and on the official row."
        if self.kind == DELETED_IN_OFFICIAL:
            return f"{where}: deleted from the official rows but changed in the draft."
        return f"{where}: deleted in the draft but changed on the official row."


@dataclass
class MergePlan:
    conflicts: list[DraftConflict] = dataclasses.field(default_factory=list)
    take_official: list[tuple[DraftModelMixin, DraftModelMixin, str]] = dataclasses.field(default_factory=list)
    drop: list[DraftModelMixin] = dataclasses.field(default_factory=list)
    adopt: list[tuple[DraftModelMixin, DraftModelMixin, str | Collection]] = dataclasses.field(default_factory=list)
    pair: list[tuple[DraftModelMixin, DraftModelMixin]] = dataclasses.field(default_factory=list)


# --- planning (reads only) -----------------------------------------------------------------------------


def plan_root(draft: Course | CourseRun, official: Course | CourseRun | None, plan: MergePlan) -> None:
    """Plan the merge of a course (without its runs) or of one run (with its seats)."""
    if official is not None:
        _plan_pair(draft, official, plan)
    elif draft.draft_base is not None:
        plan.conflicts.append(_conflict(DELETED_IN_OFFICIAL, draft=draft))


def _base(row: DraftModelMixin) -> dict[str, Any]:
    return row.draft_base or {"fields": {}, "children": {}}


def _plan_pair(draft: DraftModelMixin, official: DraftModelMixin, plan: MergePlan) -> None:
    base = _base(draft)
    base_fields, official_fields = base.get("fields", {}), fingerprint(official)
    for key, draft_digest in fingerprint(draft).items():
        official_digest, base_digest = official_fields.get(key), base_fields.get(key)
        if draft_digest == official_digest or official_digest == base_digest:
            continue
        if draft_digest == base_digest:
            plan.take_official.append((draft, official, key))
        else:
            plan.conflicts.append(_conflict(CHANGED_IN_BOTH, draft=draft, official=official, key=key))
    spec = node_spec(draft)
    base_children = base.get("children", {})
    for slot in spec.slots:
        draft_child, official_child = getattr(draft, slot), getattr(official, slot)
        if draft_child is not None and official_child is not None:
            _plan_pair(draft_child, official_child, plan)
        elif draft_child is not None:
            _plan_draft_only(draft_child, plan)
        elif official_child is not None:
            _plan_official_only(official_child, draft, slot, base_children.get(slot, {}), plan)
    for collection in spec.collections:
        _plan_collection(draft, official, collection, base_children.get(collection.accessor, {}), plan)


def _plan_collection(
    draft: DraftModelMixin, official: DraftModelMixin, collection: Collection, base_children: dict, plan: MergePlan
) -> None:
    official_children = children(official, collection)
    by_draft = {child.draft_version_id: child for child in official_children if child.draft_version_id}
    unmatched_drafts, matched = [], set()
    for draft_child in children(draft, collection):
        official_child = by_draft.get(draft_child.pk)
        if official_child is not None:
            matched.add(official_child.pk)
            _plan_pair(draft_child, official_child, plan)
        else:
            unmatched_drafts.append(draft_child)
    unmatched_officials = [child for child in official_children if child.pk not in matched]
    # A row the editor added and one a loader added for the same product are the same row: pair them.
    if collection.natural_key:
        new_drafts = {_natural_key(c, collection): c for c in unmatched_drafts if c.draft_base is None}
        for official_child in list(unmatched_officials):
            candidate = new_drafts.get(_natural_key(official_child, collection))
            if candidate is not None and str(official_child.pk) not in base_children:
                del new_drafts[_natural_key(official_child, collection)]
                plan.pair.append((official_child, candidate))
                _plan_pair(candidate, official_child, plan)
                unmatched_drafts.remove(candidate)
                unmatched_officials.remove(official_child)
    for draft_child in unmatched_drafts:
        _plan_draft_only(draft_child, plan)
    for official_child in unmatched_officials:
        _plan_official_only(official_child, draft, collection, base_children, plan)


def _natural_key(row: DraftModelMixin, collection: Collection) -> tuple:
    return tuple(getattr(row, attname) for attname in collection.natural_key)


def _plan_draft_only(draft_child: DraftModelMixin, plan: MergePlan) -> None:
    if draft_child.draft_base is None:
        return  # new in the draft: the publish creates it
    if fingerprint(draft_child) == draft_child.draft_base.get("fields"):
        plan.drop.append(draft_child)
    else:
        plan.conflicts.append(_conflict(DELETED_IN_OFFICIAL, draft=draft_child))


def _plan_official_only(
    official_child: DraftModelMixin,
    draft_parent: DraftModelMixin,
    container: str | Collection,
    base_children: dict,
    plan: MergePlan,
) -> None:
    digest_then = base_children.get(str(official_child.pk))
    if digest_then is None:
        plan.adopt.append((official_child, draft_parent, container))
    elif row_digest(official_child) != digest_then:
        plan.conflicts.append(
            _conflict(DELETED_IN_DRAFT, official=official_child, parent=draft_parent, container=container)
        )
    # else: the editor deleted it and nobody touched the official since; the publish deletes it.


def _conflict(
    kind: str,
    *,
    draft: DraftModelMixin | None = None,
    official: DraftModelMixin | None = None,
    key: str | None = None,
    parent: DraftModelMixin | None = None,
    container: str | Collection | None = None,
) -> DraftConflict:
    row = draft if draft is not None else official
    assert row is not None
    return DraftConflict(
        kind=kind,
        model=_model_label(row),
        object=record_label(row),
        field=key,
        draft_value=display_value(draft, key) if draft is not None and key else None,
        official_value=display_value(official, key) if official is not None and key else None,
        draft_pk=draft.pk if draft is not None else None,
        official_pk=official.pk if official is not None else None,
        draft_row=draft,
        official_row=official,
        parent=parent,
        container=container,
    )


# --- applying a plan (writes to draft rows only) ----------------------------------------------------------


def apply_rebase(plan: MergePlan) -> None:
    """Bring the official's changes the editor did not touch into the draft, so the publish keeps them."""
    touched: dict[int, DraftModelMixin] = {}
    for draft, official, key in plan.take_official:
        take_official_value(draft, official, key, save=False)
        touched[id(draft)] = draft
    for draft in touched.values():
        row_save(draft)
    for draft_child in plan.drop:
        draft_child.delete()
    for official_child, draft_parent, container in plan.adopt:
        adopt(official_child, draft_parent, container)
    for official_child, draft_child in plan.pair:
        link(official=official_child, draft=draft_child)


def take_official_value(draft: DraftModelMixin, official: DraftModelMixin, key: str, *, save: bool) -> None:
    kind, _, name = key.rpartition(":")
    if kind == "links":
        getattr(draft, name).set(link_pks(official, name))
    elif kind == "tags":
        getattr(draft, name).set(tag_names(official, name))
    elif kind == "mapped":
        sync_canonical_run(official, draft, to_draft=True)
    else:
        model_field = cast(models.Field, type(draft)._meta.get_field(name))
        setattr(draft, model_field.attname, model_field.value_from_object(official))
        if save:
            row_save(draft)


def adopt(official_child: DraftModelMixin, draft_parent: DraftModelMixin, container: str | Collection) -> Any:
    """Give the draft world its own copy of a row a loader added to the official."""
    if isinstance(container, str):
        draft_child = copy_node(official_child, None, to_draft=True)
        setattr(draft_parent, f"{container}_id", draft_child.pk)
        row_save(draft_parent)
    elif container.is_m2m:
        draft_child = copy_node(official_child, None, to_draft=True)
        getattr(draft_parent, container.accessor).add(draft_child)
    else:
        extra = {f"{container.parent_field}_id": draft_parent.pk}
        draft_child = copy_node(official_child, None, to_draft=True, extra=extra)
    return draft_child


def raise_for_conflicts(plan: MergePlan) -> None:
    if plan.conflicts:
        raise ValidationError({"draft_conflicts": [ValidationError(c.describe(), code=c.kind) for c in plan.conflicts]})


def draft_conflicts(course: Course) -> list[DraftConflict]:
    """What the editor must resolve before the course's draft world can be published (empty: nothing)."""
    # ``draft_version`` points at "self" on the abstract mixin, which the stubs type as the mixin.
    draft = course if course.draft else cast("Course | None", course.draft_version)
    if draft is None:
        return []
    plan = MergePlan()
    plan_root(draft, official_of(draft), plan)
    for draft_run in draft.course_runs.drafts():
        plan_root(draft_run, official_of(draft_run), plan)
    return plan.conflicts
