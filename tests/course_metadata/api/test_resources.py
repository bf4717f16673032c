"""One declaration per resource (course_metadata.resources, ADR 0023): every layer is built from it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import serializers
from rest_framework.test import APIClient

from course_metadata.api.v1.serializers.common import ReadContext
from course_metadata.api.v1.serializers.courses import course_data
from course_metadata.models import Course, CourseRun
from course_metadata.resources import (
    PublicField,
    Write,
    column,
    input_fields,
    own_attrs,
    representation,
    schema_fields,
    selector_spec,
    writable,
)
from course_metadata.resources.course_runs import RUN_DECLARATION
from course_metadata.resources.courses import COURSE_DECLARATION, COURSE_SUMMARY
from course_metadata.selectors.courses import complete_courses, course_list
from dbkit.rows import Row, as_rows
from publisher_api.api.serializers import CourseRunUpdateSerializer, CourseUpdateSerializer


@pytest.mark.parametrize(
    ("serializer_class", "declaration"),
    [(CourseUpdateSerializer, COURSE_DECLARATION), (CourseRunUpdateSerializer, RUN_DECLARATION)],
)
def test_publisher_accepts_exactly_the_declared_writable_fields(
    serializer_class: type[serializers.Serializer], declaration: tuple[PublicField, ...]
) -> None:
    assert list(serializer_class().fields) == [public.name for public in writable(declaration)]


@pytest.mark.parametrize(("model", "declaration"), [(Course, COURSE_DECLARATION), (CourseRun, RUN_DECLARATION)])
def test_fields_publisher_sets_directly_are_model_fields(model: Any, declaration: tuple[PublicField, ...]) -> None:
    attrs = own_attrs(declaration)
    assert attrs
    for attr in attrs:
        assert model._meta.get_field(attr).concrete, attr


def test_a_writable_field_without_an_input_is_refused() -> None:
    with pytest.raises(LookupError, match="no_input is writable in Publisher but has no input field"):
        input_fields((PublicField("no_input", None, write=Write.OWN),), {})


def test_one_new_declaration_line_reaches_the_selector_the_schema_the_representation_and_publisher() -> None:
    new = column(
        "marketing_blurb",
        serializers.CharField,
        write=Write.OWN,
        input=lambda: serializers.CharField(required=False, allow_blank=True),
    )
    declaration = (*COURSE_SUMMARY, new)

    assert selector_spec(("pk",), declaration)["marketing_blurb"] == "marketing_blurb"
    assert isinstance(schema_fields(declaration)["marketing_blurb"], serializers.CharField)
    assert "marketing_blurb" in input_fields(declaration, CourseUpdateSerializer._declared_fields)
    assert "marketing_blurb" in own_attrs(declaration)
    plain = representation((new,))
    assert plain(Row(marketing_blurb="Learn fast"), ReadContext(), []) == {"marketing_blurb": "Learn fast"}


def test_the_representation_needs_no_request(catalog: Any, api: APIClient) -> None:
    """Search documents build the same values outside DRF: only rows and a ReadContext."""
    rows = as_rows(course_list().filter(pk=catalog.course.pk))
    complete_courses(rows)
    built = json.loads(json.dumps(course_data(rows[0], ReadContext()), cls=DjangoJSONEncoder))

    served = api.get(f"/api/v1/courses/{catalog.course.key}/", {"exclude_utm": 1}).json()
    assert built == served
