"""Curricula: the versioned structure of a program (several per program, active or retired)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker
from model_utils.fields import MonitorField
from simple_history.models import HistoricalRecords

from course_metadata.models.base import ChangeTrackedMixin, RichTextMixin, TimeStampedModel, TrackedQuerySet, UUIDMixin
from course_metadata.models.course_runs import CourseRun
from course_metadata.models.courses import Course
from course_metadata.models.programs import Program


class Curriculum(RichTextMixin, ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="curricula", verbose_name=_("program"))
    name = models.CharField(max_length=255, blank=True, verbose_name=_("name"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    active_state_changed_at = MonitorField(
        monitor="is_active",
        help_text=_("When it last became active or inactive."),
        verbose_name=_("active state changed at"),
    )
    marketing_text = models.TextField(blank=True, verbose_name=_("marketing text"))
    marketing_text_brief = models.TextField(blank=True, verbose_name=_("marketing text brief"))
    RICH_TEXT_FIELDS = ("marketing_text", "marketing_text_brief")
    course_curriculum = models.ManyToManyField(
        Course,
        through="CurriculumCourseMembership",
        related_name="degree_course_curricula",
        verbose_name=_("course curriculum"),
    )
    program_curriculum = models.ManyToManyField(
        Program,
        through="CurriculumProgramMembership",
        related_name="degree_program_curricula",
        verbose_name=_("program curriculum"),
    )

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("curriculum")
        ordering = ["program_id", "-is_active", "id"]
        verbose_name_plural = _("curricula")

    def __str__(self) -> str:
        return self.name or f"Curriculum {self.uuid}"

    def clean(self) -> None:
        super().clean()
        from course_metadata.rules.curricula import check_curriculum

        check_curriculum(self)


class CurriculumCourseMembership(ChangeTrackedMixin, TimeStampedModel):
    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.CASCADE, related_name="course_memberships", verbose_name=_("curriculum")
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="curriculum_memberships", verbose_name=_("course")
    )
    course_run_exclusions = models.ManyToManyField(
        CourseRun,
        through="CurriculumCourseRunExclusion",
        related_name="curriculum_exclusions",
        verbose_name=_("course run exclusions"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("curriculum course membership")
        verbose_name_plural = _("curriculum course memberships")
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "course"], name="curriculum_course_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.curriculum} ∋ {self.course.key}"

    def clean(self) -> None:
        super().clean()
        from course_metadata.rules.external_keys import check_curriculum_course_membership

        check_curriculum_course_membership(self)


class CurriculumCourseRunExclusion(ChangeTrackedMixin, TimeStampedModel):
    course_membership = models.ForeignKey(
        CurriculumCourseMembership, on_delete=models.CASCADE, verbose_name=_("course membership")
    )
    course_run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, verbose_name=_("course run"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("curriculum course run exclusion")
        verbose_name_plural = _("curriculum course run exclusions")

    def __str__(self) -> str:
        return f"{self.course_membership} excludes {self.course_run.key}"


class CurriculumProgramMembership(ChangeTrackedMixin, TimeStampedModel):
    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.CASCADE, related_name="program_memberships", verbose_name=_("curriculum")
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="curriculum_memberships", verbose_name=_("program")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("curriculum program membership")
        verbose_name_plural = _("curriculum program memberships")
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "program"], name="curriculum_program_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.curriculum} ∋ {self.program}"

    def clean(self) -> None:
        super().clean()
        from course_metadata.rules.program_cycles import check_curriculum_program_membership

        check_curriculum_program_membership(self)
