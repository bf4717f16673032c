"""Detail responses carry ETag and Last-Modified and answer conditional requests with 304."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from course_metadata.api.v1 import conditional
from course_metadata.models import Course, CourseRun, Organization, Program


def detail_urls(catalog: Any) -> dict[str, str]:
    return {
        "course": f"/api/v1/courses/{catalog.course.key}/",
        "course_run": f"/api/v1/course_runs/{catalog.course_run.key}/",
        "program": f"/api/v1/programs/{catalog.program.uuid}/",
        "organization": f"/api/v1/organizations/{catalog.organization.uuid}/",
    }


@pytest.mark.parametrize("kind", ["course", "course_run", "program", "organization"])
def test_if_none_match_gives_304_until_the_data_changes(kind: str, catalog: Any, api: APIClient) -> None:
    url = detail_urls(catalog)[kind]
    first = api.get(url)
    etag = first["ETag"]

    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    later = timezone.now() + dt.timedelta(seconds=5)
    model = {"course": Course, "course_run": CourseRun, "program": Program, "organization": Organization}[kind]
    target = {
        "course": catalog.course,
        "course_run": catalog.course_run,
        "program": catalog.program,
        "organization": catalog.organization,
    }[kind]
    model._base_manager.filter(pk=target.pk).update(data_modified_timestamp=later)
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200 and etag.startswith('"')
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_if_modified_since(catalog: Any, api: APIClient) -> None:
    url = detail_urls(catalog)["organization"]
    last_modified = api.get(url)["Last-Modified"]

    assert api.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert api.get(url, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200


def test_a_change_in_a_nested_object_changes_the_etag(catalog: Any, api: APIClient) -> None:
    url = detail_urls(catalog)["course"]
    etag = api.get(url)["ETag"]
    later = timezone.now() + dt.timedelta(seconds=5)
    Organization._base_manager.filter(pk=catalog.sponsor.pk).update(data_modified_timestamp=later)

    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_run_starting_changes_the_version_without_a_data_change() -> None:
    """Time crossing an instant the computed fields depend on moves the version (so no stale 304)."""
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    changed = dt.datetime(2029, 1, 1, tzinfo=dt.UTC)
    before = conditional.version([changed], [start], start - dt.timedelta(seconds=1))
    after = conditional.version([changed], [start], start + dt.timedelta(seconds=1))

    assert before == changed
    assert after == start
    assert conditional.version_etag("course", "x", False, before) != conditional.version_etag(
        "course", "x", False, after
    )


def test_lists_carry_no_validators(catalog: Any, api: APIClient) -> None:
    response = api.get("/api/v1/courses/")

    assert "ETag" not in response
