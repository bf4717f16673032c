"""The hot serializers build their dicts by hand: their declared fields (the schema) must be exactly what they emit."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from course_metadata.api.v1.serializers import common, course_runs, courses, pathways, people, programs, taxonomy


def declared(serializer_class: type[serializers.Serializer]) -> set[str]:
    return set(serializer_class().fields)


def emitted_objects(catalog: Any, api: APIClient) -> list[tuple[type[serializers.Serializer], dict[str, Any]]]:
    course = api.get(f"/api/v1/courses/{catalog.course.key}/").json()
    run = api.get(f"/api/v1/course_runs/{catalog.course_run.key}/").json()
    program = api.get(f"/api/v1/programs/{catalog.program.uuid}/").json()
    degree = api.get(f"/api/v1/programs/{catalog.degree.uuid}/").json()
    listed_program = api.get("/api/v1/programs/").json()["results"][0]
    full_program = api.get(f"/api/v1/programs/{catalog.program.uuid}/", {"use_full_course_serializer": 1}).json()
    learner_pathway = api.get(f"/api/v1/learner-pathway/{catalog.learner_pathway.uuid}/").json()
    snapshot = api.get(f"/api/v1/learner-pathway/{catalog.learner_pathway.uuid}/snapshot/").json()
    course_type = api.get("/api/v1/course_types/").json()["results"][0]
    step = api.get("/api/v1/learner-pathway-step/").json()["results"][0]
    course_node = api.get("/api/v1/learner-pathway-course/").json()["results"][0]
    program_node = api.get("/api/v1/learner-pathway-program/").json()["results"][0]
    block = api.get("/api/v1/learner-pathway-block/").json()["results"][0]
    return [
        (courses.CourseSerializer, course),
        (courses.CourseSummarySerializer, program["courses"][0]),
        (courses.AdditionalMetadataSerializer, course["additional_metadata"]),
        (courses.EntitlementSerializer, course["entitlements"][0]),
        (courses.CollaboratorSerializer, course["collaborators"][0]),
        (courses.GeolocationSerializer, course["geolocation"]),
        (courses.LocationRestrictionSerializer, course["location_restriction"]),
        (courses.ProductValueSerializer, course["in_year_value"]),
        (courses.ProductSourceSerializer, course["product_source"]),
        (courses.TaxiFormSerializer, program["taxi_form"]),
        (course_runs.NestedCourseRunSerializer, course["course_runs"][0]),
        (course_runs.MinimalCourseRunSerializer, program["courses"][0]["course_runs"][0]),
        (course_runs.CourseRunSerializer, run),
        (course_runs.SeatSerializer, run["seats"][0]),
        (people.PersonSerializer, run["staff"][0]),
        (people.PositionSerializer, run["staff"][0]["position"]),
        (people.SocialNetworkSerializer, run["staff"][0]["urls_detailed"][0]),
        (common.OrganizationSerializer, course["owners"][0]),
        (common.SubjectSerializer, course["subjects"][0]),
        (common.ProgramSummarySerializer, course["programs"][0]),
        (common.VideoSerializer, course["video"]),
        (common.ImageSerializer, course["image"]),
        (common.TypeAttrsSerializer, program["type_attrs"]),
        (programs.ProgramDetailSerializer, program),
        (programs.ProgramSerializer, listed_program),
        (programs.DegreeSerializer, degree["degree"]),
        (programs.CurriculumSerializer, program["curricula"][0]),
        (taxonomy.LevelTypeSerializer, program["level_type_override"]),
        (taxonomy.CourseTypeSerializer, course_type),
        (taxonomy.CourseRunTypeSerializer, course_type["course_run_types"][0]),
        (pathways.LearnerPathwaySerializer, learner_pathway),
        (pathways.LearnerPathwayStepSerializer, learner_pathway["steps"][0]),
        (pathways.CourseNodeSerializer, learner_pathway["steps"][0]["courses"][0]),
        (pathways.ProgramNodeSerializer, learner_pathway["steps"][0]["programs"][0]),
        (pathways.LearnerPathwaySnapshotSerializer, snapshot),
        (pathways.LearnerPathwayStepSerializer, step),
        (pathways.CourseNodeSerializer, course_node),
        (pathways.ProgramNodeSerializer, program_node),
        (pathways.LearnerPathwayBlockSerializer, block),
        (
            pathways.BlockNodeSerializer,
            learner_pathway["steps"][1]["blocks"][0],
        ),
        # the full course serializer inside a program emits what the courses endpoint does
        (courses.CourseSerializer, full_program["courses"][0]),
    ]


def test_declared_fields_are_exactly_the_emitted_keys(catalog: Any, api: APIClient) -> None:
    mismatches = [
        (serializer.__name__, sorted(declared(serializer) - set(data)), sorted(set(data) - declared(serializer)))
        for serializer, data in emitted_objects(catalog, api)
        if declared(serializer) != set(data)
    ]

    assert mismatches == []


@pytest.mark.parametrize(
    ("url", "serializer"),
    [
        ("/api/v1/organizations/", common.OrganizationSerializer),
        ("/api/v1/people/", people.PersonSerializer),
        ("/api/v1/subjects/", common.SubjectSerializer),
        ("/api/v1/topics/", taxonomy.TopicSerializer),
        ("/api/v1/program_types/", taxonomy.ProgramTypeSerializer),
        ("/api/v1/course_run_types/", taxonomy.CourseRunTypeSerializer),
        ("/api/v1/pathways/", pathways.PathwaySerializer),
    ],
)
def test_list_endpoints_emit_their_declared_fields(
    catalog: Any, api: APIClient, url: str, serializer: type[serializers.Serializer]
) -> None:
    first = api.get(url).json()["results"][0]

    assert set(first) == declared(serializer)
