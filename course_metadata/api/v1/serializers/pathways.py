"""Credit pathways and learner pathways (steps of course, program and block nodes, with time estimates)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from course_metadata.api.v1.serializers.common import (
    ImageSerializer,
    dt_string,
    image,
    read_context,
)
from course_metadata.api.v1.serializers.programs import program_data
from course_metadata.models import (
    LearnerPathway,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    Pathway,
)

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class PathwayRows(TypedDict):
        program_rows: list[dict[str, Any]]  # annotated by course_metadata.selectors.pathways


class PathwaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    org_name = serializers.CharField()
    email = serializers.EmailField()
    description = serializers.CharField()
    destination_url = serializers.URLField()
    pathway_type = serializers.CharField()
    status = serializers.CharField()
    programs = serializers.ListField(
        child=serializers.DictField(), help_text="The programs as the programs list shows them, in order."
    )
    course_run_statuses = serializers.ListField(
        child=serializers.CharField(), help_text="Every course_run_statuses value of its programs, sorted."
    )

    def to_representation(self, instance: WithAnnotations[Pathway, PathwayRows]) -> dict[str, Any]:
        context = read_context(self)
        programs = [program_data(row, context) for row in instance.program_full_rows]  # type: ignore[attr-defined]
        return {
            "id": instance.pk,
            "uuid": str(instance.uuid),
            "name": instance.name,
            "org_name": instance.org_name,
            "email": instance.email,
            "description": instance.description,
            "destination_url": instance.destination_url,
            "pathway_type": instance.pathway_type,
            "status": instance.status,
            "programs": programs,
            "course_run_statuses": sorted({status for row in programs for status in row["course_run_statuses"]}),
        }


def _hours(value: float) -> float:
    return round(value, 2)


def _course_node(node: LearnerPathwayCourse) -> dict[str, Any]:
    course = node.course
    return {
        "content_type": "course",
        "key": course.key,
        "uuid": str(course.uuid),
        "title": course.title,
        "short_description": course.short_description,
        "card_image_url": course.card_image_url or None,
        "course_runs": [{"key": run.key} for run in course.course_runs.all()],
        "estimated_completion_time": _hours(node.estimated_time()),
    }


def _program_node(node: LearnerPathwayProgram) -> dict[str, Any]:
    program = node.program
    return {
        "content_type": "program",
        "uuid": str(program.uuid),
        "title": program.title,
        "short_description": program.subtitle,
        "card_image_url": program.card_image_url or None,
        "type": program.type.name if program.type is not None else None,
        "courses": [
            {
                "key": course.key,
                "title": course.title,
                "course_runs": [{"key": run.key} for run in course.course_runs.all()],
            }
            for course in program.courses.all()
        ],
        "estimated_completion_time": _hours(node.estimated_time()),
    }


def _block_record(node: LearnerPathwayBlock) -> dict[str, Any]:
    """A block as learner-pathway-block/ shows it: course-discovery's fields (the step's and the course's
    ids) and the block's node fields."""
    return {
        "uuid": str(node.uuid),
        "step": node.step_id,
        "course": node.course_id,
        **_block_node(node),
    }


def _block_node(node: LearnerPathwayBlock) -> dict[str, Any]:
    return {
        "content_type": "block",
        "block_id": node.block_id,
        "course_key": node.course.key,
        "estimated_completion_time": _hours(node.estimated_time()),
    }


def _time(low_high: tuple[float, float]) -> dict[str, float]:
    return {"min": _hours(low_high[0]), "max": _hours(low_high[1])}


def step_data(step: LearnerPathwayStep) -> dict[str, Any]:
    return {
        "uuid": str(step.uuid),
        "min_requirement": step.min_requirement,
        "courses": [_course_node(node) for node in step.courses.all()],
        "programs": [_program_node(node) for node in step.programs.all()],
        "blocks": [_block_node(node) for node in step.blocks.all()],
        "time_of_completion": _time(step.time_of_completion()),
    }


def learner_pathway_data(pathway: LearnerPathway) -> dict[str, Any]:
    return {
        "uuid": str(pathway.uuid),
        "title": pathway.title,
        "status": pathway.status,
        "overview": pathway.overview,
        "banner_image": image(pathway.banner_image_url),
        "card_image": image(pathway.card_image_url),
        "visible_via_association": pathway.visible_via_association,
        "created": dt_string(pathway.created),
        "steps": [step_data(step) for step in pathway.steps.all()],
        "time_of_completion": _time(pathway.time_of_completion()),
    }


def learner_pathway_snapshot(pathway: LearnerPathway) -> dict[str, Any]:
    """The pathway as one flat document: its steps, each with its nodes in order and their estimates."""
    steps = []
    for step in pathway.steps.all():
        nodes = [
            *(_course_node(node) for node in step.courses.all()),
            *(_program_node(node) for node in step.programs.all()),
            *(_block_node(node) for node in step.blocks.all()),
        ]
        steps.append(
            {
                "uuid": str(step.uuid),
                "min_requirement": step.min_requirement,
                "nodes": nodes,
                "time_of_completion": _time(step.time_of_completion()),
            }
        )
    return {
        "uuid": str(pathway.uuid),
        "title": pathway.title,
        "status": pathway.status,
        "overview": pathway.overview,
        "steps": steps,
        "time_of_completion": _time(pathway.time_of_completion()),
    }


class TimeOfCompletionSerializer(serializers.Serializer):
    min = serializers.FloatField(help_text=_("Hours, taking the quickest nodes that satisfy each step."))
    max = serializers.FloatField(help_text=_("Hours, taking the slowest nodes that satisfy each step."))


class RunKeySerializer(serializers.Serializer):
    key = serializers.CharField()


class CourseNodeSerializer(serializers.Serializer):
    content_type = serializers.CharField(help_text=_('"course"'))
    key = serializers.CharField()
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    short_description = serializers.CharField()
    card_image_url = serializers.URLField(allow_null=True)
    course_runs = RunKeySerializer(many=True)
    estimated_completion_time = serializers.FloatField(help_text=_("Hours."))

    def to_representation(self, instance: LearnerPathwayCourse) -> dict[str, Any]:
        return _course_node(instance)


class ProgramNodeCourseSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    course_runs = RunKeySerializer(many=True)


class ProgramNodeSerializer(serializers.Serializer):
    content_type = serializers.CharField(help_text=_('"program"'))
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    short_description = serializers.CharField()
    card_image_url = serializers.URLField(allow_null=True)
    type = serializers.CharField(allow_null=True)
    courses = ProgramNodeCourseSerializer(many=True)
    estimated_completion_time = serializers.FloatField(help_text=_("Hours."))

    def to_representation(self, instance: LearnerPathwayProgram) -> dict[str, Any]:
        return _program_node(instance)


class BlockNodeSerializer(serializers.Serializer):
    content_type = serializers.CharField(help_text=_('"block"'))
    block_id = serializers.CharField()
    course_key = serializers.CharField()
    estimated_completion_time = serializers.FloatField(help_text=_("Hours."))


class LearnerPathwayBlockSerializer(BlockNodeSerializer):
    uuid = serializers.UUIDField()
    step = serializers.IntegerField(help_text=_("Id of the step the block belongs to."))
    course = serializers.IntegerField(help_text=_("Id of the course the block is part of."))

    def to_representation(self, instance: LearnerPathwayBlock) -> dict[str, Any]:
        return _block_record(instance)


class LearnerPathwayStepSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    min_requirement = serializers.IntegerField()
    courses = CourseNodeSerializer(many=True)
    programs = ProgramNodeSerializer(many=True)
    blocks = BlockNodeSerializer(many=True)
    time_of_completion = TimeOfCompletionSerializer()

    def to_representation(self, instance: LearnerPathwayStep) -> dict[str, Any]:
        return step_data(instance)


class LearnerPathwaySerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    status = serializers.CharField()
    overview = serializers.CharField()
    banner_image = ImageSerializer(allow_null=True)
    card_image = ImageSerializer(allow_null=True)
    visible_via_association = serializers.BooleanField()
    created = serializers.DateTimeField()
    steps = LearnerPathwayStepSerializer(many=True)
    time_of_completion = TimeOfCompletionSerializer()

    def to_representation(self, instance: LearnerPathway) -> dict[str, Any]:
        return learner_pathway_data(instance)


class SnapshotStepSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    min_requirement = serializers.IntegerField()
    nodes = serializers.ListField(
        child=serializers.DictField(), help_text=_("Course, program and block nodes (see content_type), in order.")
    )
    time_of_completion = TimeOfCompletionSerializer()


class LearnerPathwaySnapshotSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    status = serializers.CharField()
    overview = serializers.CharField()
    steps = SnapshotStepSerializer(many=True)
    time_of_completion = TimeOfCompletionSerializer()

    def to_representation(self, instance: LearnerPathway) -> dict[str, Any]:
        return learner_pathway_snapshot(instance)
