"""Factories for credit pathways and learner pathways with their steps and nodes."""

from __future__ import annotations

from typing import Any

import factory

from course_metadata.models import (
    LearnerPathway,
    LearnerPathwayBlock,
    LearnerPathwayCourse,
    LearnerPathwayProgram,
    LearnerPathwayStep,
    Pathway,
    Program,
)
from tests.factories.base import ModelFactory
from tests.factories.courses import CourseFactory
from tests.factories.partners import PartnerFactory
from tests.factories.programs import ProgramFactory


class PathwayFactory(ModelFactory[Pathway]):
    partner = factory.SubFactory(PartnerFactory)
    name = factory.Faker("catch_phrase")
    org_name = factory.Faker("company")
    email = factory.Faker("email")
    description = factory.Faker("paragraph")
    destination_url = factory.Faker("url")
    pathway_type = Pathway.PathwayType.CREDIT
    status = Pathway.Status.PUBLISHED

    class Meta:
        model = Pathway
        skip_postgeneration_save = True

    @factory.post_generation
    def programs(self, create: bool, extracted: list[Program] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.programs.set(extracted)


class LearnerPathwayFactory(ModelFactory[LearnerPathway]):
    partner = factory.SubFactory(PartnerFactory)
    title = factory.Faker("catch_phrase")
    status = LearnerPathway.Status.ACTIVE
    overview = factory.Faker("paragraph")
    banner_image_url = factory.Faker("image_url")
    card_image_url = factory.Faker("image_url")

    class Meta:
        model = LearnerPathway


class LearnerPathwayStepFactory(ModelFactory[LearnerPathwayStep]):
    pathway = factory.SubFactory(LearnerPathwayFactory)
    min_requirement = 1
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = LearnerPathwayStep


class LearnerPathwayCourseFactory(ModelFactory[LearnerPathwayCourse]):
    step = factory.SubFactory(LearnerPathwayStepFactory)
    course = factory.SubFactory(CourseFactory, partner=factory.SelfAttribute("..step.pathway.partner"))
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = LearnerPathwayCourse


class LearnerPathwayProgramFactory(ModelFactory[LearnerPathwayProgram]):
    step = factory.SubFactory(LearnerPathwayStepFactory)
    program = factory.SubFactory(ProgramFactory, partner=factory.SelfAttribute("..step.pathway.partner"))
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = LearnerPathwayProgram


class LearnerPathwayBlockFactory(ModelFactory[LearnerPathwayBlock]):
    step = factory.SubFactory(LearnerPathwayStepFactory)
    course = factory.SubFactory(CourseFactory, partner=factory.SelfAttribute("..step.pathway.partner"))
    block_id = factory.LazyAttributeSequence(
        lambda block, n: "block-v1:{}+{}+type@sequential+block@{:032x}".format(*block.course.key.split("+", 1), n)
    )
    estimated_hours = factory.Faker("pyfloat", min_value=0.5, max_value=6, right_digits=1)

    class Meta:
        model = LearnerPathwayBlock
