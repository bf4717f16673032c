"""Programs (fixed bundles of courses that lead to a credential) and degrees, which extend them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker
from simple_history.models import HistoricalRecords
from sortedm2m.fields import SortedManyToManyField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from course_metadata.models.base import (
    ChangeTrackedMixin,
    DataModifiedMixin,
    DerivedFieldsMixin,
    RichTextMixin,
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
    UNPUBLISHED = "unpublished", _("Unpublished")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")
    DELETED = "deleted", _("Deleted")


class TaggedProgram(ChangeTrackedMixin, TaggedItemBase):
    """Labels of a program."""

    content_object = models.ForeignKey("Program", on_delete=models.CASCADE, verbose_name=_("content object"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("tagged program")
        verbose_name_plural = _("tagged programs")


class Program(RichTextMixin, DerivedFieldsMixin, DataModifiedMixin, TimeStampedModel, UUIDMixin):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="programs", verbose_name=_("partner"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    subtitle = models.CharField(max_length=255, blank=True, verbose_name=_("subtitle"))
    marketing_hook = models.CharField(max_length=255, blank=True, verbose_name=_("marketing hook"))
    type = models.ForeignKey(ProgramType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("type"))
    status = models.CharField(
        max_length=24,
        choices=ProgramStatus.choices,
        default=ProgramStatus.UNPUBLISHED,
        db_index=True,
        verbose_name=_("status"),
    )
    marketing_slug = models.SlugField(max_length=255, blank=True, db_index=True, verbose_name=_("marketing slug"))
    overview = models.TextField(blank=True, verbose_name=_("overview"))
    RICH_TEXT_FIELDS: tuple[str, ...] = ("overview",)
    courses = SortedManyToManyField(Course, blank=True, related_name="programs", verbose_name=_("courses"))
    excluded_course_runs = models.ManyToManyField(
        CourseRun, blank=True, related_name="excluded_from_programs", verbose_name=_("excluded course runs")
    )
    authoring_organizations = SortedManyToManyField(
        Organization, blank=True, related_name="authored_programs", verbose_name=_("authoring organizations")
    )
    credit_backing_organizations = SortedManyToManyField(
        Organization, blank=True, related_name="credit_backed_programs", verbose_name=_("credit backing organizations")
    )
    total_hours_of_effort = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("total hours of effort")
    )
    weeks_to_complete = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("weeks to complete"))
    min_hours_effort_per_week = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("min hours effort per week")
    )
    max_hours_effort_per_week = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("max hours effort per week")
    )
    program_duration_override = models.CharField(max_length=20, blank=True, verbose_name=_("program duration override"))
    one_click_purchase_enabled = models.BooleanField(default=True, verbose_name=_("one click purchase enabled"))
    hidden = models.BooleanField(default=False, db_index=True, verbose_name=_("hidden"))
    banner_image_url = models.URLField(blank=True, verbose_name=_("banner image url"))
    card_image_url = models.URLField(blank=True, verbose_name=_("card image url"))
    video = models.ForeignKey(Video, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("video"))
    excluded_from_search = models.BooleanField(default=False, verbose_name=_("excluded from search"))
    excluded_from_seo = models.BooleanField(default=False, verbose_name=_("excluded from seo"))
    has_ofac_restrictions = models.BooleanField(null=True, blank=True, verbose_name=_("has ofac restrictions"))
    ofac_comment = models.TextField(blank=True, verbose_name=_("ofac comment"))
    language_override = models.CharField(max_length=50, blank=True, verbose_name=_("language override"))
    level_type_override = models.ForeignKey(
        LevelType, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("level type override")
    )
    primary_subject_override = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("primary subject override")
    )
    organization_logo_override_url = models.URLField(blank=True, verbose_name=_("organization logo override url"))
    organization_short_code_override = models.CharField(
        max_length=255, blank=True, verbose_name=_("organization short code override")
    )
    enrollment_count = models.PositiveIntegerField(default=0, verbose_name=_("enrollment count"))
    recent_enrollment_count = models.PositiveIntegerField(default=0, verbose_name=_("recent enrollment count"))
    subscription_eligible = models.BooleanField(null=True, blank=True, verbose_name=_("subscription eligible"))
    taxi_form = models.ForeignKey(
        TaxiForm, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("taxi form")
    )
    labels = TaggableManager(through=TaggedProgram, blank=True, verbose_name=_("labels"))
    enterprise_subscription_inclusion = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Computed: every course of the program is included."),
        verbose_name=_("enterprise subscription inclusion"),
    )
    # Written only by course_metadata.services.subscription_inclusion.
    DERIVED_FIELDS = ("enterprise_subscription_inclusion",)

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()
    history = HistoricalRecords(excluded_fields=["data_modified_timestamp"], inherit=False)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
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
    rank = models.CharField(max_length=10, verbose_name=_("rank"))
    description = models.CharField(max_length=255, verbose_name=_("description"))
    source = models.CharField(max_length=100, verbose_name=_("source"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")

    def __str__(self) -> str:
        return f"{self.rank} ({self.source})"


class Degree(Program):
    """A degree is a program with admissions data (extends Program, one row each)."""

    application_requirements = models.TextField(blank=True, verbose_name=_("application requirements"))
    apply_url = models.URLField(blank=True, verbose_name=_("apply url"))
    overall_ranking = models.CharField(max_length=255, blank=True, verbose_name=_("overall ranking"))
    rankings = models.ManyToManyField(Ranking, blank=True, verbose_name=_("rankings"))
    campus_image_url = models.URLField(blank=True, verbose_name=_("campus image url"))
    title_background_image_url = models.URLField(blank=True, verbose_name=_("title background image url"))
    prerequisite_coursework = models.TextField(blank=True, verbose_name=_("prerequisite coursework"))
    RICH_TEXT_FIELDS = (*Program.RICH_TEXT_FIELDS, "application_requirements", "prerequisite_coursework")
    lead_capture_list_name = models.CharField(max_length=255, blank=True, verbose_name=_("lead capture list name"))
    banner_border_color = models.CharField(max_length=6, blank=True, verbose_name=_("banner border color"))
    application_deadline = models.CharField(max_length=255, blank=True, verbose_name=_("application deadline"))
    hubspot_lead_capture_form_id = models.CharField(
        max_length=128, blank=True, verbose_name=_("hubspot lead capture form id")
    )

    # Program.tracker follows the program's columns; this one follows every column the degree adds, so a new
    # degree field moves the timestamp and is logged without being listed here.
    degree_tracker = OwnFieldsTracker()

    history = HistoricalRecords(excluded_fields=["data_modified_timestamp"])

    class Meta:
        verbose_name_plural = _("degrees")
        verbose_name = _("degree")

    def __str__(self) -> str:
        return self.title


class DegreeSpecialization(ChangeTrackedMixin, TimeStampedModel):
    degree = models.ForeignKey(
        Degree, on_delete=models.CASCADE, related_name="specializations", verbose_name=_("degree")
    )
    value = models.CharField(max_length=255, verbose_name=_("value"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = _("degree specialization")
        verbose_name_plural = _("degree specializations")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.value


class DegreeCost(ChangeTrackedMixin, TimeStampedModel):
    """A cost line of a degree ("Per credit: $1,000"); changes keep history."""

    degree = models.ForeignKey(Degree, on_delete=models.CASCADE, related_name="costs", verbose_name=_("degree"))
    description = models.CharField(max_length=255, verbose_name=_("description"))
    amount = models.CharField(max_length=255, verbose_name=_("amount"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("degree cost")
        verbose_name_plural = _("degree costs")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class DegreeDeadline(ChangeTrackedMixin, TimeStampedModel):
    degree = models.ForeignKey(Degree, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("degree"))
    semester = models.CharField(max_length=255, verbose_name=_("semester"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    date = models.CharField(max_length=255, verbose_name=_("date"))
    time = models.CharField(max_length=255, blank=True, verbose_name=_("time"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("degree deadline")
        verbose_name_plural = _("degree deadlines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.semester} {self.name}: {self.date}"
