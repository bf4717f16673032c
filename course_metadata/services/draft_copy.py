"""Copy one row and everything it owns from one world to the other (official → draft, or draft → official).

Values are assigned onto the target instance and saved through the normal ``save()``, only when something
differs, so the change tracking sees exactly the data that changed and nothing else.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from course_metadata.models import CourseRun, DraftModelMixin
from course_metadata.services.draft_graph import (
    Collection,
    children,
    data_fields,
    fingerprint,
    link,
    link_pks,
    node_spec,
    row_digest,
    save_draft_base,
    tag_names,
)
from course_metadata.services.rows import row_save

Row = TypeVar("Row", bound=DraftModelMixin)


def assign(target: models.Model, values: dict[str, Any]) -> list[str]:
    """Set ``values`` (keyed by attname) on ``target``; return the attnames whose value differed."""
    changed = []
    for attname, value in values.items():
        if getattr(target, attname) != value:
            setattr(target, attname, value)
            changed.append(attname)
    return changed


def copy_node(source: Row, target: Row | None, *, to_draft: bool, extra: dict[str, Any] | None = None) -> Row:
    """Make ``target`` (created when None) carry ``source``'s data, owned rows, links and tags.

    ``extra`` holds the attnames the caller decides (the parent key, the run status). Owned rows the
    source no longer has are deleted from the target.
    """
    spec = node_spec(source)
    values = {field.attname: field.value_from_object(source) for field in data_fields(type(source))}
    values.update(extra or {})
    orphans: list[DraftModelMixin] = []
    for slot in spec.slots:
        source_child = getattr(source, slot)
        target_child = getattr(target, slot) if target is not None else None
        if source_child is None:
            values[f"{slot}_id"] = None
            if target_child is not None:
                orphans.append(target_child)
        else:
            values[f"{slot}_id"] = copy_node(source_child, target_child, to_draft=to_draft).pk

    if target is None:
        target = type(source)(**values, draft=to_draft)
        if hasattr(source, "uuid"):
            target.uuid = source.uuid  # type: ignore[attr-defined]
        if not to_draft:
            target.draft_version = source
        row_save(target)
        if to_draft:
            link(official=source, draft=target)
    else:
        if assign(target, values):
            row_save(target)
        if to_draft:
            link(official=source, draft=target)
        else:
            link(official=target, draft=source)
    for orphan in orphans:
        orphan.delete()

    for name in spec.links:
        wanted = link_pks(source, name)
        if link_pks(target, name) != wanted:
            getattr(target, name).set(wanted)
    for name in spec.tags:
        wanted_tags = tag_names(source, name)
        if tag_names(target, name) != wanted_tags:
            getattr(target, name).set(wanted_tags)
    for collection in spec.collections:
        _copy_collection(source, target, collection, to_draft=to_draft)
    return target


def _copy_collection(source: models.Model, target: models.Model, collection: Collection, *, to_draft: bool) -> None:
    # The pointer always lives on the official row: official.draft_version -> draft.
    target_children = children(target, collection)
    if to_draft:
        by_key = {child.pk: child for child in target_children}
        pairs = [(child, by_key.pop(child.draft_version_id, None)) for child in children(source, collection)]
    else:
        by_key = {child.draft_version_id: child for child in target_children if child.draft_version_id}
        pairs = [(child, by_key.pop(child.pk, None)) for child in children(source, collection)]
    paired = {counterpart.pk for _, counterpart in pairs if counterpart is not None}
    # Delete first: a re-created seat may carry the same natural key as the one it replaces.
    for stale in target_children:
        if stale.pk not in paired:
            stale.delete()
    extra = {f"{collection.parent_field}_id": target.pk} if collection.parent_field else {}
    copied = [
        copy_node(source_child, counterpart, to_draft=to_draft, extra=extra) for source_child, counterpart in pairs
    ]
    if collection.is_m2m:
        manager = getattr(target, collection.accessor)
        wanted = {child.pk for child in copied}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)


def sync_canonical_run(source: Any, target: Any, *, to_draft: bool) -> None:
    """Point ``target`` course at its own world's version of ``source``'s canonical run, where one exists."""
    canonical = source.canonical_course_run
    if canonical is None:
        wanted = None
    else:
        counterpart = CourseRun.objects.filter(uuid=canonical.uuid, draft=to_draft, course=target).first()
        if counterpart is None:  # not published yet: the official keeps pointing where it did
            return
        wanted = counterpart.pk
    if target.canonical_course_run_id != wanted:
        target.canonical_course_run_id = wanted
        row_save(target)


def record_base(draft: DraftModelMixin, official: DraftModelMixin) -> None:
    """Remember, on ``draft`` and its owned rows, the official state they now match (see draft_merge)."""
    spec = node_spec(draft)
    base: dict[str, Any] = {"fields": fingerprint(official), "children": {}}
    for slot in spec.slots:
        draft_child, official_child = getattr(draft, slot), getattr(official, slot)
        base["children"][slot] = {str(official_child.pk): row_digest(official_child)} if official_child else {}
        if draft_child is not None and official_child is not None:
            record_base(draft_child, official_child)
    for collection in spec.collections:
        official_children = children(official, collection)
        base["children"][collection.accessor] = {str(child.pk): row_digest(child) for child in official_children}
        by_draft = {child.draft_version_id: child for child in official_children if child.draft_version_id}
        for draft_child in children(draft, collection):
            official_child = by_draft.get(draft_child.pk)
            if official_child is not None:
                record_base(draft_child, official_child)
    if draft.draft_base != base:
        save_draft_base(draft, base)
