"""Factories for Django users and groups."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from tests.factories.base import ModelFactory

DEFAULT_PASSWORD = "password"


class GroupFactory(ModelFactory[Group]):
    name = factory.Sequence(lambda n: f"Group {n}")

    class Meta:
        model = Group
        django_get_or_create = ("name",)


class UserFactory(ModelFactory[User]):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    is_active = True
    password = factory.django.Password(DEFAULT_PASSWORD)

    class Meta:
        model = User
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create: bool, extracted: list[Group] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*extracted)


class StaffUserFactory(UserFactory):
    is_staff = True


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True
