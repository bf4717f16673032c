"""Seed the partner, organizations (each with its Publisher group), vocabularies and people."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.utils.text import slugify
from taggit.models import Tag

from course_metadata.demo.bulk import bulk_insert
from course_metadata.demo.context import SeedContext
from course_metadata.demo.vocabulary import LEVEL_TYPES, ORGANIZATION_SUFFIXES, SOURCES, SUBJECTS, TOPICS
from course_metadata.models import (
    Collaborator,
    LevelType,
    Organization,
    OrganizationExtension,
    Partner,
    Person,
    PersonAreaOfExpertise,
    PersonSocialNetwork,
    Position,
    Source,
    Subject,
    Topic,
)
from course_metadata.services.rows import row_save

PARTNER_DEFAULTS = {
    "name": "Lyceum Demo",
    "lms_url": "https://courses.example.org",
    "studio_url": "https://studio.example.org",
    "ecommerce_api_url": "https://ecommerce.example.org/api/v2/",
    "courses_api_url": "https://courses.example.org/api/courses/v1/",
    "organizations_api_url": "https://courses.example.org/api/organizations/v0/",
    "marketing_site_url_root": "https://www.example.org",
    "lms_admin_url": "https://courses.example.org/admin",
}


def seed_partner(short_code: str) -> Partner:
    partner, _created = Partner.objects.get_or_create(short_code=short_code, defaults=PARTNER_DEFAULTS)
    return partner


def seed_organizations(ctx: SeedContext, *, count: int) -> None:
    """Reuse the partner's organizations and add new ones up to ``count``, each with its Publisher group."""
    existing = list(Organization.objects.filter(partner=ctx.partner).order_by("pk"))
    taken = {organization.key for organization in existing}
    for _ in range(max(0, count - len(existing))):
        place = ctx.fake.unique.city()
        name = f"{place} {ctx.rng.choice(ORGANIZATION_SUFFIXES)}"
        key = _organization_key(place, taken)
        taken.add(key)
        organization = row_save(
            Organization(
                partner=ctx.partner,
                uuid=ctx.uuid(),
                key=key,
                name=name,
                description=ctx.text.paragraph(),
                homepage_url=f"https://www.{slugify(place)}.example.edu",
                marketing_url_path=f"school/{slugify(key)}",
                logo_image_url=ctx.image_url("organization/logos"),
                banner_image_url=ctx.image_url("organization/banners"),
                certificate_logo_image_url=ctx.image_url("organization/certificate_logos"),
                organization_hex_color=f"{ctx.rng.getrandbits(24):06x}",
                # Most organizations take part in subscriptions; the rest show what opting out does.
                enterprise_subscription_inclusion=ctx.rng.random() < 0.75,
                data_modified_timestamp=ctx.now,
            )
        )
        group, _created = Group.objects.get_or_create(name=f"{ctx.partner.short_code}: {key}")
        OrganizationExtension.objects.create(organization=organization, group=group)
        ctx.seeded.add(Organization, [organization.pk])
        ctx.seeded.add(OrganizationExtension, [organization.organization_extension.pk])
        existing.append(organization)
    ctx.organizations = existing
    ctx.organization_included = {org.pk: org.enterprise_subscription_inclusion for org in existing}


def _organization_key(place: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9]", "", place)[:12] + "X"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{n}"
    return key


def seed_vocabularies(ctx: SeedContext) -> None:
    """Subjects, topics (pages and course tags), level types, collaborators and sources, reused when present."""
    for name in SUBJECTS:
        subject, created = Subject.objects.get_or_create(
            partner=ctx.partner,
            slug=slugify(name),
            defaults={
                "name": name,
                "uuid": ctx.uuid(),
                "subtitle": ctx.text.sentence(),
                "description": ctx.text.paragraph(),
            },
        )
        ctx.subject_ids.append(subject.pk)
        if created:
            ctx.seeded.add(Subject, [subject.pk])
    for name in TOPICS:
        topic, created = Topic.objects.get_or_create(
            partner=ctx.partner,
            slug=slugify(name),
            defaults={
                "name": name,
                "uuid": ctx.uuid(),
                "subtitle": ctx.text.sentence(),
                "description": ctx.text.paragraph(),
            },
        )
        if created:
            ctx.seeded.add(Topic, [topic.pk])
        tag, _created = Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
        ctx.topic_tag_ids.append(tag.pk)
    for sort_value, name in enumerate(LEVEL_TYPES):
        level_type, _created = LevelType.objects.get_or_create(name=name, defaults={"sort_value": sort_value})
        ctx.level_type_ids.append(level_type.pk)
    for name, slug, description in SOURCES:
        source, _created = Source.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
        ctx.source_ids[slug] = source.pk
    collaborators = [
        {"uuid": ctx.uuid(), "name": ctx.fake.company(), "image_url": ctx.image_url("collaborators")} for _ in range(10)
    ]
    ctx.collaborator_ids = bulk_insert(Collaborator, collaborators)
    ctx.seeded.add(Collaborator, ctx.collaborator_ids)


def seed_people(ctx: SeedContext, *, count: int) -> None:
    """Instructors with a position at one of the organizations; some with expertise and a social link."""
    people, positions, expertise, networks = [], [], [], []
    for _ in range(count):
        given, family = ctx.fake.first_name(), ctx.fake.last_name()
        person_uuid = ctx.uuid()
        people.append(
            {
                "partner_id": ctx.partner.pk,
                "uuid": person_uuid,
                "salutation": ctx.rng.choice(["", "", "Dr.", "Prof."]),
                "given_name": given,
                "family_name": family,
                "slug": slugify(f"{given} {family} {person_uuid.hex[:8]}"),
                "email": f"{slugify(given)}.{slugify(family)}@example.edu",
                "bio": ctx.text.paragraph(),
                "profile_image_url": ctx.image_url("people"),
                "published": True,
            }
        )
    ctx.people_ids = bulk_insert(Person, people)
    ctx.seeded.add(Person, ctx.people_ids)
    for person in people:
        positions.append(
            {
                "person_id": person["id"],
                "title": ctx.fake.job()[:255],
                "organization_id": ctx.rng.choice(ctx.organizations).pk,
            }
        )
        if ctx.rng.random() < 0.5:
            expertise.append({"person_id": person["id"], "value": ctx.rng.choice(TOPICS)})
        if ctx.rng.random() < 0.3:
            handle = slugify(f"{person['given_name']}{person['family_name']}")
            networks.append(
                {"person_id": person["id"], "type": "twitter", "title": f"@{handle}", "url": f"https://x.com/{handle}"}
            )
    for model, rows in ((Position, positions), (PersonAreaOfExpertise, expertise), (PersonSocialNetwork, networks)):
        ctx.seeded.add(model, bulk_insert(model, rows))
