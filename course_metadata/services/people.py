"""Creating and changing people (the instructors Publisher adds to course runs).

Each write is one transaction; the change log records it through the tracked models, as every other write.
Who may write is the caller's concern (the Publisher API checks organization membership first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from course_metadata.models import (
    Organization,
    Partner,
    Person,
    PersonAreaOfExpertise,
    PersonSocialNetwork,
    Position,
)
from course_metadata.services.rows import row_save

# The person's own columns a write may set (``email`` is never taken: addresses are not kept from the API).
PERSON_FIELDS = (
    "salutation",
    "given_name",
    "family_name",
    "slug",
    "bio",
    "major_works",
    "profile_image_url",
    "published",
)
POSITION_FIELDS = ("title", "organization", "organization_override")


def person_create(
    *,
    fields: Mapping[str, Any],
    position: Mapping[str, Any] | None = None,
    urls_detailed: Sequence[Mapping[str, Any]] = (),
    areas_of_expertise: Sequence[Mapping[str, Any]] = (),
) -> Person:
    """A new, published person (as the incumbent: people created through the API are always published)."""
    organization = (position or {}).get("organization")
    with transaction.atomic():
        person = Person(partner=_partner_for(organization), **{**_person_fields(fields), "published": True})
        person.full_clean()
        row_save(person)
        if position is not None:
            _position_set(person, position)
        _networks_set(person, urls_detailed)
        _areas_set(person, areas_of_expertise)
    return person


def person_update(
    *,
    person: Person,
    fields: Mapping[str, Any],
    position: Mapping[str, Any] | None = None,
    urls_detailed: Sequence[Mapping[str, Any]] | None = None,
    areas_of_expertise: Sequence[Mapping[str, Any]] | None = None,
) -> Person:
    """Change what is given; ``None`` leaves a part alone. Lists replace: a social network or area of expertise
    not listed (by ``id``) is removed, one without ``id`` is added."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        for name, value in _person_fields(fields).items():
            setattr(person, name, value)
        if person.partner_id is None and position is not None and position.get("organization") is not None:
            person.partner = position["organization"].partner
        person.full_clean()
        row_save(person)
        if position is not None:
            _position_set(person, position)
        if urls_detailed is not None:
            _networks_set(person, urls_detailed)
        if areas_of_expertise is not None:
            _areas_set(person, areas_of_expertise)
    return person


def _person_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: _("A person has no field %(name)s.") % {"name": name} for name in unknown})
    return dict(fields)


def _partner_for(organization: Organization | None) -> Partner | None:
    if organization is not None:
        return organization.partner
    partners = list(Partner.objects.all()[:2])
    return partners[0] if len(partners) == 1 else None


def _position_set(person: Person, data: Mapping[str, Any]) -> None:
    position = Position.objects.filter(person=person).first() or Position(person=person)
    for name in POSITION_FIELDS:
        if name in data:
            setattr(position, name, data[name] if data[name] is not None or name == "organization" else "")
    position.full_clean()
    position.save()


def _owned_ids(model: type[Any], person: Person, rows: Sequence[Mapping[str, Any]], field: str) -> set[int]:
    ids = {row["id"] for row in rows if row.get("id") is not None}
    existing = set(model.objects.filter(person=person).values_list("pk", flat=True))
    strangers = ids - existing
    if strangers:
        raise ValidationError(
            {field: _("No %(ids)s of this person.") % {"ids": ", ".join(str(pk) for pk in sorted(strangers))}}
        )
    return ids


def _networks_set(person: Person, rows: Sequence[Mapping[str, Any]]) -> None:
    kept = _owned_ids(PersonSocialNetwork, person, rows, "urls_detailed")
    PersonSocialNetwork.objects.filter(person=person).exclude(pk__in=kept).delete()
    for row in rows:
        network = (
            PersonSocialNetwork.objects.get(pk=row["id"])
            if row.get("id") is not None
            else PersonSocialNetwork(person=person)
        )
        network.type = row.get("type") or PersonSocialNetwork.OTHERS
        network.title = row.get("title") or ""
        network.url = row["url"]
        network.full_clean()
        network.save()


def _areas_set(person: Person, rows: Sequence[Mapping[str, Any]]) -> None:
    kept = _owned_ids(PersonAreaOfExpertise, person, rows, "areas_of_expertise")
    PersonAreaOfExpertise.objects.filter(person=person).exclude(pk__in=kept).delete()
    for row in rows:
        area = (
            PersonAreaOfExpertise.objects.get(pk=row["id"])
            if row.get("id") is not None
            else PersonAreaOfExpertise(person=person)
        )
        area.value = row["value"]
        area.full_clean()
        area.save()
