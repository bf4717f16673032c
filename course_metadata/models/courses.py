"""Courses, their entitlements, URL slugs and editors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy
from model_utils import FieldTracker
from simple_history.models import HistoricalRecords
from sortedm2m.fields import SortedManyToManyField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from course_metadata.models.base import (
    ChangeTrackedMixin,
    DataModifiedMixin,
    DerivedFieldsMixin,
    DraftModelMixin,
    RichTextMixin,
    TimeStampedModel,
    TrackedQuerySet,
    UUIDMixin,
)
from course_metadata.models.marketing import (
    AdditionalMetadata,
    AdditionalPromoArea,
    CourseLocationRestriction,
    GeoLocation,
    ProductValue,
    Video,
)
from course_metadata.models.partners import Organization, Partner, validate_key_part
from course_metadata.models.taxonomy import Collaborator, LevelType, Source, Subject
from course_metadata.models.types import CourseType, SeatType


class TaggedCourse(ChangeTrackedMixin, TaggedItemBase):
    """Topic tags of a course, in their own table so tag changes are attributable to courses."""

    content_object = models.ForeignKey("Course", on_delete=models.CASCADE, verbose_name=gettext_lazy("content object"))

    objects = TrackedQuerySet.as_manager()
    tracker = FieldTracker()

    class Meta:
        verbose_name = gettext_lazy("tagged course")
        verbose_name_plural = gettext_lazy("tagged courses")


class Course(RichTextMixin, DraftModelMixin, DerivedFieldsMixin, DataModifiedMixin, TimeStampedModel, UUIDMixin):
    """A course (``edX+CS101``): the marketed product that owns its runs."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="courses", verbose_name=gettext_lazy("partner")
    )
    key = models.CharField(
        max_length=255,
        db_index=True,
        editable=False,
        help_text=gettext_lazy("org+number, e.g. edX+CS101"),
        verbose_name=gettext_lazy("key"),
    )
    number = models.CharField(
        max_length=50,
        validators=[validate_key_part],
        help_text=gettext_lazy("Never changes once created."),
        verbose_name=gettext_lazy("number"),
    )
    key_for_reruns = models.CharField(
        max_length=255,
        blank=True,
        help_text=gettext_lazy("org+number that new reruns use in their keys, to rename a course for future runs."),
        verbose_name=gettext_lazy("key for reruns"),
    )
    title = models.CharField(max_length=255, verbose_name=gettext_lazy("title"))
    url_slug = models.SlugField(max_length=255, blank=True, verbose_name=gettext_lazy("url slug"))
    short_description = models.TextField(blank=True, verbose_name=gettext_lazy("short description"))
    full_description = models.TextField(blank=True, verbose_name=gettext_lazy("full description"))
    extra_description = models.ForeignKey(
        AdditionalPromoArea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=gettext_lazy("extra description"),
    )
    outcome = models.TextField(
        blank=True, help_text=gettext_lazy("What learners will learn."), verbose_name=gettext_lazy("outcome")
    )
    prerequisites_raw = models.TextField(blank=True, verbose_name=gettext_lazy("prerequisites raw"))
    syllabus_raw = models.TextField(blank=True, verbose_name=gettext_lazy("syllabus raw"))
    additional_information = models.TextField(blank=True, verbose_name=gettext_lazy("additional information"))
    faq = models.TextField(blank=True, verbose_name=gettext_lazy("faq"))
    learner_testimonials = models.TextField(blank=True, verbose_name=gettext_lazy("learner testimonials"))
    RICH_TEXT_FIELDS = (
        "short_description",
        "full_description",
        "outcome",
        "prerequisites_raw",
        "syllabus_raw",
        "additional_information",
        "faq",
        "learner_testimonials",
    )
    level_type = models.ForeignKey(
        LevelType, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=gettext_lazy("level type")
    )
    image_url = models.URLField(max_length=500, blank=True, verbose_name=gettext_lazy("image url"))
    card_image_url = models.URLField(max_length=500, blank=True, verbose_name=gettext_lazy("card image url"))
    video = models.ForeignKey(
        Video, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=gettext_lazy("video")
    )
    type = models.ForeignKey(
        CourseType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=gettext_lazy("type")
    )
    product_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=gettext_lazy("product source")
    )
    canonical_course_run = models.OneToOneField(
        "CourseRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="canonical_for_course",
        verbose_name=gettext_lazy("canonical course run"),
    )
    authoring_organizations = SortedManyToManyField(
        Organization, blank=True, related_name="authored_courses", verbose_name=gettext_lazy("authoring organizations")
    )
    sponsoring_organizations = SortedManyToManyField(
        Organization,
        blank=True,
        related_name="sponsored_courses",
        verbose_name=gettext_lazy("sponsoring organizations"),
    )
    collaborators = SortedManyToManyField(
        Collaborator, blank=True, related_name="courses", verbose_name=gettext_lazy("collaborators")
    )
    subjects = SortedManyToManyField(Subject, blank=True, related_name="courses", verbose_name=gettext_lazy("subjects"))
    topics = TaggableManager(through=TaggedCourse, blank=True, verbose_name=gettext_lazy("topics"))
    additional_metadata = models.OneToOneField(
        AdditionalMetadata,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course",
        verbose_name=gettext_lazy("additional metadata"),
    )
    geolocation = models.OneToOneField(
        GeoLocation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course",
        verbose_name=gettext_lazy("geolocation"),
    )
    location_restriction = models.OneToOneField(
        CourseLocationRestriction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course",
        verbose_name=gettext_lazy("location restriction"),
    )
    in_year_value = models.OneToOneField(
        ProductValue,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course",
        verbose_name=gettext_lazy("in year value"),
    )
    organization_logo_override_url = models.URLField(
        blank=True, verbose_name=gettext_lazy("organization logo override url")
    )
    organization_short_code_override = models.CharField(
        max_length=255, blank=True, verbose_name=gettext_lazy("organization short code override")
    )
    enrollment_count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("enrollment count"))
    recent_enrollment_count = models.PositiveIntegerField(
        default=0, verbose_name=gettext_lazy("recent enrollment count")
    )
    excluded_from_search = models.BooleanField(default=False, verbose_name=gettext_lazy("excluded from search"))
    excluded_from_seo = models.BooleanField(default=False, verbose_name=gettext_lazy("excluded from seo"))
    watchers = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Emails told about publishing events."),
        verbose_name=gettext_lazy("watchers"),
    )
    enterprise_subscription_opt_in = models.BooleanField(
        default=True,
        help_text=gettext_lazy("The course team's own flag; the organization must opt in as well."),
        verbose_name=gettext_lazy("enterprise subscription opt in"),
    )
    enterprise_subscription_inclusion = models.BooleanField(
        default=False,
        editable=False,
        help_text=gettext_lazy("Computed: this flag and every authoring organization's flag."),
        verbose_name=gettext_lazy("enterprise subscription inclusion"),
    )

    # Written only by course_metadata.services.subscription_inclusion.
    DERIVED_FIELDS = ("enterprise_subscription_inclusion",)

    tracker = FieldTracker()
    history = HistoricalRecords(excluded_fields=["data_modified_timestamp"])

    class Meta:
        verbose_name = gettext_lazy("course")
        verbose_name_plural = gettext_lazy("courses")
        ordering = ["key", "draft"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "key", "draft"], name="course_unique_key_per_state"),
            models.UniqueConstraint(fields=["partner", "uuid", "draft"], name="course_unique_uuid_per_state"),
            models.UniqueConstraint(
                fields=["partner", "url_slug", "draft"],
                condition=~models.Q(url_slug=""),
                name="course_unique_url_slug_per_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}{' (draft)' if self.draft else ''}"

    def clean(self) -> None:
        super().clean()
        from course_metadata.rules.courses import check_course

        check_course(self)

    def validate_key_for_reruns(self) -> None:
        """Raise ``ValidationError`` unless ``key_for_reruns`` is empty or a course key (course_metadata.rules.courses)."""
        from course_metadata.rules.courses import check_key_for_reruns

        check_key_for_reruns(self)

    @staticmethod
    def make_key(org_key: str, number: str) -> str:
        return f"{org_key}+{number}"

    @property
    def rerun_key_parts(self) -> tuple[str, str]:
        """(org, number) used in the keys of new runs."""
        org, _, number = (self.key_for_reruns or self.key).partition("+")
        return org, number

    @property
    def marketing_url(self) -> str | None:
        root = self.partner.marketing_site_url_root
        if root and self.url_slug:
            return f"{root.rstrip('/')}/course/{self.url_slug}"
        return None


class CourseUrlSlugHistory(TimeStampedModel):
    """Slugs a course used before; old marketing URLs redirect from these."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="url_slug_history", verbose_name=gettext_lazy("course")
    )
    url_slug = models.SlugField(max_length=255, verbose_name=gettext_lazy("url slug"))

    class Meta:
        verbose_name = gettext_lazy("course url slug history")
        ordering = ["-created", "-id"]
        verbose_name_plural = gettext_lazy("course URL slug history")

    def __str__(self) -> str:
        return self.url_slug


class CourseEntitlement(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """A course-level product: pay once, enroll in any run."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="entitlements", verbose_name=gettext_lazy("course")
    )
    mode = models.ForeignKey(SeatType, on_delete=models.PROTECT, verbose_name=gettext_lazy("mode"))
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0, verbose_name=gettext_lazy("price"))
    currency = models.CharField(max_length=3, default="USD", verbose_name=gettext_lazy("currency"))
    sku = models.CharField(max_length=128, blank=True, verbose_name=gettext_lazy("sku"))

    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("course entitlement")
        verbose_name_plural = gettext_lazy("course entitlements")
        ordering = ["course_id", "mode__name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "mode", "draft"], name="entitlement_unique_mode_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.course.key} {self.mode} {self.price} {self.currency}"


class CourseEditor(TimeStampedModel):
    """A user who may edit a course in Publisher (moved to the draft row when one is made; look up by course uuid)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="editable_courses",
        verbose_name=gettext_lazy("user"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="editors", verbose_name=gettext_lazy("course")
    )

    class Meta:
        verbose_name = gettext_lazy("course editor")
        verbose_name_plural = gettext_lazy("course editors")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="course_editor_unique")]

    def __str__(self) -> str:
        return f"{self.user} edits {self.course.key}"
