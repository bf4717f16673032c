"""Factories for people, their positions, social networks and areas of expertise."""

from __future__ import annotations

import factory
from django.utils.text import slugify

from course_metadata.models import Person, PersonAreaOfExpertise, PersonSocialNetwork, Position
from tests.factories.base import ModelFactory
from tests.factories.partners import OrganizationFactory, PartnerFactory


class PersonFactory(ModelFactory[Person]):
    partner = factory.SubFactory(PartnerFactory)
    salutation = factory.Faker("random_element", elements=["", "Dr.", "Prof."])
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    slug = factory.LazyAttributeSequence(lambda person, n: slugify(f"{person.given_name} {person.family_name} {n}"))
    email = factory.Faker("email")
    bio = factory.Faker("paragraph", nb_sentences=4)
    major_works = factory.Faker("sentence")
    profile_image_url = factory.Faker("image_url")
    published = True

    class Meta:
        model = Person


class PositionFactory(ModelFactory[Position]):
    person = factory.SubFactory(PersonFactory)
    title = factory.Faker("job")
    organization = factory.SubFactory(OrganizationFactory, partner=factory.SelfAttribute("..person.partner"))

    class Meta:
        model = Position


class PersonSocialNetworkFactory(ModelFactory[PersonSocialNetwork]):
    person = factory.SubFactory(PersonFactory)
    type = PersonSocialNetwork.TWITTER
    title = factory.Faker("user_name")
    url = factory.Faker("url")

    class Meta:
        model = PersonSocialNetwork


class PersonAreaOfExpertiseFactory(ModelFactory[PersonAreaOfExpertise]):
    person = factory.SubFactory(PersonFactory)
    value = factory.Faker("bs")

    class Meta:
        model = PersonAreaOfExpertise
