"""Organizations, people, vocabularies, types, pathways and learner pathways."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import QuerySet
from rest_framework.test import APIClient

from course_metadata.models import (
    LearnerPathway,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    Organization,
)


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_organizations(catalog: Any, api: APIClient) -> None:
    listed = results(api.get("/api/v1/organizations/"))
    detail = api.get(f"/api/v1/organizations/{catalog.organization.uuid}/").json()

    assert [org["key"] for org in listed] == ["MITx", "edX"]
    assert detail["tags"] == ["stem"] and detail["marketing_url"].startswith("https://www.example.org/school/")
    assert results(api.get("/api/v1/organizations/", {"uuids": str(catalog.sponsor.uuid)}))[0]["key"] == "MITx"


def test_organizations_timestamp(catalog: Any, api: APIClient) -> None:
    Organization._base_manager.update(data_modified_timestamp=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    Organization._base_manager.filter(pk=catalog.sponsor.pk).update(
        data_modified_timestamp=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )

    assert [org["key"] for org in results(api.get("/api/v1/organizations/", {"timestamp": "2024-12-31"}))] == ["MITx"]


def test_people_filters(catalog: Any, anonymous: APIClient) -> None:
    person = catalog.people[0]

    assert [p["uuid"] for p in results(anonymous.get("/api/v1/people/", {"slug": person.slug}))] == [str(person.uuid)]
    assert len(results(anonymous.get("/api/v1/people/", {"org": "edX"}))) == 2
    assert results(anonymous.get("/api/v1/people/", {"org": "NoSuchOrg"})) == []
    assert anonymous.get(f"/api/v1/people/{person.uuid}/").json()["slug"] == person.slug


@pytest.mark.parametrize("url", ["/api/v1/subjects/", "/api/v1/topics/"])
def test_subjects_and_topics_by_slug(catalog: Any, anonymous: APIClient, url: str) -> None:
    every = results(anonymous.get(url))
    first = every[0]

    assert len(every) >= 2
    assert results(anonymous.get(url, {"slug": first["slug"]})) == [first]
    assert anonymous.get(f"{url}{first['uuid']}/").json() == first


def test_types(catalog: Any, api: APIClient, anonymous: APIClient) -> None:
    level_types = results(api.get("/api/v1/level_types/"))
    program_types = results(anonymous.get("/api/v1/program_types/"))
    course_types = results(api.get("/api/v1/course_types/"))
    run_types = results(api.get("/api/v1/course_run_types/"))

    assert [level["sort_value"] for level in level_types] == sorted(level["sort_value"] for level in level_types)
    assert {"masters", "micromasters"} <= {program_type["slug"] for program_type in program_types}
    verified = next(course_type for course_type in course_types if course_type["slug"] == "verified-and-audit")
    assert verified["entitlement_types"] == ["verified"]
    assert {run_type["slug"] for run_type in verified["course_run_types"]} == {"audit-only", "verified-and-audit"}
    credit = next(run_type for run_type in run_types if run_type["slug"] == "credit")
    assert {track["seat_type"] for track in credit["tracks"]} == {"audit", "verified", "credit"}
    assert anonymous.get("/api/v1/program_types/masters/").json()["applicable_seat_types"] == ["audit", "verified"]


def test_pathways(catalog: Any, api: APIClient) -> None:
    listed = results(api.get("/api/v1/pathways/"))
    detail = api.get(f"/api/v1/pathways/{catalog.pathway.uuid}/").json()
    by_id = api.get(f"/api/v1/pathways/{catalog.pathway.pk}/").json()

    assert len(listed) == 2
    assert [program["uuid"] for program in detail["programs"]] == [str(catalog.program.uuid), str(catalog.degree.uuid)]
    assert by_id == detail
    assert results(api.get("/api/v1/pathways/", {"status": "retired"})) == []
    assert api.get("/api/v1/pathways/", {"status": "gone"}).status_code == 400


def test_learner_pathways(catalog: Any, api: APIClient) -> None:
    pathway = catalog.learner_pathway
    listed = results(api.get("/api/v1/learner-pathway/"))
    only = results(api.get("/api/v1/learner-pathway/", {"uuid": str(pathway.uuid)}))
    detail = api.get(f"/api/v1/learner-pathway/{pathway.uuid}/").json()

    assert len(listed) == 2 and [p["uuid"] for p in only] == [str(pathway.uuid)]
    course_node = detail["steps"][0]["courses"][0]
    program_node = detail["steps"][0]["programs"][0]
    assert course_node["key"] == catalog.course.key
    assert course_node["estimated_completion_time"] > 0
    assert [course["key"] for course in program_node["courses"]] == [course.key for course in catalog.courses]
    assert detail["steps"][1]["blocks"][0]["course_key"] == catalog.courses[1].key
    low, high = pathway.time_of_completion()
    assert detail["time_of_completion"] == {"min": round(low, 2), "max": round(high, 2)}


def test_inactive_learner_pathways_are_not_served(catalog: Any, api: APIClient) -> None:
    LearnerPathway.objects.filter(pk=catalog.learner_pathway.pk).update(status=LearnerPathway.Status.INACTIVE)

    assert api.get(f"/api/v1/learner-pathway/{catalog.learner_pathway.uuid}/").status_code == 404


def test_learner_pathway_uuids(catalog: Any, api: APIClient) -> None:
    url = "/api/v1/learner-pathway/uuids/"
    by_course = api.get(url, {"course_keys": catalog.courses[1].key}).json()
    by_program = api.get(url, {"program_uuids": str(catalog.degree.uuid)}).json()

    assert by_course == [str(catalog.learner_pathway.uuid)]  # through a block of that course
    assert len(by_program) == 1 and by_program != by_course
    assert api.get(url).json() == []
    assert api.get(url, {"program_uuids": "x"}).status_code == 400


def test_learner_pathway_snapshot(catalog: Any, api: APIClient) -> None:
    snapshot = api.get(f"/api/v1/learner-pathway/{catalog.learner_pathway.uuid}/snapshot/").json()

    assert [node["content_type"] for node in snapshot["steps"][0]["nodes"]] == ["course", "program"]
    assert snapshot["steps"][1]["nodes"][0]["content_type"] == "block"
    assert snapshot["time_of_completion"]["max"] >= snapshot["time_of_completion"]["min"] > 0


def pathway_parts(pathway: LearnerPathway) -> dict[str, QuerySet[Any]]:
    return {
        "step": LearnerPathwayStep.objects.filter(pathway=pathway),
        "course": LearnerPathwayCourse.objects.filter(step__pathway=pathway),
        "program": LearnerPathwayProgram.objects.filter(step__pathway=pathway),
        "block": LearnerPathwayBlock.objects.filter(step__pathway=pathway),
    }


def test_learner_pathway_parts(catalog: Any, api: APIClient) -> None:
    steps = results(api.get("/api/v1/learner-pathway-step/"))
    courses = results(api.get("/api/v1/learner-pathway-course/"))
    programs = results(api.get("/api/v1/learner-pathway-program/"))
    blocks = results(api.get("/api/v1/learner-pathway-block/"))

    assert len(steps) == 3 and len(courses) == 2 and len(programs) == 2 and len(blocks) == 2
    first = catalog.learner_pathway.steps.order_by("sort_order", "pk").first()
    step = api.get(f"/api/v1/learner-pathway-step/{first.uuid}/").json()
    assert step["courses"][0]["key"] == catalog.course.key and step["courses"][0]["content_type"] == "course"
    assert step["programs"][0]["uuid"] == str(catalog.program.uuid) and step["min_requirement"] == 1
    assert step["time_of_completion"]["min"] > 0
    course_node = LearnerPathwayCourse.objects.get(step=first)
    detail = api.get(f"/api/v1/learner-pathway-course/{course_node.uuid}/").json()
    assert detail["key"] == catalog.course.key and detail["course_runs"] and detail["title"] == catalog.course.title
    program_node = LearnerPathwayProgram.objects.get(step=first)
    detail = api.get(f"/api/v1/learner-pathway-program/{program_node.uuid}/").json()
    assert detail["content_type"] == "program"
    assert [course["key"] for course in detail["courses"]] == [course.key for course in catalog.courses]
    block = LearnerPathwayBlock.objects.get(step__pathway=catalog.learner_pathway)
    detail = api.get(f"/api/v1/learner-pathway-block/{block.uuid}/").json()
    assert detail == {
        "uuid": str(block.uuid),
        "step": block.step_id,
        "course": block.course_id,
        "content_type": "block",
        "block_id": block.block_id,
        "course_key": catalog.courses[1].key,
        "estimated_completion_time": round(block.estimated_hours, 2),
    }


@pytest.mark.parametrize("part", ["block", "course", "program", "step"])
def test_parts_of_inactive_learner_pathways_are_not_served(catalog: Any, api: APIClient, part: str) -> None:
    node_uuid = pathway_parts(catalog.learner_pathway)[part].values_list("uuid", flat=True)[0]
    before = len(results(api.get(f"/api/v1/learner-pathway-{part}/")))
    LearnerPathway.objects.filter(pk=catalog.learner_pathway.pk).update(status=LearnerPathway.Status.INACTIVE)

    assert api.get(f"/api/v1/learner-pathway-{part}/{node_uuid}/").status_code == 404
    assert len(results(api.get(f"/api/v1/learner-pathway-{part}/"))) < before
    assert api.get(f"/api/v1/learner-pathway-{part}/not-a-uuid/").status_code == 404
