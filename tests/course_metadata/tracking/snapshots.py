"""JSON snapshots of what the API returns for an object, built straight from the database.

Written independently of course_metadata.tracking (no registry, no specs): a snapshot is an object's own
columns plus everything its payload embeds, recursively. The stateful test checks the timestamp moved
exactly when the snapshot did.
"""

from __future__ import annotations

import json
from typing import Any, overload

from django.db import models

from course_metadata.models import Course, CourseRun, Organization, Person, Position, Program

# Columns that are not data: when a row was saved, how a draft points at its official row.
NOT_DATA = {"created", "modified", "data_modified_timestamp", "draft_version", "draft_base"}


@overload
def own(row: models.Model) -> dict[str, Any]: ...
@overload
def own(row: models.Model | None) -> dict[str, Any] | None: ...


def own(row: models.Model | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        field.attname: getattr(row, field.attname)
        for field in type(row)._meta.concrete_fields
        if field.name not in NOT_DATA
    }


class Snapshots:
    """One pass over the database: each object's snapshot is built once and reused where it is embedded."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, int], Any] = {}

    def _once(self, kind: str, pk: int, build: Any) -> Any:
        key = (kind, pk)
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def organization(self, pk: int) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            row = Organization._base_manager.get(pk=pk)
            return {"own": own(row), "tags": sorted(row.tags.names())}

        return self._once("organization", pk, build)

    def person(self, pk: int) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            row = Person._base_manager.get(pk=pk)
            return {
                "own": own(row),
                "position": own(Position._base_manager.filter(person=row).first()),
                "networks": [own(n) for n in row.person_networks.order_by("pk")],
                "expertise": [own(a) for a in row.areas_of_expertise.order_by("pk")],
            }

        return self._once("person", pk, build)

    def course_run(self, pk: int) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            row = CourseRun._base_manager.select_related("course", "type", "video", "expected_program_type").get(pk=pk)
            return {
                "own": own(row),
                "title": row.course.title,  # a run shows its course's title unless it overrides it
                "seats": [
                    own(seat) | {"type": own(seat.type)} for seat in row.seats.select_related("type").order_by("pk")
                ],
                "staff": [self.person(p) for p in row.staff.values_list("pk", flat=True)],  # in their sorted order
                "type": own(row.type),
                "video": own(row.video),
                "expected_program_type": own(row.expected_program_type),
            }

        return self._once("courserun", pk, build)

    def course(self, pk: int) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            row = Course._base_manager.select_related(
                "level_type",
                "type",
                "product_source",
                "video",
                "extra_description",
                "geolocation",
                "location_restriction",
                "in_year_value",
                "additional_metadata__certificate_info",
                "additional_metadata__product_meta",
                "additional_metadata__taxi_form",
            ).get(pk=pk)
            metadata = row.additional_metadata
            return {
                "own": own(row),
                "runs": [self.course_run(run) for run in row.course_runs.order_by("pk").values_list("pk", flat=True)],
                "entitlements": [
                    own(e) | {"mode": own(e.mode)} for e in row.entitlements.select_related("mode").order_by("pk")
                ],
                "authoring": [self.organization(o) for o in row.authoring_organizations.values_list("pk", flat=True)],
                "sponsoring": [self.organization(o) for o in row.sponsoring_organizations.values_list("pk", flat=True)],
                "subjects": [own(s) for s in row.subjects.all()],
                "collaborators": [own(c) for c in row.collaborators.all()],
                "topics": sorted(row.topics.names()),
                "additional_metadata": None
                if metadata is None
                else {
                    "own": own(metadata),
                    "facts": [own(fact) for fact in metadata.facts.order_by("pk")],
                    "certificate_info": own(metadata.certificate_info),
                    "product_meta": own(metadata.product_meta),
                    "taxi_form": own(metadata.taxi_form),
                },
                "geolocation": own(row.geolocation),
                "location_restriction": own(row.location_restriction),
                "in_year_value": own(row.in_year_value),
                "level_type": own(row.level_type),
                "type": own(row.type),
                "product_source": own(row.product_source),
                "video": own(row.video),
                "extra_description": own(row.extra_description),
            }

        return self._once("course", pk, build)

    def program(self, pk: int) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            row = Program._base_manager.select_related(
                "type", "video", "level_type_override", "primary_subject_override", "taxi_form"
            ).get(pk=pk)
            return {
                "own": own(row),
                "courses": [self.course(c) for c in row.courses.values_list("pk", flat=True)],
                "authoring": [self.organization(o) for o in row.authoring_organizations.values_list("pk", flat=True)],
                "credit_backing": [
                    self.organization(o) for o in row.credit_backing_organizations.values_list("pk", flat=True)
                ],
                "labels": sorted(row.labels.names()),
                "excluded_course_runs": sorted(row.excluded_course_runs.values_list("pk", flat=True)),
                "curricula": [
                    {
                        "own": own(curriculum),
                        "courses": [
                            own(m) | {"course": self.course(m.course_id)}
                            for m in curriculum.course_memberships.order_by("pk")
                        ],
                        "programs": [own(m) for m in curriculum.program_memberships.order_by("pk")],
                    }
                    for curriculum in row.curricula.order_by("pk")
                ],
                "type": own(row.type),
                "video": own(row.video),
                "level_type_override": own(row.level_type_override),
                "primary_subject_override": own(row.primary_subject_override),
                "taxi_form": own(row.taxi_form),
            }

        return self._once("program", pk, build)

    def snapshot(self, object_type: str, pk: int) -> str | None:
        """Canonical JSON of the object's data, or None when it no longer exists."""
        try:
            data = getattr(self, BUILDERS[object_type])(pk)
        except MODELS[object_type].DoesNotExist:
            return None
        return json.dumps(data, sort_keys=True, default=str)


MODELS = {
    "course": Course,
    "courserun": CourseRun,
    "program": Program,
    "organization": Organization,
    "person": Person,
}
BUILDERS = {
    "course": "course",
    "courserun": "course_run",
    "program": "program",
    "organization": "organization",
    "person": "person",
}


def snapshot(object_type: str, pk: int) -> str | None:
    return Snapshots().snapshot(object_type, pk)


def stored_timestamp(object_type: str, pk: int) -> Any:
    if object_type == "person":
        return None  # people are logged but carry no timestamp
    # As a plain model class: mypy joins the classes of MODELS into an abstract base, which has no columns to look up.
    model: type[models.Model] = MODELS[object_type]
    return model._base_manager.filter(pk=pk).values_list("data_modified_timestamp", flat=True).first()
