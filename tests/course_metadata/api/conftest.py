"""Fixtures of the read API tests: a fully populated catalog (every field the contract lists has data)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from course_metadata.models import (
    Course,
    CourseRun,
    Degree,
    LearnerPathway,
    Organization,
    Partner,
    Pathway,
    Person,
    Program,
)
from tests.factories import (
    AdditionalMetadataFactory,
    AdditionalPromoAreaFactory,
    CollaboratorFactory,
    CourseEntitlementFactory,
    CourseFactory,
    CourseLocationRestrictionFactory,
    CourseRunFactory,
    CourseUrlSlugHistoryFactory,
    CurriculumCourseMembershipFactory,
    CurriculumFactory,
    DegreeCostFactory,
    DegreeDeadlineFactory,
    DegreeFactory,
    DegreeSpecializationFactory,
    FactFactory,
    GeoLocationFactory,
    LearnerPathwayBlockFactory,
    LearnerPathwayCourseFactory,
    LearnerPathwayFactory,
    LearnerPathwayProgramFactory,
    LearnerPathwayStepFactory,
    LevelTypeFactory,
    OrganizationFactory,
    PartnerFactory,
    PathwayFactory,
    PersonAreaOfExpertiseFactory,
    PersonFactory,
    PersonSocialNetworkFactory,
    PositionFactory,
    ProductValueFactory,
    ProgramFactory,
    RankingFactory,
    SeatFactory,
    SeatTypeFactory,
    SourceFactory,
    SubjectFactory,
    TaxiFormFactory,
    TopicFactory,
    UserFactory,
    VideoFactory,
)


def seed_person(partner: Partner, organization: Organization) -> Person:
    person = PersonFactory(partner=partner)
    PositionFactory(person=person, organization=organization)
    PersonAreaOfExpertiseFactory(person=person)
    PersonSocialNetworkFactory(person=person)
    return person


def seed_course(partner: Partner, organization: Organization, *, staff: list[Person], runs: int = 3) -> Course:
    """A course with every optional part filled in, ``runs`` runs (two seats each) and an entitlement."""
    now = timezone.now()
    course = CourseFactory(
        partner=partner,
        authoring_organization=organization,
        sponsoring_organizations=[organization],
        subjects=[SubjectFactory(partner=partner)],
        collaborators=[CollaboratorFactory()],
        topics=["Machine Learning", "Python"],
        key_for_reruns="",
        syllabus_raw="Week 1",
        additional_information="More",
        faq="Q&A",
        learner_testimonials="Great",
        organization_logo_override_url="https://example.org/logo.png",
        organization_short_code_override="ORG",
        extra_description=AdditionalPromoAreaFactory(),
        video=VideoFactory(),
        product_source=SourceFactory(),
        additional_metadata=AdditionalMetadataFactory(facts=[FactFactory()], taxi_form=TaxiFormFactory()),
        geolocation=GeoLocationFactory(),
        location_restriction=CourseLocationRestrictionFactory(),
        in_year_value=ProductValueFactory(),
        level_type=LevelTypeFactory(name="Introductory"),
    )
    CourseEntitlementFactory(course=course)
    CourseUrlSlugHistoryFactory(course=course)
    starts = [now - dt.timedelta(days=30), now + dt.timedelta(days=20), now + dt.timedelta(days=200)]
    for index in range(runs):
        start = starts[index % len(starts)] + dt.timedelta(days=index // len(starts))
        run = CourseRunFactory(
            course=course,
            staff=staff,
            start=start,
            # Enrollment open now for every seeded run, so computed fields such as the paid seat price
            # have a value whichever run a list shows first.
            weeks_to_complete=10,
            end=start + dt.timedelta(weeks=10),
            enrollment_start=now - dt.timedelta(days=60),
            enrollment_end=start + dt.timedelta(weeks=9),
            external_key=f"EXT-{course.number}-{index}",
            go_live_date=start - dt.timedelta(days=60),
            video=VideoFactory(),
            fixed_price_usd="99.00",
            ai_languages={"transcription_languages": [], "translation_languages": []},
            expected_program_name="A program",
            variant_id=uuid.uuid4(),
            has_ofac_restrictions=False,
            ofac_comment="none",
        )
        SeatFactory(course_run=run, type=SeatTypeFactory(slug="audit"))
        SeatFactory(course_run=run, type=SeatTypeFactory(slug="verified"))
    course.canonical_course_run = course.course_runs.order_by("start").first()
    course.save()
    return course


@dataclass
class Catalog:
    partner: Partner
    organization: Organization
    courses: list[Course]
    program: Program
    pathway: Pathway
    learner_pathway: LearnerPathway
    people: list[Person]
    sponsor: Organization
    degree: Degree

    @property
    def course(self) -> Course:
        return self.courses[0]

    @property
    def course_run(self) -> CourseRun:
        return self.course.course_runs.order_by("start").first()  # type: ignore[return-value]


def seed_catalog(partner: Partner, organization: Organization, *, courses: int = 3) -> Catalog:
    """Enough of everything that a page of one differs from a page of all (two or more of each kind)."""
    organization.tags.add("stem")
    TopicFactory(partner=partner)
    TopicFactory(partner=partner)
    sponsor = OrganizationFactory(partner=partner, key="MITx")
    people = [seed_person(partner, organization) for _ in range(2)]
    seeded = [seed_course(partner, organization, staff=people) for _ in range(courses)]
    for course in seeded:
        course.sponsoring_organizations.set([sponsor, organization])
    program = ProgramFactory(
        partner=partner,
        courses=seeded,
        authoring_organizations=[organization],
        excluded_course_runs=[seeded[0].course_runs.order_by("start").last()],
        level_type_override=LevelTypeFactory(name="Advanced"),
        primary_subject_override=SubjectFactory(partner=partner),
        taxi_form=TaxiFormFactory(),
        language_override="en-us",
        program_duration_override="6 months",
        organization_logo_override_url="https://example.org/program-logo.png",
        organization_short_code_override="PRG",
    )
    program.labels.add("featured")
    program.credit_backing_organizations.set([sponsor])
    CurriculumCourseMembershipFactory(curriculum=CurriculumFactory(program=program), course=seeded[0])
    degree = DegreeFactory(partner=partner, courses=seeded[1:], authoring_organizations=[sponsor])
    DegreeCostFactory(degree=degree)
    DegreeDeadlineFactory(degree=degree)
    DegreeSpecializationFactory(degree=degree)
    degree.rankings.add(RankingFactory())
    pathway = PathwayFactory(partner=partner, programs=[program, degree])
    PathwayFactory(partner=partner, programs=[degree])
    learner_pathway = LearnerPathwayFactory(partner=partner)
    step = LearnerPathwayStepFactory(pathway=learner_pathway, min_requirement=1)
    LearnerPathwayCourseFactory(step=step, course=seeded[0])
    LearnerPathwayProgramFactory(step=step, program=program)
    LearnerPathwayBlockFactory(step=LearnerPathwayStepFactory(pathway=learner_pathway), course=seeded[1])
    other = LearnerPathwayStepFactory(pathway=LearnerPathwayFactory(partner=partner), min_requirement=2)
    LearnerPathwayCourseFactory(step=other, course=seeded[2])
    LearnerPathwayProgramFactory(step=other, program=degree)
    LearnerPathwayBlockFactory(step=other, course=seeded[2], block_id="block-v1:seeded+2+type@vertical+block@intro")
    return Catalog(partner, organization, seeded, program, pathway, learner_pathway, people, sponsor, degree)


@pytest.fixture(scope="module")
def catalog(django_db_setup: None, django_db_blocker: Any) -> Iterator[Catalog]:
    """Seeded once per test module inside a transaction that is rolled back afterwards; each test still
    runs in its own savepoint (the ``db`` fixture), so tests may change the data freely."""
    with django_db_blocker.unblock(), transaction.atomic():
        partner = PartnerFactory(short_code="readapi", name="Read API")
        organization = OrganizationFactory(partner=partner, key="edX", name="edX")
        yield seed_catalog(partner, organization)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _database(db: None) -> None:
    """Every test here reads the database."""


@pytest.fixture
def reader(db: None) -> User:
    """An authenticated API consumer with no Publisher rights."""
    return UserFactory(username="reader")


@pytest.fixture
def api(reader: User) -> APIClient:
    api_client = APIClient()
    api_client.force_authenticate(reader)
    return api_client


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()
