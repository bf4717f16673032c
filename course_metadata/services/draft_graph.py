"""The shape of a draft world, declared once: which rows are cloned, copied and compared, and how."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, cast
from uuid import UUID

from django.db import models

from course_metadata import tracking
from course_metadata.models import (
    AdditionalMetadata,
    CertificateInfo,
    Course,
    CourseEntitlement,
    CourseLocationRestriction,
    CourseRun,
    DraftModelMixin,
    Fact,
    GeoLocation,
    ProductMeta,
    ProductValue,
    Seat,
)

# Columns that say which world a row lives in or when it was saved; never data, never copied.
BOOKKEEPING_FIELDS = frozenset(
    {"id", "uuid", "draft", "draft_version", "draft_base", "created", "modified", "data_modified_timestamp"}
)


@dataclass(frozen=True)
class Collection:
    """Owned child rows reached through a reverse foreign key (``parent_field`` on the child) or a plain m2m."""

    accessor: str
    parent_field: str | None = None
    # Attnames that identify the same product in both worlds (one verified USD seat per run).
    natural_key: tuple[str, ...] = ()

    @property
    def is_m2m(self) -> bool:
        return self.parent_field is None


@dataclass(frozen=True)
class NodeSpec:
    # Forward one-to-one/foreign keys to owned draftable rows: each world has its own copy.
    slots: tuple[str, ...] = ()
    collections: tuple[Collection, ...] = ()
    # Sorted m2m links to shared rows (organizations, subjects, people): the order is data.
    links: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # Foreign keys to draftable rows outside the node (the parent, the canonical run): set by the services.
    internal: tuple[str, ...] = ()
    # Internal foreign keys compared by the target's UUID, which is the same in both worlds.
    mapped: tuple[str, ...] = ()
    # Owned by the review workflow (course_metadata.workflow), never merged or copied as data.
    workflow: tuple[str, ...] = ()


SPECS: dict[type[models.Model], NodeSpec] = {
    Course: NodeSpec(
        slots=("additional_metadata", "geolocation", "location_restriction", "in_year_value"),
        collections=(Collection("entitlements", parent_field="course", natural_key=("mode_id",)),),
        links=("authoring_organizations", "sponsoring_organizations", "collaborators", "subjects"),
        tags=("topics",),
        internal=("canonical_course_run",),
        mapped=("canonical_course_run",),
    ),
    CourseRun: NodeSpec(
        collections=(
            Collection("seats", parent_field="course_run", natural_key=("type_id", "currency", "credit_provider")),
        ),
        links=("staff",),
        internal=("course",),
        workflow=("status",),
    ),
    AdditionalMetadata: NodeSpec(slots=("certificate_info", "product_meta"), collections=(Collection("facts"),)),
    Seat: NodeSpec(internal=("course_run",)),
    CourseEntitlement: NodeSpec(internal=("course",)),
    Fact: NodeSpec(),
    CertificateInfo: NodeSpec(),
    ProductMeta: NodeSpec(),
    GeoLocation: NodeSpec(),
    CourseLocationRestriction: NodeSpec(),
    ProductValue: NodeSpec(),
}


def node_spec(row: models.Model) -> NodeSpec:
    """How the draft graph treats ``row`` (not to be confused with ``tracking.specs.spec_for``, the change
    tracking's spec of a model)."""
    return SPECS[type(row)]


@cache
def data_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The row's own data columns: what a publish copies and a merge compares field by field."""
    spec = SPECS[model]
    skipped = BOOKKEEPING_FIELDS | set(spec.slots) | set(spec.internal) | set(spec.workflow)
    return tuple(field for field in model._meta.concrete_fields if field.name not in skipped)


@contextmanager
def bookkeeping() -> Iterator[None]:
    """Writes that only move pointers between the worlds (draft_version, draft_base) are not data changes.

    This is the one place that calls the change-tracking suppression, so no timestamp or change-log entry
    comes from linking a draft to its official.
    """
    with tracking.suppressed():
        yield


def save_draft_base(row: DraftModelMixin, base: dict[str, Any] | None) -> None:
    """Store a draft's base: a bookkeeping column that save() never writes (see DraftModelMixin.save)."""
    row.draft_base = base
    with bookkeeping():
        type(row).objects.filter(pk=row.pk).update(draft_base=base)


def link(*, official: DraftModelMixin, draft: DraftModelMixin) -> None:
    """Point ``official`` at its draft (the one place that writes ``draft_version`` on an existing row)."""
    if official.draft_version_id == draft.pk:
        return
    official.draft_version = draft
    with bookkeeping():
        type(official).objects.filter(pk=official.pk).update(draft_version=draft)


# --- fingerprints -------------------------------------------------------------------------------------


def _normalized(value: Any) -> Any:
    """A JSON-able value that is equal for equal data (Decimal('49.00') and Decimal('49'), any time zone)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | UUID):
        return str(value)
    return value


def digest(value: Any) -> str:
    encoded = json.dumps(_normalized(value), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(encoded.encode(), digest_size=8).hexdigest()


def link_pks(row: models.Model, name: str) -> list[int]:
    """A sorted m2m's targets in their order (sortedm2m's manager orders by the through table)."""
    return list(getattr(row, name).values_list("pk", flat=True))


def tag_names(row: models.Model, name: str) -> list[str]:
    return sorted(getattr(row, name).names())


def mapped_uuid(row: models.Model, name: str) -> UUID | None:
    target = getattr(row, name)
    return target.uuid if target is not None else None


def field_values(row: DraftModelMixin) -> dict[str, Any]:
    """Everything a merge compares for one row, keyed like its fingerprint."""
    spec = node_spec(row)
    values: dict[str, Any] = {field.name: field.value_from_object(row) for field in data_fields(type(row))}
    values.update({f"links:{name}": link_pks(row, name) for name in spec.links})
    values.update({f"tags:{name}": tag_names(row, name) for name in spec.tags})
    values.update({f"mapped:{name}": mapped_uuid(row, name) for name in spec.mapped})
    return values


def fingerprint(row: DraftModelMixin) -> dict[str, str]:
    return {key: digest(value) for key, value in field_values(row).items()}


def row_digest(row: DraftModelMixin) -> str:
    return digest(sorted(fingerprint(row).items()))


def display_value(row: DraftModelMixin, key: str) -> Any:
    """A value an editor can read in a conflict report (names rather than primary keys for links)."""
    if key.startswith("links:"):
        return [str(target) for target in getattr(row, key.removeprefix("links:")).all()]
    if key.startswith("tags:"):
        return tag_names(row, key.removeprefix("tags:"))
    if key.startswith("mapped:"):
        target = getattr(row, key.removeprefix("mapped:"))
        return str(target) if target is not None else None
    field = cast(models.Field, type(row)._meta.get_field(key))
    return _normalized(field.value_from_object(row))


def record_label(row: DraftModelMixin) -> str:
    """How a conflict names the row: its key where it has one."""
    for attribute in ("key", "uuid"):
        value = getattr(row, attribute, None)
        if value:
            return str(value)
    return f"{type(row)._meta.verbose_name} {row.pk}"


def official_of(draft: DraftModelMixin) -> Any | None:
    """The official row linked to ``draft``, read fresh (the reverse one-to-one cache goes stale easily)."""
    # Typed as a queryset of any model: django-stubs cannot resolve the primary key of the abstract mixin
    # that ``draft_version`` points at, and its plugin crashes mypy checking the lookup below.
    rows: models.QuerySet[Any] = type(draft).objects.all()
    return rows.filter(draft=False, draft_version=draft).first()


def children(row: models.Model, collection: Collection) -> list[DraftModelMixin]:
    return list(getattr(row, collection.accessor).all()) if row.pk else []
