"""Factories for courses, their entitlements, slug history and editors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import factory
from django.utils.text import slugify

from course_metadata.models import (
    Collaborator,
    Course,
    CourseEditor,
    CourseEntitlement,
    CourseUrlSlugHistory,
    Organization,
    Subject,
)
from course_metadata.services.subscription_inclusion import subscription_inclusion_update
from tests.factories.base import ModelFactory
from tests.factories.partners import OrganizationFactory, PartnerFactory
from tests.factories.taxonomy import CourseTypeFactory, LevelTypeFactory, SeatTypeFactory
from tests.factories.users import UserFactory

# What the shipped entitlement seat types usually cost.
DEFAULT_PRICES = {"audit": Decimal("0.00"), "honor": Decimal("0.00"), "verified": Decimal("149.00")}


class CourseFactory(ModelFactory[Course]):
    """A course keyed ``<authoring org key>+<number>``; the org is added to ``authoring_organizations``.

    Pass ``partner=`` or ``authoring_organization=`` (or both); the other follows. Pass
    ``authoring_organizations=[...]`` to choose the sorted list yourself.
    """

    partner = factory.SubFactory(PartnerFactory)
    authoring_organization = factory.SubFactory(OrganizationFactory, partner=factory.SelfAttribute("..partner"))
    number = factory.Sequence(lambda n: f"CS{100 + n}x")
    key = factory.LazyAttribute(lambda course: Course.make_key(course.authoring_organization.key, course.number))
    title = factory.Faker("catch_phrase")
    url_slug = factory.LazyAttributeSequence(lambda course, n: slugify(f"{course.title} {n}")[:255])
    short_description = factory.Faker("sentence", nb_words=14)
    full_description = factory.Faker("paragraph", nb_sentences=6)
    outcome = factory.Faker("paragraph", nb_sentences=3)
    prerequisites_raw = factory.Faker("sentence")
    level_type = factory.SubFactory(LevelTypeFactory)
    image_url = factory.Faker("image_url")
    card_image_url = factory.Faker("image_url")
    type = factory.SubFactory(CourseTypeFactory)
    enrollment_count = factory.Faker("pyint", min_value=0, max_value=50_000)

    class Meta:
        model = Course
        skip_postgeneration_save = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        organization = kwargs.get("authoring_organization")
        if organization is not None and organization.partner_id and organization.partner_id != kwargs["partner"].pk:
            # An organization was passed without its partner: the course belongs where its organization does.
            kwargs["partner"] = organization.partner
        return kwargs

    @classmethod
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Course:
        organization = kwargs.pop("authoring_organization")
        course = super()._build(model_class, *args, **kwargs)
        course._factory_authoring_organization = organization
        return course

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Course:
        organization = kwargs.pop("authoring_organization")
        course = super()._create(model_class, *args, **kwargs)
        course._factory_authoring_organization = organization
        return course

    @factory.post_generation
    def authoring_organizations(self, create: bool, extracted: list[Organization] | None, **kwargs: Any) -> None:
        if not create:
            return
        # ``self`` is the new course (set by _build/_create), though type checkers see the factory here.
        default = getattr(self, "_factory_authoring_organization")  # noqa: B009
        organizations = extracted if extracted is not None else [default]
        self.authoring_organizations.set(organizations)
        # A write path like any other: it calls the service that derives the subscription flags.
        subscription_inclusion_update(courses=[cast(Course, self)])

    @factory.post_generation
    def sponsoring_organizations(self, create: bool, extracted: list[Organization] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.sponsoring_organizations.set(extracted)

    @factory.post_generation
    def subjects(self, create: bool, extracted: list[Subject] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.subjects.set(extracted)

    @factory.post_generation
    def collaborators(self, create: bool, extracted: list[Collaborator] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.collaborators.set(extracted)

    @factory.post_generation
    def topics(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.topics.add(*extracted)


class CourseUrlSlugHistoryFactory(ModelFactory[CourseUrlSlugHistory]):
    course = factory.SubFactory(CourseFactory)
    url_slug = factory.Sequence(lambda n: f"old-course-slug-{n}")

    class Meta:
        model = CourseUrlSlugHistory


class CourseEntitlementFactory(ModelFactory[CourseEntitlement]):
    course = factory.SubFactory(CourseFactory)
    mode = factory.SubFactory(SeatTypeFactory, slug="verified")
    price = factory.LazyAttribute(lambda entitlement: DEFAULT_PRICES.get(entitlement.mode.slug, Decimal("249.00")))
    currency = "USD"
    sku = factory.Sequence(lambda n: f"ENT{n:07X}")
    draft = factory.SelfAttribute("course.draft")

    class Meta:
        model = CourseEntitlement


class CourseEditorFactory(ModelFactory[CourseEditor]):
    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)

    class Meta:
        model = CourseEditor
