"""Factories for vocabularies (subjects, topics, levels, collaborators, sources) and product types.

Product types default to the rows the data migration ships, looked up by slug, never new ones.
"""

from __future__ import annotations

import factory
from django.utils.text import slugify

from course_metadata.demo.vocabulary import SUBJECTS, TOPICS
from course_metadata.models import (
    Collaborator,
    CourseRunType,
    CourseType,
    LevelType,
    Mode,
    SeatType,
    Source,
    Subject,
    Topic,
    Track,
)
from tests.factories.base import ModelFactory
from tests.factories.partners import PartnerFactory


def _numbered(words: list[str], n: int) -> str:
    """A realistic name, made unique past the end of the list ("Physics", ..., "Physics 2")."""
    name = words[n % len(words)]
    return name if n < len(words) else f"{name} {n // len(words) + 1}"


class SubjectFactory(ModelFactory[Subject]):
    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: _numbered(SUBJECTS, n))
    slug = factory.LazyAttribute(lambda subject: slugify(subject.name))
    subtitle = factory.Faker("sentence", nb_words=6)
    description = factory.Faker("paragraph")
    banner_image_url = factory.Faker("image_url")
    card_image_url = factory.Faker("image_url")

    class Meta:
        model = Subject


class TopicFactory(ModelFactory[Topic]):
    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: _numbered(TOPICS, n))
    slug = factory.LazyAttribute(lambda topic: slugify(topic.name))
    subtitle = factory.Faker("sentence", nb_words=6)
    description = factory.Faker("paragraph")
    long_description = factory.Faker("text", max_nb_chars=600)
    banner_image_url = factory.Faker("image_url")

    class Meta:
        model = Topic


class LevelTypeFactory(ModelFactory[LevelType]):
    name = factory.Iterator(["Introductory", "Intermediate", "Advanced"])
    sort_value = factory.Sequence(lambda n: n)

    class Meta:
        model = LevelType
        django_get_or_create = ("name",)


class CollaboratorFactory(ModelFactory[Collaborator]):
    name = factory.Faker("company")
    image_url = factory.Faker("image_url")

    class Meta:
        model = Collaborator


class SourceFactory(ModelFactory[Source]):
    name = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.LazyAttribute(lambda source: slugify(source.name))
    description = factory.Faker("sentence")

    class Meta:
        model = Source
        django_get_or_create = ("slug",)


class SeatTypeFactory(ModelFactory[SeatType]):
    """``SeatTypeFactory(slug="credit")`` returns the shipped Credit seat type."""

    slug = "verified"
    name = factory.LazyAttribute(lambda seat_type: seat_type.slug.replace("-", " ").title())

    class Meta:
        model = SeatType
        django_get_or_create = ("slug",)


class ModeFactory(ModelFactory[Mode]):
    slug = "verified"
    name = factory.LazyAttribute(lambda mode: mode.slug.replace("-", " ").title())
    certificate_type = factory.SelfAttribute("slug")

    class Meta:
        model = Mode
        django_get_or_create = ("slug",)


class TrackFactory(ModelFactory[Track]):
    mode = factory.SubFactory(ModeFactory)
    seat_type = factory.SubFactory(SeatTypeFactory, slug=factory.SelfAttribute("..mode.slug"))

    class Meta:
        model = Track
        django_get_or_create = ("mode", "seat_type")


class CourseRunTypeFactory(ModelFactory[CourseRunType]):
    """Defaults to the shipped "Verified and Audit" run type; new slugs get new rows (without tracks)."""

    slug = "verified-and-audit"
    name = factory.LazyAttribute(lambda run_type: run_type.slug.replace("-", " ").capitalize())

    class Meta:
        model = CourseRunType
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    @factory.post_generation
    def tracks(self, create: bool, extracted: list[Track] | None, **kwargs: object) -> None:
        if create and extracted is not None:
            self.tracks.set(extracted)


class CourseTypeFactory(ModelFactory[CourseType]):
    """Defaults to the shipped "Verified and Audit" course type."""

    slug = "verified-and-audit"
    name = factory.LazyAttribute(lambda course_type: course_type.slug.replace("-", " ").capitalize())

    class Meta:
        model = CourseType
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    @factory.post_generation
    def course_run_types(self, create: bool, extracted: list[CourseRunType] | None, **kwargs: object) -> None:
        if create and extracted is not None:
            self.course_run_types.set(extracted)

    @factory.post_generation
    def entitlement_types(self, create: bool, extracted: list[SeatType] | None, **kwargs: object) -> None:
        if create and extracted is not None:
            self.entitlement_types.set(extracted)
