"""Credit pathways of programs, and learner pathways: ordered steps of courses, programs and course blocks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker
from sortedm2m.fields import SortedManyToManyField

from course_metadata.models.base import (
    ChangeTrackedMixin,
    DataModifiedMixin,
    TimeStampedModel,
    TrackedQuerySet,
    UUIDMixin,
)
from course_metadata.models.courses import Course
from course_metadata.models.partners import Partner
from course_metadata.models.programs import Program


class Pathway(TimeStampedModel, UUIDMixin):
    """A route from programs to credit at an institution or to an industry credential."""

    class PathwayType(models.TextChoices):
        CREDIT = "credit", _("Credit")
        INDUSTRY = "industry", _("Industry")

    class Status(models.TextChoices):
        UNPUBLISHED = "unpublished", _("Unpublished")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("partner"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    org_name = models.CharField(max_length=255, blank=True, verbose_name=_("Organization name"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    programs = SortedManyToManyField(Program, related_name="pathways", verbose_name=_("programs"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    destination_url = models.URLField(blank=True, verbose_name=_("destination url"))
    pathway_type = models.CharField(
        max_length=32, choices=PathwayType.choices, default=PathwayType.CREDIT, verbose_name=_("pathway type")
    )
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.PUBLISHED, db_index=True, verbose_name=_("status")
    )

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class LearnerPathway(DataModifiedMixin, TimeStampedModel, UUIDMixin):
    """An ordered route of steps to a goal; change-tracked with its steps and nodes (ADR 0085)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="learner_pathways", null=True, verbose_name=_("partner")
    )
    title = models.CharField(max_length=255, verbose_name=_("title"))
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.INACTIVE, db_index=True, verbose_name=_("status")
    )
    overview = models.TextField(blank=True, verbose_name=_("overview"))
    banner_image_url = models.URLField(blank=True, verbose_name=_("banner image url"))
    card_image_url = models.URLField(blank=True, verbose_name=_("card image url"))
    visible_via_association = models.BooleanField(default=True, verbose_name=_("visible via association"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("learner pathway")
        verbose_name_plural = _("learner pathways")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def time_of_completion(self) -> tuple[float, float]:
        """(min, max) estimated hours over every step; reads prefetched steps and nodes when present."""
        times = [step.time_of_completion() for step in self.steps.all()]
        return sum(t[0] for t in times), sum(t[1] for t in times)


class LearnerPathwayStep(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    pathway = models.ForeignKey(
        LearnerPathway, on_delete=models.CASCADE, related_name="steps", verbose_name=_("pathway")
    )
    min_requirement = models.PositiveSmallIntegerField(
        default=1,
        help_text=_("How many of this step's nodes a learner must complete."),
        verbose_name=_("min requirement"),
    )
    sort_order = models.PositiveSmallIntegerField(default=0, db_index=True, verbose_name=_("sort order"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("learner pathway step")
        verbose_name_plural = _("learner pathway steps")
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


class LearnerPathwayNode(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    """Something a step asks the learner to complete; subclasses say what and how long it takes.

    Each concrete subclass declares its own FieldTracker: a tracker finalizes on the class it is declared on.
    """

    sort_order = models.PositiveSmallIntegerField(default=0, verbose_name=_("sort order"))

    objects = TrackedQuerySet.as_manager()

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
    step = models.ForeignKey(
        LearnerPathwayStep, on_delete=models.CASCADE, related_name="courses", verbose_name=_("step")
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="learner_pathway_nodes", verbose_name=_("course")
    )

    tracker = FieldTracker()

    class Meta(LearnerPathwayNode.Meta):
        verbose_name = _("learner pathway course")
        verbose_name_plural = _("learner pathway courses")
        abstract = False

    def __str__(self) -> str:
        return self.course.key

    def estimated_time(self) -> float:
        return _course_hours(self.course)


class LearnerPathwayProgram(LearnerPathwayNode):
    step = models.ForeignKey(
        LearnerPathwayStep, on_delete=models.CASCADE, related_name="programs", verbose_name=_("step")
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="learner_pathway_nodes", verbose_name=_("program")
    )

    tracker = FieldTracker()

    class Meta(LearnerPathwayNode.Meta):
        verbose_name = _("learner pathway program")
        verbose_name_plural = _("learner pathway programs")
        abstract = False

    def __str__(self) -> str:
        return self.program.title

    def estimated_time(self) -> float:
        if self.program.total_hours_of_effort:
            return float(self.program.total_hours_of_effort)
        return float(sum(_course_hours(course) for course in self.program.courses.all()))


class LearnerPathwayBlock(LearnerPathwayNode):
    step = models.ForeignKey(
        LearnerPathwayStep, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("step")
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="learner_pathway_blocks", verbose_name=_("course")
    )
    block_id = models.CharField(
        max_length=255, help_text=_("Usage key of the block inside the course."), verbose_name=_("block id")
    )
    estimated_hours = models.FloatField(default=0, verbose_name=_("estimated hours"))

    tracker = FieldTracker()

    class Meta(LearnerPathwayNode.Meta):
        verbose_name = _("learner pathway block")
        verbose_name_plural = _("learner pathway blocks")
        abstract = False

    def __str__(self) -> str:
        return self.block_id

    def estimated_time(self) -> float:
        return float(self.estimated_hours)
