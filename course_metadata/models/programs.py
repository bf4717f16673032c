"""Programs (fixed bundles of courses that lead to a credential) and degrees, which extend them."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from model_utils import FieldTracker
from simple_history.models import HistoricalRecords
from sortedm2m.fields import SortedManyToManyField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from course_metadata.models.base import (
    ChangeTrackedMixin,
    DataModifiedMixin,
    DerivedFieldsMixin,
    TimeStampedModel,
    TrackedQuerySet,
    UUIDMixin,
)
from course_metadata.models.course_runs import CourseRun
from course_metadata.models.courses import Course
from course_metadata.models.marketing import TaxiForm, Video
from course_metadata.models.partners import Organization, Partner
from course_metadata.models.taxonomy import LevelType, Subject
from course_metadata.models.types import ProgramType
from course_metadata.tracking.specs import OwnFieldsTracker


class ProgramStatus(models.TextChoices):
    UNPUBLISHED = "unpublished", "Unpublished"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"
    DELETED = "deleted", "Deleted"


class TaggedProgram(ChangeTrackedMixin, TaggedItemBase):
    """Labels of a program."""

    content_object = models.ForeignKey("Program", on_delete=models.CASCADE)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()


class Program(DerivedFieldsMixin, DataModifiedMixin, TimeStampedModel, UUIDMixin):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="programs")
    title = models.CharField(max_length=255)
    subtitle = models.CharField(max_length=255, blank=True)
    marketing_hook = models.CharField(max_length=255, blank=True)
    type = models.ForeignKey(ProgramType, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(
        max_length=24, choices=ProgramStatus.choices, default=ProgramStatus.UNPUBLISHED, db_index=True
    )
    marketing_slug = models.SlugField(max_length=255, blank=True, db_index=True)
    overview = models.TextField(blank=True)
    courses = SortedManyToManyField(Course, blank=True, related_name="programs")
    excluded_course_runs = models.ManyToManyField(CourseRun, blank=True, related_name="excluded_from_programs")
    authoring_organizations = SortedManyToManyField(Organization, blank=True, related_name="authored_programs")
    credit_backing_organizations = SortedManyToManyField(
        Organization, blank=True, related_name="credit_backed_programs"
    )
    total_hours_of_effort = models.PositiveSmallIntegerField(null=True, blank=True)
    weeks_to_complete = models.PositiveSmallIntegerField(null=True, blank=True)
    min_hours_effort_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    max_hours_effort_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    program_duration_override = models.CharField(max_length=20, blank=True)
    one_click_purchase_enabled = models.BooleanField(default=True)
    hidden = models.BooleanField(default=False, db_index=True)
    banner_image_url = models.URLField(blank=True)
    card_image_url = models.URLField(blank=True)
    video = models.ForeignKey(Video, null=True, blank=True, on_delete=models.SET_NULL)
    excluded_from_search = models.BooleanField(default=False)
    excluded_from_seo = models.BooleanField(default=False)
    has_ofac_restrictions = models.BooleanField(null=True, blank=True)
    ofac_comment = models.TextField(blank=True)
    language_override = models.CharField(max_length=50, blank=True)
    level_type_override = models.ForeignKey(LevelType, null=True, blank=True, on_delete=models.SET_NULL)
    primary_subject_override = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.SET_NULL)
    organization_logo_override_url = models.URLField(blank=True)
    organization_short_code_override = models.CharField(max_length=255, blank=True)
    enrollment_count = models.PositiveIntegerField(default=0)
    recent_enrollment_count = models.PositiveIntegerField(default=0)
    subscription_eligible = models.BooleanField(null=True, blank=True)
    taxi_form = models.ForeignKey(TaxiForm, null=True, blank=True, on_delete=models.SET_NULL)
    labels = TaggableManager(through=TaggedProgram, blank=True)
    enterprise_subscription_inclusion = models.BooleanField(
        default=False, editable=False, help_text="Computed: every course of the program is included."
    )
    # Written only by course_metadata.services.subscription_inclusion.
    DERIVED_FIELDS = ("enterprise_subscription_inclusion",)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()
    history = HistoricalRecords(excluded_fields=["data_modified_timestamp"], inherit=False)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "marketing_slug"],
                condition=~models.Q(marketing_slug=""),
                name="program_unique_marketing_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.marketing_slug:
            self.marketing_slug = slugify(self.title)[:255]
        super().save(*args, **kwargs)

    @property
    def marketing_url(self) -> str | None:
        root = self.partner.marketing_site_url_root
        if root and self.marketing_slug and self.type is not None:
            return f"{root.rstrip('/')}/{self.type.slug}/{self.marketing_slug}"
        return None

    @property
    def is_program_eligible_for_one_click_purchase(self) -> bool:
        return self.one_click_purchase_enabled and self.status == ProgramStatus.ACTIVE


class Ranking(ChangeTrackedMixin, TimeStampedModel):
    rank = models.CharField(max_length=10)
    description = models.CharField(max_length=255)
    source = models.CharField(max_length=100)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    def __str__(self) -> str:
        return f"{self.rank} ({self.source})"


class Degree(Program):
    """A degree is a program with admissions data (extends Program, one row each)."""

    application_requirements = models.TextField(blank=True)
    apply_url = models.URLField(blank=True)
    overall_ranking = models.CharField(max_length=255, blank=True)
    rankings = models.ManyToManyField(Ranking, blank=True)
    campus_image_url = models.URLField(blank=True)
    title_background_image_url = models.URLField(blank=True)
    prerequisite_coursework = models.TextField(blank=True)
    lead_capture_list_name = models.CharField(max_length=255, blank=True)
    banner_border_color = models.CharField(max_length=6, blank=True)
    application_deadline = models.CharField(max_length=255, blank=True)
    hubspot_lead_capture_form_id = models.CharField(max_length=128, blank=True)

    # Program.tracker follows the program's columns; this one follows every column the degree adds, so a new
    # degree field moves the timestamp and is logged without being listed here.
    degree_tracker = OwnFieldsTracker()

    history = HistoricalRecords(excluded_fields=["data_modified_timestamp"])

    class Meta:
        verbose_name = "degree"

    def __str__(self) -> str:
        return self.title


class DegreeSpecialization(ChangeTrackedMixin, TimeStampedModel):
    degree = models.ForeignKey(Degree, on_delete=models.CASCADE, related_name="specializations")
    value = models.CharField(max_length=255)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.value


class DegreeCost(ChangeTrackedMixin, TimeStampedModel):
    """A cost line of a degree ("Per credit: $1,000"); changes keep history."""

    degree = models.ForeignKey(Degree, on_delete=models.CASCADE, related_name="costs")
    description = models.CharField(max_length=255)
    amount = models.CharField(max_length=255)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class DegreeDeadline(ChangeTrackedMixin, TimeStampedModel):
    degree = models.ForeignKey(Degree, on_delete=models.CASCADE, related_name="deadlines")
    semester = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    date = models.CharField(max_length=255)
    time = models.CharField(max_length=255, blank=True)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.semester} {self.name}: {self.date}"
