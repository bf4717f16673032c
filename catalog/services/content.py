"""Storing content documents: upserting ContentMetadata rows with their query columns and list values."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
from django.db import transaction
from django.db.models import Q, QuerySet

from catalog.models import CatalogMembership, ContentDocument, ContentFieldValue, ContentMetadata, ContentType
from catalog.models.content import NUMBER_DECIMAL_PLACES, NUMBER_MAX_DIGITS, SCALAR_COLUMNS
from catalog.query import FIELDS, Value, document_values
from catalog.selectors.content_rows import CHUNK
from catalog.selectors.documents import ContentItem
from catalog.services.statements import update_each
from dbkit.rows import AnyOf, KeyedRows, Row, chunked

_QUANTUM = Decimal(1).scaleb(-NUMBER_DECIMAL_PLACES)
COURSE_TYPES = (ContentType.COURSE, ContentType.COURSE_RUN)
_IDENTITY_FIELDS = ["content_key", "uuid", "parent_key", "course_id", "document_hash", "list_values_hash"]
UPDATE_FIELDS = [*_IDENTITY_FIELDS, "data_modified_timestamp", "next_boundary", *SCALAR_COLUMNS.values(), "modified"]


@dataclass
class StoredContent:
    """A stored document; ``changed`` when it is new or its document or data timestamp moved."""

    id: int
    document: dict[str, Any]
    data_modified_timestamp: dt.datetime
    changed: bool


def document_hash(document: Mapping[str, Any]) -> str:
    return hashlib.blake2b(orjson.dumps(document, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def _column_value(name: str, values: frozenset[Value]) -> Value | None:
    if not values:
        return None
    if len(values) > 1:
        # The database keeps one value per scalar field; document builders never produce more.
        raise ValueError(f"{name} is a single-valued query field, but the document holds {sorted(map(str, values))}")
    (value,) = values
    if isinstance(value, Decimal) and (
        value != value.quantize(_QUANTUM) or value.adjusted() >= NUMBER_MAX_DIGITS - NUMBER_DECIMAL_PLACES
    ):
        raise ValueError(f"{name}: {value} cannot be stored exactly")
    return value


def query_columns(document: Mapping[str, Any]) -> tuple[dict[str, Value | None], list[tuple[str, str]]]:
    """The typed column values and (field, value) list rows of a document, normalized as the evaluator reads it."""
    columns: dict[str, Value | None] = {}
    many: list[tuple[str, str]] = []
    for name, spec in FIELDS.items():
        values = document_values(spec, document)
        if spec.many:
            many.extend((name, str(value)) for value in sorted(values, key=str))
        else:
            columns[SCALAR_COLUMNS[name]] = _column_value(name, values)
    return columns, many


# What content_store reads of existing rows to tell what changed.
EXISTING_FIELDS = ["id", "content_type", "object_id", *UPDATE_FIELDS]


def _stored_rows(course_ids: Any, run_ids: Any, program_ids: Any, pathway_ids: Any) -> QuerySet:
    of_courses = Q(content_type__in=COURSE_TYPES) & Q(AnyOf("course_id", course_ids))
    of_runs = Q(content_type=ContentType.COURSE_RUN) & Q(AnyOf("object_id", run_ids))
    of_programs = Q(content_type=ContentType.PROGRAM) & Q(AnyOf("object_id", program_ids))
    of_pathways = Q(content_type=ContentType.LEARNER_PATHWAY) & Q(AnyOf("object_id", pathway_ids))
    condition = of_courses | of_runs | of_programs | of_pathways
    return ContentMetadata.objects.filter(condition).values(*EXISTING_FIELDS).order_by()


# Compiled once: the change-log consumer reads the stored rows of a few objects on every change.
_STORED = KeyedRows(_stored_rows, lists=4)


def existing_rows(
    *,
    course_ids: Iterable[int] = (),
    run_ids: Iterable[int] = (),
    program_ids: Iterable[int] = (),
    pathway_ids: Iterable[int] = (),
) -> dict[tuple[str, int], Row]:
    """The stored rows of these courses (with their runs), runs, programs and pathways, keyed by (content
    type, object id), as content_store reads them."""
    ids = [sorted(set(values)) for values in (course_ids, run_ids, program_ids, pathway_ids)]
    if not any(ids):
        return {}
    return {(row["content_type"], row["object_id"]): row for row in _STORED.fetch(*ids)}


def list_values_hash(many: Sequence[tuple[str, str]]) -> str:
    """Fingerprint of a document's list values (as ``query_columns`` returns them)."""
    return hashlib.blake2b(orjson.dumps(sorted(many)), digest_size=16).hexdigest()


def _new_values(
    item: ContentItem, digest: str, columns: Mapping[str, Any], many: Sequence[tuple[str, str]], now: dt.datetime
) -> dict[str, Any]:
    return {
        "content_key": item.content_key,
        "uuid": item.uuid,
        "parent_key": item.parent_key,
        "course_id": item.course_id,
        "document_hash": digest,
        "list_values_hash": list_values_hash(many),
        "data_modified_timestamp": item.data_modified_timestamp,
        "next_boundary": item.next_boundary,
        **columns,
        "modified": now,
    }


def content_store(
    *,
    items: Sequence[ContentItem],
    now: dt.datetime,
    existing: Mapping[tuple[str, int], Row] | None = None,
) -> list[StoredContent]:
    """Upsert the documents of ``items``, writing only the columns and list values that changed.

    ``existing`` is the stored rows of these items when the caller has read them already (see
    ``existing_rows``); otherwise they are read here.
    """
    if existing is None:
        existing = existing_rows(
            course_ids=(item.object_id for item in items if item.content_type == ContentType.COURSE),
            run_ids=(item.object_id for item in items if item.content_type == ContentType.COURSE_RUN),
            program_ids=(item.object_id for item in items if item.content_type == ContentType.PROGRAM),
            pathway_ids=(item.object_id for item in items if item.content_type == ContentType.LEARNER_PATHWAY),
        )
    created: list[tuple[ContentMetadata, ContentItem, list[tuple[str, str]]]] = []
    updated: list[tuple[int, ContentItem, list[tuple[str, str]] | None]] = []
    touched: list[tuple[int, dict[str, Any]]] = []
    # (stored row id, or the new row once inserted), item, changed
    results: list[tuple[int | ContentMetadata, ContentItem, bool]] = []
    for item in items:
        digest = document_hash(item.document)
        row = existing.get((item.content_type, item.object_id))
        if row is not None and row["document_hash"] == digest and row["content_key"] == item.content_key:
            # Same document: at most the data timestamp (a member's data changed) or the next boundary moved.
            changed = row["data_modified_timestamp"] != item.data_modified_timestamp
            fields = {"data_modified_timestamp": item.data_modified_timestamp, "next_boundary": item.next_boundary}
        else:
            changed = True
            columns, many = query_columns(item.document)
            fields = _new_values(item, digest, columns, many, now)
            if row is None:
                new = ContentMetadata(content_type=item.content_type, object_id=item.object_id, **fields)
                created.append((new, item, many))
                results.append((new, item, True))
                continue
            updated.append((row["id"], item, many if row["list_values_hash"] != fields["list_values_hash"] else None))
        differing = {name: value for name, value in fields.items() if name != "modified" and row[name] != value}
        if differing:
            touched.append((row["id"], {**differing, "modified": now}))
        results.append((row["id"], item, changed))
    with transaction.atomic():
        if created:
            ContentMetadata.objects.bulk_create([new for new, _, _ in created], batch_size=500)
            ContentDocument.objects.bulk_create(
                [ContentDocument(content_id=new.pk, document=item.document) for new, item, _ in created],
                batch_size=500,
            )
        update_each(ContentMetadata, touched)
        update_each(ContentDocument, [(pk, {"document": item.document}) for pk, item, _ in updated])
        _store_list_values([(new.pk, many) for new, _, many in created], [(pk, many) for pk, _, many in updated])
    return [
        StoredContent(
            target if isinstance(target, int) else target.pk, item.document, item.data_modified_timestamp, changed
        )
        for target, item, changed in results
    ]


def _store_list_values(
    created: Sequence[tuple[int, list[tuple[str, str]]]], updated: Sequence[tuple[int, list[tuple[str, str]] | None]]
) -> None:
    """Write the list values of new documents, and of changed ones whose lists changed (``many`` is None
    for a changed document whose lists did not)."""
    stale = [pk for pk, many in updated if many is not None]
    for batch in chunked(stale, CHUNK):
        ContentFieldValue.objects.filter(content_id__in=batch).delete()
    values = [
        ContentFieldValue(content_id=pk, field=field, value=value)
        for pk, many in (*created, *updated)
        if many is not None
        for field, value in many
    ]
    ContentFieldValue.objects.bulk_create(values, batch_size=1000)


def content_remove(*, content_ids: Iterable[int]) -> dict[int, list[int]]:
    """Delete documents (their membership goes with them); returns the catalogs each was a member of."""
    ids = sorted(set(content_ids))
    catalogs: dict[int, list[int]] = {content_id: [] for content_id in ids}
    with transaction.atomic():
        for batch in chunked(ids, CHUNK):
            for content_id, catalog_id in CatalogMembership.objects.filter(content_id__in=batch).values_list(
                "content_id", "catalog_id"
            ):
                catalogs[content_id].append(catalog_id)
            ContentMetadata.objects.filter(pk__in=batch).delete()
    return catalogs
