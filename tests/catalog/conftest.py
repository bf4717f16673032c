"""Catalog fixtures: only the catalog consumer on the change log, catalogs and content built through the
real paths (factories, commit, consumer), and documents stored directly for the property tests."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.db.models import Q

from catalog.consumers import CONSUMER_NAME, handle_changes
from catalog.models import Catalog, ContentMetadata
from catalog.selectors.documents import ContentItem
from catalog.services.catalogs import catalog_create
from catalog.services.content import content_store
from course_metadata.changelog import consumers
from course_metadata.changelog.consumers import consume, consumer_position, register_consumer
from course_metadata.models import ChangeLogEntry, Course, CourseRun, CourseRunPacing, CourseRunStatus
from tests.course_metadata.tracking.conftest import commit  # noqa: F401  (re-exported fixture)
from tests.factories import (
    CourseFactory,
    CourseRunFactory,
    OrganizationFactory,
    PartnerFactory,
    SeatFactory,
    SeatTypeFactory,
)

NOW = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
_object_ids = itertools.count(1_000_000)


def stored_documents(documents: Sequence[dict[str, Any]], *, content_type: str = "course") -> list[ContentMetadata]:
    """Store arbitrary documents (as the property tests generate them) under made-up identities."""
    items = []
    for document in documents:
        object_id = next(_object_ids)
        items.append(
            ContentItem(
                content_type=content_type,
                object_id=object_id,
                content_key=str(document.get("key") or f"content-{object_id}"),
                uuid=None,
                document=document,
                data_modified_timestamp=NOW,
                next_boundary=None,
            )
        )
    stored = content_store(items=items, now=NOW)
    return list(ContentMetadata.objects.filter(pk__in=[content.id for content in stored]).order_by("pk"))


@pytest.fixture
def store(db: None) -> Callable[..., list[ContentMetadata]]:
    return stored_documents


@pytest.fixture(autouse=True)
def only_catalog_consumer() -> Iterator[None]:
    """The change log drives only the catalog consumer here; other apps' consumers come back afterwards."""
    saved = dict(consumers._consumers)
    consumers._consumers.clear()
    register_consumer(CONSUMER_NAME, handle_changes)
    try:
        yield
    finally:
        consumers._consumers.clear()
        consumers._consumers.update(saved)


def drain_catalog_consumer() -> int:
    """Run the catalog consumer until it has read every official entry; returns how many it processed.

    On PostgreSQL the feed holds entries back while an older transaction might still commit; other test
    databases' open subtransactions count as such (see the report in docs/decisions/0060), so this waits
    them out instead of trusting one pass.
    """
    processed = 0
    for _ in range(1200):
        processed += consume(CONSUMER_NAME)
        position = consumer_position(CONSUMER_NAME)
        pending = ChangeLogEntry.objects.filter(draft=False).filter(
            Q(txid__gt=position.txid) | Q(txid=position.txid, id__gt=position.entry_id)
        )
        if not pending.exists():
            return processed
        time.sleep(0.05)
    raise AssertionError("change-log entries stayed hidden from the catalog consumer")


@pytest.fixture
def run_consumer(commit: Callable[[], None]) -> Callable[[], int]:  # noqa: F811
    """Commit what the test wrote (on-commit work runs, the eager change-log task included), then make sure
    the catalog consumer has processed everything; returns how many entries that last step processed."""

    def run() -> int:
        commit()
        return drain_catalog_consumer()

    return run


@pytest.fixture
def make_catalog(db: None, run_consumer: Callable[[], int]) -> Callable[..., Catalog]:
    """A catalog created through the service, with its membership computed (the on-commit task ran)."""

    def make(query: Any, **fields: Any) -> Catalog:
        run_consumer()
        fields.setdefault("title", f"Catalog {query!r}"[:200])
        catalog = catalog_create(query=query, **fields)
        run_consumer()
        catalog.refresh_from_db()
        return catalog

    return make


def make_course(
    *,
    org_key: str = "edX",
    number: str = "CS101",
    partner_code: str = "edx",
    runs: Sequence[dict[str, Any]] = ({},),
    **course_fields: Any,
) -> Course:
    """A course of ``org_key`` with official runs (each a dict of CourseRun fields over sane defaults)."""
    partner = PartnerFactory._meta.model.objects.filter(short_code=partner_code).first() or PartnerFactory(
        short_code=partner_code, name=partner_code
    )
    organization = OrganizationFactory._meta.model.objects.filter(
        partner=partner, key=org_key
    ).first() or OrganizationFactory(partner=partner, key=org_key)
    course = CourseFactory(partner=partner, authoring_organization=organization, number=number, **course_fields)
    for index, fields in enumerate(runs):
        start = fields.pop("start", dt.datetime.now(dt.UTC) - 10 * DAY)
        values: dict[str, Any] = {
            "course": course,
            "term": f"{index + 1}T2024",
            "start": start,
            "end": start + 70 * DAY,
            "enrollment_start": start - 30 * DAY,
            "enrollment_end": start + 60 * DAY,
            "status": CourseRunStatus.PUBLISHED,
            "pacing_type": CourseRunPacing.INSTRUCTOR,
            **fields,
        }
        run = CourseRunFactory(**values)
        SeatFactory(course_run=run, type=SeatTypeFactory(slug="verified"))
    return course


@pytest.fixture
def course_maker(db: None) -> Callable[..., Course]:
    return make_course


def run_keys(course: Course) -> list[str]:
    return list(CourseRun.objects.official().filter(course=course).order_by("key").values_list("key", flat=True))
