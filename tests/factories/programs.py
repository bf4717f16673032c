"""Factories for program types, programs, degrees and their parts, curricula and memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import factory
from django.utils.text import slugify

from course_metadata.models import (
    Course,
    CourseRun,
    Curriculum,
    CurriculumCourseMembership,
    CurriculumCourseRunExclusion,
    CurriculumProgramMembership,
    Degree,
    DegreeCost,
    DegreeDeadline,
    DegreeSpecialization,
    Organization,
    Program,
    ProgramStatus,
    ProgramType,
    Ranking,
    SeatType,
)
from course_metadata.services.subscription_inclusion import subscription_inclusion_update
from tests.factories.base import ModelFactory
from tests.factories.course_runs import CourseRunFactory
from tests.factories.courses import CourseFactory
from tests.factories.partners import PartnerFactory


class ProgramTypeFactory(ModelFactory[ProgramType]):
    """Defaults to the shipped MicroMasters type; ``slug="masters"`` and so on return the shipped rows."""

    slug = "micromasters"
    name = factory.LazyAttribute(lambda program_type: program_type.slug.replace("-", " ").title())

    class Meta:
        model = ProgramType
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    @factory.post_generation
    def applicable_seat_types(self, create: bool, extracted: list[SeatType] | None, **kwargs: Any) -> None:
        if create and extracted is not None:
            self.applicable_seat_types.set(extracted)


class ProgramFactory(ModelFactory[Program]):
    partner = factory.SubFactory(PartnerFactory)
    title = factory.Faker("catch_phrase")
    subtitle = factory.Faker("sentence", nb_words=8)
    marketing_hook = factory.Faker("sentence", nb_words=6)
    type = factory.SubFactory(ProgramTypeFactory)
    status = ProgramStatus.ACTIVE
    marketing_slug = factory.LazyAttributeSequence(lambda program, n: slugify(f"{program.title} {n}")[:255])
    overview = factory.Faker("paragraph", nb_sentences=5)
    total_hours_of_effort = factory.Faker("pyint", min_value=40, max_value=400)
    weeks_to_complete = factory.Faker("pyint", min_value=8, max_value=52)
    min_hours_effort_per_week = factory.Faker("pyint", min_value=2, max_value=5)
    max_hours_effort_per_week = factory.LazyAttribute(lambda program: program.min_hours_effort_per_week + 4)
    banner_image_url = factory.Faker("image_url")
    card_image_url = factory.Faker("image_url")

    class Meta:
        model = Program
        skip_postgeneration_save = True

    @factory.post_generation
    def courses(self, create: bool, extracted: list[Course] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.courses.set(extracted)
            # A write path like any other: it calls the service that derives the subscription flags.
            subscription_inclusion_update(programs=[cast(Program, self)])

    @factory.post_generation
    def authoring_organizations(self, create: bool, extracted: list[Organization] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.authoring_organizations.set(extracted)

    @factory.post_generation
    def excluded_course_runs(self, create: bool, extracted: list[CourseRun] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.excluded_course_runs.set(extracted)


class DegreeFactory(ProgramFactory):
    type = factory.SubFactory(ProgramTypeFactory, slug="masters")
    application_requirements = factory.Faker("paragraph")
    apply_url = factory.Faker("url")
    overall_ranking = factory.Faker("sentence", nb_words=5)
    campus_image_url = factory.Faker("image_url")
    prerequisite_coursework = factory.Faker("paragraph")
    lead_capture_list_name = factory.Faker("word")
    application_deadline = factory.Faker("date", pattern="%B %d, %Y")

    class Meta:
        model = Degree

    if TYPE_CHECKING:
        # A Degree, not the Program that ProgramFactory's type argument says (see ModelFactory).
        def __new__(cls, *args: Any, **kwargs: Any) -> Degree: ...  # type: ignore[misc]


class RankingFactory(ModelFactory[Ranking]):
    rank = factory.Sequence(lambda n: f"#{n + 1}")
    description = factory.Faker("sentence", nb_words=6)
    source = factory.Faker("company")

    class Meta:
        model = Ranking


class DegreeSpecializationFactory(ModelFactory[DegreeSpecialization]):
    degree = factory.SubFactory(DegreeFactory)
    value = factory.Faker("job")

    class Meta:
        model = DegreeSpecialization


class DegreeCostFactory(ModelFactory[DegreeCost]):
    degree = factory.SubFactory(DegreeFactory)
    description = "Per credit"
    amount = factory.Faker("numerify", text="$#,###")

    class Meta:
        model = DegreeCost


class DegreeDeadlineFactory(ModelFactory[DegreeDeadline]):
    degree = factory.SubFactory(DegreeFactory)
    semester = factory.Iterator(["Fall", "Spring", "Summer"])
    name = "Application deadline"
    date = factory.Faker("date", pattern="%B %d, %Y")
    time = "11:59 PM ET"

    class Meta:
        model = DegreeDeadline


class CurriculumFactory(ModelFactory[Curriculum]):
    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Curriculum {n}")
    is_active = True
    marketing_text = factory.Faker("paragraph")
    marketing_text_brief = factory.Faker("sentence")

    class Meta:
        model = Curriculum


class CurriculumCourseMembershipFactory(ModelFactory[CurriculumCourseMembership]):
    curriculum = factory.SubFactory(CurriculumFactory)
    course = factory.SubFactory(CourseFactory, partner=factory.SelfAttribute("..curriculum.program.partner"))
    is_active = True

    class Meta:
        model = CurriculumCourseMembership


class CurriculumCourseRunExclusionFactory(ModelFactory[CurriculumCourseRunExclusion]):
    course_membership = factory.SubFactory(CurriculumCourseMembershipFactory)
    course_run = factory.SubFactory(CourseRunFactory, course=factory.SelfAttribute("..course_membership.course"))

    class Meta:
        model = CurriculumCourseRunExclusion


class CurriculumProgramMembershipFactory(ModelFactory[CurriculumProgramMembership]):
    curriculum = factory.SubFactory(CurriculumFactory)
    program = factory.SubFactory(ProgramFactory, partner=factory.SelfAttribute("..curriculum.program.partner"))
    is_active = True

    class Meta:
        model = CurriculumProgramMembership
