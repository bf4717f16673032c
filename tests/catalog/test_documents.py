"""Content documents built from official rows: the query fields of courses, runs, programs and pathways."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import ContentFieldValue, ContentMetadata
from catalog.selectors.documents import course_documents, pathway_documents, program_documents
from catalog.services.content import query_columns
from tests.catalog.conftest import DAY, make_course, run_keys
from tests.factories import LearnerPathwayFactory, ProgramFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def test_course_and_run_documents(run_consumer):
    now = timezone.now()
    course = make_course(
        org_key="edX",
        runs=[
            {"start": now - 200 * DAY},
            {"start": now - 5 * DAY, "pacing_type": "self_paced", "content_language": "es"},
        ],
    )
    course.subjects.set([SubjectFactory(partner=course.partner, name="History")])
    run_consumer()
    old, current = run_keys(course)
    course_doc = ContentMetadata.objects.get(content_type="course", content_key="edX+CS101").document
    assert course_doc | {"start": None, "end": None, "title": None} == course_doc | {
        "content_type": "course",
        "partner": "edx",
        "key": "edX+CS101",
        "aggregation_key": "course:edX+CS101",
        "uuid": str(course.uuid),
        "org": "edX",
        "organizations": ["edX"],
        "availability": "Current",  # its best run
        "status": "published",
        "pacing_type": "self_paced",  # the advertised run's
        "language": ["English", "Spanish"],
        "subjects": ["History"],
        "seat_types": ["verified"],
        "first_enrollable_paid_seat_price": 49,
        "hidden": False,
        "start": None,
        "end": None,
        "title": None,
    }
    run_doc = ContentMetadata.objects.get(content_key=old)
    assert run_doc.document["availability"] == "Archived"
    assert run_doc.document["aggregation_key"] == "courserun:edX+CS101"
    assert run_doc.parent_key == "edX+CS101"
    assert run_doc.course_id == course.pk
    assert run_doc.document["first_enrollable_paid_seat_price"] is None  # enrollment is over
    assert ContentMetadata.objects.get(content_key=current).f_first_enrollable_paid_seat_price == Decimal("49")


def test_documents_are_built_with_a_fixed_number_of_queries(db):
    now = timezone.now()
    small = [make_course(org_key="edX", number="S1", runs=[{}]).pk]
    large = [make_course(org_key="edX", number=f"L{index}", runs=[{}, {}]).pk for index in range(6)]
    counts = []
    for ids in (small, large):
        with CaptureQueriesContext(connection) as queries:
            items = course_documents(ids, now=now)
        counts.append(len(queries))
    assert len(items) == 6 * 3
    assert counts[0] == counts[1]


def test_program_and_pathway_documents(run_consumer):
    first = make_course(org_key="edX", number="P1", runs=[{}])
    second = make_course(org_key="MITx", number="P2", runs=[{"start": timezone.now() + 30 * DAY}])
    program = ProgramFactory(partner=first.partner, courses=[first, second], authoring_organizations=[])
    pathway = LearnerPathwayFactory(partner=first.partner)
    now = timezone.now()
    (item,) = program_documents([program.pk], now=now)
    assert item.content_key == str(program.uuid)
    assert item.document["aggregation_key"] == f"program:{program.uuid}"
    assert item.document["availability"] == "Current"
    assert item.document["course_keys"] == ["edX+P1", "MITx+P2"]
    assert program.type is not None
    assert item.document["program_type"] == program.type.name
    assert item.next_boundary is not None
    (path_item,) = pathway_documents([pathway.pk])
    assert path_item.document["content_type"] == "learnerpathway"
    assert path_item.document["aggregation_key"] == f"learnerpathway:{pathway.uuid}"


def test_list_fields_go_to_side_rows_and_scalars_to_columns(store):
    (row,) = store([{"org": "edX", "subjects": [{"name": "Math"}, "History"], "hidden": "true", "start": "2024-01-01"}])
    assert row.f_org == "edX"
    assert row.f_hidden is True
    assert row.f_start.isoformat() == "2024-01-01T00:00:00+00:00"
    assert row.f_title is None
    assert set(ContentFieldValue.objects.filter(content=row).values_list("field", "value")) == {
        ("subjects", "Math"),
        ("subjects", "History"),
    }


def test_a_scalar_field_with_two_values_is_refused():
    with pytest.raises(ValueError, match="single-valued"):
        query_columns({"org": ["edX", "MITx"]})
    with pytest.raises(ValueError, match="cannot be stored exactly"):
        query_columns({"first_enrollable_paid_seat_price": "0.00000000001"})
