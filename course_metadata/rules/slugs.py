"""Rows addressed by a slug get one from their own name when a writer leaves it empty."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.text import slugify

if TYPE_CHECKING:
    from course_metadata.models import Organization, Person, Program, Subject, Topic


def default_organization_slug(organization: Organization) -> None:
    if not organization.slug:
        organization.slug = slugify(organization.key)


def default_program_marketing_slug(program: Program) -> None:
    if not program.marketing_slug:
        program.marketing_slug = slugify(program.title)[:255]


def default_person_slug(person: Person) -> None:
    """Name plus the start of the uuid, so namesakes do not clash."""
    if not person.slug:
        person.slug = slugify(f"{person.full_name}-{str(person.uuid)[:8]}")


def default_named_slug(row: Subject | Topic) -> None:
    if not row.slug:
        row.slug = slugify(row.name)
