"""Credit pathways of programs, and learner pathways: ordered steps of courses, programs and course blocks."""

from __future__ import annotations

from django.db import models
from sortedm2m.fields import SortedManyToManyField

from course_metadata.models.base import TimeStampedModel, UUIDMixin
from course_metadata.models.courses import Course
from course_metadata.models.partners import Partner
from course_metadata.models.programs import Program


class Pathway(TimeStampedModel, UUIDMixin):
    """A route from programs to credit at an institution or to an industry credential."""

    class PathwayType(models.TextChoices):
        CREDIT = "credit", "Credit"
        INDUSTRY = "industry", "Industry"

    class Status(models.TextChoices):
        UNPUBLISHED = "unpublished", "Unpublished"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="pathways")
    name = models.CharField(max_length=255)
    org_name = models.CharField(max_length=255, blank=True, verbose_name="Organization name")
    email = models.EmailField(blank=True)
    programs = SortedManyToManyField(Program, related_name="pathways")
    description = models.TextField(blank=True)
    destination_url = models.URLField(blank=True)
    pathway_type = models.CharField(max_length=32, choices=PathwayType.choices, default=PathwayType.CREDIT)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.PUBLISHED, db_index=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class LearnerPathway(TimeStampedModel, UUIDMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="learner_pathways", null=True)
    title = models.CharField(max_length=255)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.INACTIVE, db_index=True)
    overview = models.TextField(blank=True)
    banner_image_url = models.URLField(blank=True)
    card_image_url = models.URLField(blank=True)
    visible_via_association = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def time_of_completion(self) -> tuple[float, float]:
        """(min, max) estimated hours over every step; reads prefetched steps and nodes when present."""
        times = [step.time_of_completion() for step in self.steps.all()]
        return sum(t[0] for t in times), sum(t[1] for t in times)


class LearnerPathwayStep(TimeStampedModel, UUIDMixin):
    pathway = models.ForeignKey(LearnerPathway, on_delete=models.CASCADE, related_name="steps")
    min_requirement = models.PositiveSmallIntegerField(
        default=1, help_text="How many of this step's nodes a learner must complete."
    )
    sort_order = models.PositiveSmallIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["pathway_id", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.pathway} step {self.sort_order}"

    def nodes(self) -> list[LearnerPathwayNode]:
        return [*self.courses.all(), *self.programs.all(), *self.blocks.all()]

    def time_of_completion(self) -> tuple[float, float]:
        """The fastest and slowest ways to complete ``min_requirement`` of this step's nodes."""
        estimates = sorted(node.estimated_time() for node in self.nodes())
        needed = min(self.min_requirement, len(estimates))
        if needed == 0:
            return 0.0, 0.0
        return float(sum(estimates[:needed])), float(sum(estimates[-needed:]))


class LearnerPathwayNode(TimeStampedModel, UUIDMixin):
    """Something a step asks the learner to complete; subclasses say what and how long it takes."""

    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def estimated_time(self) -> float:
        raise NotImplementedError


def _course_hours(course: Course) -> float:
    """Hours for the course's most recent run: weeks times the mean of min and max weekly effort."""
    runs = [run for run in course.course_runs.all() if not run.draft and run.weeks_to_complete]
    if not runs:
        return 0.0
    run = max(runs, key=lambda r: (r.start is not None, r.start))
    low = run.min_effort or run.max_effort or 0
    high = run.max_effort or run.min_effort or 0
    return float((run.weeks_to_complete or 0) * (low + high) / 2)


class LearnerPathwayCourse(LearnerPathwayNode):
    step = models.ForeignKey(LearnerPathwayStep, on_delete=models.CASCADE, related_name="courses")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="learner_pathway_nodes")

    class Meta(LearnerPathwayNode.Meta):
        abstract = False

    def __str__(self) -> str:
        return self.course.key

    def estimated_time(self) -> float:
        return _course_hours(self.course)


class LearnerPathwayProgram(LearnerPathwayNode):
    step = models.ForeignKey(LearnerPathwayStep, on_delete=models.CASCADE, related_name="programs")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="learner_pathway_nodes")

    class Meta(LearnerPathwayNode.Meta):
        abstract = False

    def __str__(self) -> str:
        return self.program.title

    def estimated_time(self) -> float:
        if self.program.total_hours_of_effort:
            return float(self.program.total_hours_of_effort)
        return float(sum(_course_hours(course) for course in self.program.courses.all()))


class LearnerPathwayBlock(LearnerPathwayNode):
    step = models.ForeignKey(LearnerPathwayStep, on_delete=models.CASCADE, related_name="blocks")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="learner_pathway_blocks")
    block_id = models.CharField(max_length=255, help_text="Usage key of the block inside the course.")
    estimated_hours = models.FloatField(default=0)

    class Meta(LearnerPathwayNode.Meta):
        abstract = False

    def __str__(self) -> str:
        return self.block_id

    def estimated_time(self) -> float:
        return float(self.estimated_hours)
