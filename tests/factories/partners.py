"""Factories for partners (site tenants), organizations and their Publisher groups."""

from __future__ import annotations

import factory
from django.utils.text import slugify

from course_metadata.models import Organization, OrganizationExtension, Partner
from tests.factories.base import ModelFactory
from tests.factories.users import GroupFactory


class PartnerFactory(ModelFactory[Partner]):
    short_code = factory.Sequence(lambda n: f"partner{n}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    lms_url = "https://courses.example.org"
    studio_url = "https://studio.example.org"
    ecommerce_api_url = "https://ecommerce.example.org/api/v2/"
    courses_api_url = "https://courses.example.org/api/courses/v1/"
    organizations_api_url = "https://courses.example.org/api/organizations/v0/"
    marketing_site_url_root = "https://www.example.org"
    lms_admin_url = "https://courses.example.org/admin"

    class Meta:
        model = Partner


class OrganizationFactory(ModelFactory[Organization]):
    partner = factory.SubFactory(PartnerFactory)
    key = factory.Sequence(lambda n: f"Org{n}X")
    name = factory.Faker("company")
    slug = factory.LazyAttribute(lambda org: slugify(org.key))
    description = factory.Faker("paragraph")
    homepage_url = factory.Faker("url")
    marketing_url_path = factory.LazyAttribute(lambda org: f"school/{slugify(org.key)}")
    logo_image_url = factory.Faker("image_url")
    banner_image_url = factory.Faker("image_url")
    certificate_logo_image_url = factory.Faker("image_url")
    organization_hex_color = factory.Faker("hexify", text="^^^^^^")
    enterprise_subscription_inclusion = False

    class Meta:
        model = Organization
        # OrganizationFactory(partner=p, key="edX") returns edX if p already has it.
        django_get_or_create = ("partner", "key")


class OrganizationExtensionFactory(ModelFactory[OrganizationExtension]):
    organization = factory.SubFactory(OrganizationFactory)
    group = factory.SubFactory(
        GroupFactory,
        name=factory.LazyAttribute(
            lambda group: (
                f"{group.factory_parent.organization.partner.short_code} {group.factory_parent.organization.key}"
            )
        ),
    )

    class Meta:
        model = OrganizationExtension
