"""The search consumer's PostgreSQL connection killed after it wrote documents: the index writes roll back
with the cursor (database backend), and the next run indexes the batch once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError

from course_metadata.changelog import consumers
from course_metadata.changelog.consumers import consume, consumer_position
from course_metadata.changelog.cursor import START
from course_metadata.models import CourseRunStatus
from course_metadata.selectors import query_strings
from search import schema
from search.backends.database import DatabaseBackend
from search.indexing import CONSUMER_NAME
from tests.connection_loss import backend_pid, needs_postgresql, terminate_backend
from tests.factories import CourseFactory, CourseRunFactory, OrganizationFactory, PartnerFactory, SeatFactory

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("only_search_consumer"),
]


def test_an_index_batch_killed_after_its_writes_is_indexed_once_by_the_next_run(
    backend: DatabaseBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_postgresql()
    # The hand-off after each commit is lost (a broker outage): the entries wait in the log.
    monkeypatch.setattr(consumers, "request_processing", lambda: None)
    partner = PartnerFactory.create(short_code="edx")
    organization = OrganizationFactory.create(partner=partner, key="HarvardX")
    course = CourseFactory.create(partner=partner, authoring_organization=organization, number="QM1")
    run = CourseRunFactory.create(course=course, term="1T2030", status=CourseRunStatus.PUBLISHED, hidden=False)
    SeatFactory.create(course_run=run)

    real_delete = DatabaseBackend.delete
    kills: list[int] = []

    def delete_on_a_dying_connection(self: DatabaseBackend, *args: Any, **kwargs: Any) -> Any:
        if not kills:  # once: the documents are written, the stale ones go next
            kills.append(backend_pid())
            terminate_backend(kills[0])
        return real_delete(self, *args, **kwargs)

    monkeypatch.setattr(DatabaseBackend, "delete", delete_on_a_dying_connection)

    with pytest.raises(DatabaseError):
        consume(CONSUMER_NAME)

    assert consumer_position(CONSUMER_NAME) == START
    assert backend.count([schema.COURSE, schema.COURSE_RUN]) == 0  # rolled back with the cursor

    assert consume(CONSUMER_NAME) > 0

    assert backend.count([schema.COURSE]) == 1
    assert backend.count([schema.COURSE_RUN]) == 1
    assert consumer_position(CONSUMER_NAME) > START


def test_a_query_whose_catch_up_loses_its_connection_answers_from_the_index_and_the_next_one_catches_up(
    backend: DatabaseBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """search.freshness: the query-time catch-up fails on a killed connection; the query still answers, on a new
    connection, from the index as it was, and the change stays in the log for the next catch-up."""
    needs_postgresql()
    monkeypatch.setattr(consumers, "request_processing", lambda: None)
    partner = PartnerFactory.create(short_code="edx")
    organization = OrganizationFactory.create(partner=partner, key="edX")
    first = CourseFactory.create(partner=partner, authoring_organization=organization, title="Zeugma I", number="Z1")
    assert query_strings.matching_uuids("title:zeugma", "course") == {first.uuid}  # the index is built and current
    second = CourseFactory.create(partner=partner, authoring_organization=organization, title="Zeugma II", number="Z2")

    real_index = DatabaseBackend.index
    kills: list[int] = []

    def index_on_a_dying_connection(self: DatabaseBackend, *args: Any, **kwargs: Any) -> Any:
        if not kills:
            kills.append(backend_pid())
            terminate_backend(kills[0])
        return real_index(self, *args, **kwargs)

    monkeypatch.setattr(DatabaseBackend, "index", index_on_a_dying_connection)

    assert query_strings.matching_uuids("title:zeugma", "course") == {first.uuid}
    assert len(kills) == 1

    assert query_strings.matching_uuids("title:zeugma", "course") == {first.uuid, second.uuid}
