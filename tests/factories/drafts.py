"""Whole course worlds for the draft and publishing tests, and a snapshot to compare two worlds by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from course_metadata.models import (
    AdditionalMetadata,
    CertificateInfo,
    Course,
    CourseEntitlement,
    CourseLocationRestriction,
    CourseRun,
    CourseRunStatus,
    Fact,
    GeoLocation,
    ProductMeta,
    ProductValue,
    Seat,
)
from course_metadata.services.draft_graph import BOOKKEEPING_FIELDS
from tests.factories.course_runs import CourseRunFactory, SeatFactory
from tests.factories.courses import CourseEditorFactory, CourseEntitlementFactory, CourseFactory
from tests.factories.marketing import (
    AdditionalMetadataFactory,
    AdditionalPromoAreaFactory,
    CourseLocationRestrictionFactory,
    FactFactory,
    GeoLocationFactory,
    ProductValueFactory,
    TaxiFormFactory,
    VideoFactory,
)
from tests.factories.partners import OrganizationFactory, PartnerFactory
from tests.factories.people import PersonFactory
from tests.factories.taxonomy import CollaboratorFactory, SeatTypeFactory, SubjectFactory

DRAFTABLE_MODELS = (
    Course,
    CourseRun,
    Seat,
    CourseEntitlement,
    AdditionalMetadata,
    Fact,
    CertificateInfo,
    ProductMeta,
    GeoLocation,
    CourseLocationRestriction,
    ProductValue,
)


def official_course_world(*, draft: bool = False, go_live_date: dt.datetime | None = None) -> Course:
    """A course with every draftable extra, ordered links, tags, an entitlement, two runs with seats and staff.

    Links are created out of alphabetical and pk order, so a copy that loses their order is caught.
    """
    partner = PartnerFactory()
    organizations = OrganizationFactory.create_batch(3, partner=partner)
    subjects = SubjectFactory.create_batch(3, partner=partner)
    collaborators = CollaboratorFactory.create_batch(2)
    course = CourseFactory(
        partner=partner,
        authoring_organization=organizations[0],
        authoring_organizations=[organizations[2], organizations[0]],
        sponsoring_organizations=[organizations[1], organizations[2]],
        subjects=[subjects[2], subjects[0], subjects[1]],
        collaborators=[collaborators[1], collaborators[0]],
        topics=["python", "data science", "ethics"],
        video=VideoFactory(),
        extra_description=AdditionalPromoAreaFactory(),
        draft=draft,
    )
    course.additional_metadata = AdditionalMetadataFactory(
        facts=FactFactory.create_batch(2, draft=draft),
        taxi_form=TaxiFormFactory(),
        draft=draft,
        certificate_info__draft=draft,
        product_meta__draft=draft,
    )
    course.geolocation = GeoLocationFactory(draft=draft)
    course.location_restriction = CourseLocationRestrictionFactory(draft=draft)
    course.in_year_value = ProductValueFactory(draft=draft)
    course.save()
    CourseEntitlementFactory(course=course, mode=SeatTypeFactory(slug="verified"))
    people = PersonFactory.create_batch(3, partner=partner)
    status = CourseRunStatus.UNPUBLISHED if draft else CourseRunStatus.PUBLISHED
    first = CourseRunFactory(
        course=course, staff=[people[2], people[0]], status=status, go_live_date=go_live_date, video=VideoFactory()
    )
    SeatFactory(course_run=first, type=SeatTypeFactory(slug="audit"))
    SeatFactory(course_run=first, type=SeatTypeFactory(slug="verified"))
    second = CourseRunFactory(course=course, staff=[people[1]], status=status, go_live_date=go_live_date)
    SeatFactory(course_run=second, type=SeatTypeFactory(slug="verified"))
    course.canonical_course_run = first
    course.save()
    CourseEditorFactory.create_batch(2, course=course)
    return course


def _own_fields(row: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        field.attname: field.value_from_object(row)
        for field in type(row)._meta.concrete_fields
        if field.name not in BOOKKEEPING_FIELDS and field.name not in skip
    }


def _extra(row: Any) -> dict[str, Any] | None:
    return _own_fields(row) if row is not None else None


def run_snapshot(run: CourseRun, *, with_status: bool = True) -> dict[str, Any]:
    fields = _own_fields(run, skip=("course",) if with_status else ("course", "status"))
    return {
        "uuid": run.uuid,
        "fields": fields,
        "staff": list(run.staff.values_list("pk", flat=True)),
        "seats": sorted((_own_fields(seat, skip=("course_run",)) for seat in run.seats.all()), key=repr),
    }


def world_snapshot(course: Course, *, runs: bool = True, run_status: bool = True) -> dict[str, Any]:
    """Everything the API could return for ``course``'s world, minus the columns that differ by design."""
    metadata = course.additional_metadata
    snapshot: dict[str, Any] = {
        "uuid": course.uuid,
        "fields": _own_fields(
            course,
            skip=(
                "additional_metadata",
                "geolocation",
                "location_restriction",
                "in_year_value",
                "canonical_course_run",
            ),
        ),
        "canonical_course_run": course.canonical_course_run.uuid if course.canonical_course_run else None,
        "authoring_organizations": list(course.authoring_organizations.values_list("pk", flat=True)),
        "sponsoring_organizations": list(course.sponsoring_organizations.values_list("pk", flat=True)),
        "collaborators": list(course.collaborators.values_list("pk", flat=True)),
        "subjects": list(course.subjects.values_list("pk", flat=True)),
        "topics": sorted(course.topics.names()),
        "additional_metadata": None
        if metadata is None
        else {
            "fields": _own_fields(metadata, skip=("certificate_info", "product_meta")),
            "certificate_info": _extra(metadata.certificate_info),
            "product_meta": _extra(metadata.product_meta),
            "facts": sorted((_own_fields(fact) for fact in metadata.facts.all()), key=repr),
        },
        "geolocation": _extra(course.geolocation),
        "location_restriction": _extra(course.location_restriction),
        "in_year_value": _extra(course.in_year_value),
        "entitlements": sorted((_own_fields(e, skip=("course",)) for e in course.entitlements.all()), key=repr),
    }
    if runs:
        snapshot["runs"] = sorted(
            (run_snapshot(run, with_status=run_status) for run in course.course_runs.all()),
            key=lambda r: str(r["uuid"]),
        )
    return snapshot


def publish_all_runs(draft: Course) -> None:
    """Publish every run of ``draft`` (and with them the course), as if each had passed review."""
    from course_metadata.services.publishing import course_run_publish_draft

    for run in draft.course_runs.all():
        course_run_publish_draft(course_run=run)


def assert_no_draft_is_official() -> None:
    """The public path (``official()``) never returns a draft row of any draftable model."""
    for model in DRAFTABLE_MODELS:
        assert not model.objects.official().filter(draft=True).exists()
        assert model.objects.official().count() == model.objects.filter(draft=False).count()


def past() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=1)


def future() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=30)
