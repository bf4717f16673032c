"""Curricula: the versioned structure of a program (several per program, active or retired)."""

from __future__ import annotations

from django.db import models
from model_utils import FieldTracker
from model_utils.fields import MonitorField
from simple_history.models import HistoricalRecords

from course_metadata.models.base import ChangeTrackedMixin, TimeStampedModel, TrackedQuerySet, UUIDMixin
from course_metadata.models.course_runs import CourseRun
from course_metadata.models.courses import Course
from course_metadata.models.programs import Program


class Curriculum(ChangeTrackedMixin, TimeStampedModel, UUIDMixin):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="curricula")
    name = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    active_state_changed_at = MonitorField(monitor="is_active", help_text="When it last became active or inactive.")
    marketing_text = models.TextField(blank=True)
    marketing_text_brief = models.TextField(blank=True)
    course_curriculum = models.ManyToManyField(
        Course, through="CurriculumCourseMembership", related_name="degree_course_curricula"
    )
    program_curriculum = models.ManyToManyField(
        Program, through="CurriculumProgramMembership", related_name="degree_program_curricula"
    )

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        ordering = ["program_id", "-is_active", "id"]
        verbose_name_plural = "curricula"

    def __str__(self) -> str:
        return self.name or f"Curriculum {self.uuid}"

    def clean(self) -> None:
        super().clean()
        self.check_domain_rules()

    def save(self, *args, **kwargs) -> None:
        self.check_domain_rules()
        super().save(*args, **kwargs)

    def check_domain_rules(self) -> None:
        """Moving (or re-activating) a curriculum keeps external keys unique and programs acyclic."""
        from course_metadata.rules import external_keys, program_cycles

        external_keys.check_curriculum(self)
        program_cycles.check_curriculum(self)


class CurriculumCourseMembership(ChangeTrackedMixin, TimeStampedModel):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="course_memberships")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="curriculum_memberships")
    course_run_exclusions = models.ManyToManyField(
        CourseRun, through="CurriculumCourseRunExclusion", related_name="curriculum_exclusions"
    )
    is_active = models.BooleanField(default=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "course"], name="curriculum_course_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.curriculum} ∋ {self.course.key}"

    def clean(self) -> None:
        super().clean()
        from course_metadata.rules.external_keys import check_curriculum_course_membership

        check_curriculum_course_membership(self)

    def save(self, *args, **kwargs) -> None:
        from course_metadata.rules.external_keys import check_curriculum_course_membership

        check_curriculum_course_membership(self)
        super().save(*args, **kwargs)


class CurriculumCourseRunExclusion(ChangeTrackedMixin, TimeStampedModel):
    course_membership = models.ForeignKey(CurriculumCourseMembership, on_delete=models.CASCADE)
    course_run = models.ForeignKey(CourseRun, on_delete=models.CASCADE)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.course_membership} excludes {self.course_run.key}"


class CurriculumProgramMembership(ChangeTrackedMixin, TimeStampedModel):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="program_memberships")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="curriculum_memberships")
    is_active = models.BooleanField(default=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "program"], name="curriculum_program_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.curriculum} ∋ {self.program}"

    def clean(self) -> None:
        super().clean()
        from course_metadata.rules.program_cycles import check_curriculum_program_membership

        check_curriculum_program_membership(self)

    def save(self, *args, **kwargs) -> None:
        from course_metadata.rules.program_cycles import check_curriculum_program_membership

        check_curriculum_program_membership(self)
        super().save(*args, **kwargs)
