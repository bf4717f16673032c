"""Course runs (``course-v1:edX+CS101+2T2024``) and the seats sold for them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from simple_history.models import HistoricalRecords
from sortedm2m.fields import SortedManyToManyField

from course_metadata.models.base import (
    ChangeTrackedMixin,
    DataModifiedMixin,
    DerivedFieldsMixin,
    DraftModelMixin,
    RichTextMixin,
    TimeStampedModel,
    UUIDMixin,
)
from course_metadata.models.courses import Course
from course_metadata.models.marketing import Video
from course_metadata.models.people import Person
from course_metadata.models.types import CourseRunType, SeatType


def validate_course_run_key(value: str) -> None:
    try:
        CourseKey.from_string(value)
    except InvalidKeyError as error:
        raise ValidationError(
            _("%(value)r is not a valid course run key; expected the form course-v1:ORG+NUMBER+RUN."),
            params={"value": value},
            code="invalid_course_run_key",
        ) from error


class CourseRunStatus(models.TextChoices):
    """Review workflow states; the allowed moves are declared in course_metadata.workflow."""

    UNPUBLISHED = "unpublished", _("Unpublished")
    LEGAL_REVIEW = "review_by_legal", _("Awaiting review from legal")
    INTERNAL_REVIEW = "review_by_internal", _("Awaiting internal review")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")


class CourseRunPacing(models.TextChoices):
    INSTRUCTOR = "instructor_paced", _("Instructor-paced")
    SELF = "self_paced", _("Self-paced")


class CourseRunReportingType(models.TextChoices):
    MOOC = "mooc", _("MOOC")
    SPOC = "spoc", _("SPOC")
    TEST = "test", _("Test")
    DEMO = "demo", _("Demo")
    OTHER = "other", _("Other")


class CourseRun(RichTextMixin, DraftModelMixin, DerivedFieldsMixin, DataModifiedMixin, TimeStampedModel, UUIDMixin):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_runs", verbose_name=_("course"))
    key = models.CharField(max_length=255, validators=[validate_course_run_key], db_index=True, verbose_name=_("key"))
    external_key = models.CharField(  # noqa: DJ001  (null = no external key; uniqueness ignores NULLs)
        max_length=225,
        blank=True,
        null=True,
        help_text=_("The university's own identifier for this run."),
        verbose_name=_("external key"),
    )
    status = models.CharField(
        max_length=255,
        choices=CourseRunStatus.choices,
        default=CourseRunStatus.UNPUBLISHED,
        db_index=True,
        verbose_name=_("status"),
    )
    type = models.ForeignKey(CourseRunType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("type"))
    title_override = models.CharField(max_length=255, blank=True, verbose_name=_("title override"))
    short_description_override = models.TextField(blank=True, verbose_name=_("short description override"))
    full_description_override = models.TextField(blank=True, verbose_name=_("full description override"))
    outcome_override = models.TextField(blank=True, verbose_name=_("outcome override"))
    RICH_TEXT_FIELDS = ("short_description_override", "full_description_override", "outcome_override")
    start = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("start"))
    end = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("end"))
    enrollment_start = models.DateTimeField(null=True, blank=True, verbose_name=_("enrollment start"))
    enrollment_end = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("enrollment end"))
    announcement = models.DateTimeField(null=True, blank=True, verbose_name=_("announcement"))
    go_live_date = models.DateTimeField(
        null=True, blank=True, help_text=_("When a reviewed run becomes published."), verbose_name=_("go live date")
    )
    pacing_type = models.CharField(
        max_length=255,
        choices=CourseRunPacing.choices,
        default=CourseRunPacing.INSTRUCTOR,
        db_index=True,
        verbose_name=_("pacing type"),
    )
    content_language = models.CharField(
        max_length=50, blank=True, help_text=_("Language code, e.g. en-us."), verbose_name=_("content language")
    )
    transcript_languages = models.JSONField(
        default=list, blank=True, help_text=_("Language codes."), verbose_name=_("transcript languages")
    )
    ai_languages = models.JSONField(null=True, blank=True, verbose_name=_("ai languages"))
    staff = SortedManyToManyField(Person, blank=True, related_name="courses_staffed", verbose_name=_("staff"))
    hidden = models.BooleanField(default=False, db_index=True, verbose_name=_("hidden"))
    slug = models.SlugField(
        max_length=255, blank=True, help_text=_("Combines the course title and the run key."), verbose_name=_("slug")
    )
    min_effort = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Hours per week."), verbose_name=_("min effort")
    )
    max_effort = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Hours per week."), verbose_name=_("max effort")
    )
    weeks_to_complete = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("weeks to complete"))
    license = models.CharField(max_length=255, blank=True, db_index=True, verbose_name=_("license"))
    mobile_available = models.BooleanField(default=False, verbose_name=_("mobile available"))
    has_ofac_restrictions = models.BooleanField(null=True, blank=True, verbose_name=_("has ofac restrictions"))
    ofac_comment = models.TextField(blank=True, verbose_name=_("ofac comment"))
    reporting_type = models.CharField(
        max_length=255,
        choices=CourseRunReportingType.choices,
        default=CourseRunReportingType.MOOC,
        verbose_name=_("reporting type"),
    )
    eligible_for_financial_aid = models.BooleanField(default=True, verbose_name=_("eligible for financial aid"))
    enrollment_count = models.PositiveIntegerField(default=0, verbose_name=_("enrollment count"))
    recent_enrollment_count = models.PositiveIntegerField(default=0, verbose_name=_("recent enrollment count"))
    expected_program_name = models.CharField(max_length=255, blank=True, verbose_name=_("expected program name"))
    expected_program_type = models.ForeignKey(
        "ProgramType", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("expected program type")
    )
    video = models.ForeignKey(Video, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("video"))
    fixed_price_usd = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, verbose_name=_("fixed price usd")
    )
    variant_id = models.UUIDField(null=True, blank=True, verbose_name=_("variant id"))
    enterprise_subscription_inclusion = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Computed: the course is included and the run is self-paced."),
        verbose_name=_("enterprise subscription inclusion"),
    )

    # Written only by course_metadata.services.subscription_inclusion.
    DERIVED_FIELDS = ("enterprise_subscription_inclusion",)

    tracker = FieldTracker()
    history = HistoricalRecords(excluded_fields=["data_modified_timestamp"])

    class Meta:
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")
        ordering = ["start", "key", "draft"]
        constraints = [
            models.UniqueConstraint(fields=["key", "draft"], name="course_run_unique_key_per_state"),
            models.UniqueConstraint(fields=["uuid", "draft"], name="course_run_unique_uuid_per_state"),
        ]

    def __str__(self) -> str:
        return f"{self.key}{' (draft)' if self.draft else ''}"

    def clean(self) -> None:
        super().clean()
        from course_metadata.rules import has_changed
        from course_metadata.rules.external_keys import check_course_run_external_key
        from course_metadata.rules.run_keys import check_course_run_key

        # Only a new or moved key is checked: a run keyed before the course's key_for_reruns changed stays valid.
        if has_changed(self, "key", "course_id"):
            check_course_run_key(self)
        check_course_run_external_key(self)

    def build_slug(self) -> str:
        """Title plus run key, so a run's slug never collides with its course's."""
        return slugify(f"{self.course.title} {self.key}")[:255]

    def counterpart_slug(self) -> str:
        """The slug of this run's other version (official or draft), so both versions share one URL."""
        if not self.key:
            return ""
        other = CourseRun.objects.filter(key=self.key, draft=not self.draft).exclude(slug="")
        return other.values_list("slug", flat=True).first() or ""

    @property
    def title(self) -> str:
        return self.title_override or self.course.title

    @property
    def marketing_url(self) -> str | None:
        root = self.course.partner.marketing_site_url_root
        if root and self.slug:
            return f"{root.rstrip('/')}/course/{self.slug}"
        return None


class Seat(ChangeTrackedMixin, DraftModelMixin, TimeStampedModel):
    """A product sold for a run (a verified certificate at 49 USD)."""

    course_run = models.ForeignKey(
        CourseRun, on_delete=models.CASCADE, related_name="seats", verbose_name=_("course run")
    )
    type = models.ForeignKey(SeatType, on_delete=models.PROTECT, verbose_name=_("type"))
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0, verbose_name=_("price"))
    currency = models.CharField(max_length=3, default="USD", verbose_name=_("currency"))
    upgrade_deadline = models.DateTimeField(null=True, blank=True, verbose_name=_("upgrade deadline"))
    upgrade_deadline_override = models.DateTimeField(null=True, blank=True, verbose_name=_("upgrade deadline override"))
    credit_provider = models.CharField(max_length=255, blank=True, verbose_name=_("credit provider"))
    credit_hours = models.IntegerField(null=True, blank=True, verbose_name=_("credit hours"))
    sku = models.CharField(max_length=128, blank=True, verbose_name=_("sku"))
    bulk_sku = models.CharField(max_length=128, blank=True, verbose_name=_("bulk sku"))

    tracker = FieldTracker()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["course_run_id", "type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course_run", "type", "currency", "credit_provider", "draft"], name="seat_unique_product"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_run.key} {self.type} {self.price} {self.currency}"
