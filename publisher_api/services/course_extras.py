"""The nested parts of a course edit: entitlements, ordered lists, tags and the marketing extras.

Everything here writes to the draft world only. Draftable extras (additional metadata, geolocation, ...)
are the draft's own rows and are edited in place; shared rows (Video, AdditionalPromoArea) may also be
referenced by the official course, so a change always points the draft at a new row instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from course_metadata.models import (
    AdditionalMetadata,
    AdditionalPromoArea,
    CertificateInfo,
    Collaborator,
    Course,
    CourseEntitlement,
    CourseLocationRestriction,
    Fact,
    GeoLocation,
    ProductMeta,
    ProductValue,
    Subject,
    Video,
)
from course_metadata.resources import Write, writable
from course_metadata.resources.courses import COURSE_DECLARATION
from course_metadata.services.rows import row_save

# The nested parts of a course Publisher writes, as the course declaration marks them.
NESTED_FIELDS = tuple(public.name for public in writable(COURSE_DECLARATION, Write.NESTED))

# Owned one-to-one extras: (course attribute, model, the fields a course team may set).
_OWNED_EXTRAS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "geolocation": (GeoLocation, ("location_name", "lat", "lng")),
    "location_restriction": (CourseLocationRestriction, ("restriction_type", "countries", "states")),
    "in_year_value": (
        ProductValue,
        ("per_click_usa", "per_click_international", "per_lead_usa", "per_lead_international"),
    ),
}


def apply_nested(*, course: Course, fields: Mapping[str, Any]) -> list[str]:
    """Apply the nested parts present in ``fields`` to the draft ``course``; return the names that changed."""
    changed: list[str] = []
    if "prices" in fields and set_entitlement_prices(course=course, prices=fields["prices"]):
        changed.append("prices")
    if "entitlements" in fields:
        prices = {item["mode"].slug: item["price"] for item in fields["entitlements"]}
        if set_entitlement_prices(course=course, prices=prices):
            changed.append("entitlements")
    for name in ("subjects", "collaborators"):
        if name in fields and _set_ordered(course, name, fields[name]):
            changed.append(name)
    if "topics" in fields and sorted(course.topics.names()) != sorted(set(fields["topics"])):
        course.topics.set(list(dict.fromkeys(fields["topics"])))
        changed.append("topics")
    if "video" in fields and _set_shared(course, "video", Video, fields["video"], ("src", "description", "image_url")):
        changed.append("video")
    if "extra_description" in fields and _set_shared(
        course, "extra_description", AdditionalPromoArea, fields["extra_description"], ("title", "description")
    ):
        changed.append("extra_description")
    for name, (model, allowed) in _OWNED_EXTRAS.items():
        if name in fields and _set_owned(course, name, model, fields[name], allowed):
            changed.append(name)
    if "additional_metadata" in fields and _set_additional_metadata(course, fields["additional_metadata"]):
        changed.append("additional_metadata")
    return changed


def set_entitlement_prices(*, course: Course, prices: Mapping[str, Decimal], create_missing: bool = False) -> bool:
    """Price the course's entitlements (``{"verified": "49.00"}``); modes must be ones its type sells."""
    allowed = {seat_type.slug: seat_type for seat_type in course.type.entitlement_types.all()} if course.type else {}
    unknown = sorted(set(prices) - set(allowed))
    if unknown:
        sold = ", ".join(sorted(allowed)) or "none"
        raise ValidationError(
            {
                "prices": _("The course type does not sell %(value1)s entitlements (it sells: %(sold)s).")
                % {"value1": ", ".join(unknown), "sold": sold}
            }
        )
    existing = {entitlement.mode.slug: entitlement for entitlement in course.entitlements.select_related("mode")}
    changed = False
    wanted = allowed if create_missing else {slug: allowed[slug] for slug in prices}
    for slug, seat_type in wanted.items():
        price = Decimal(str(prices.get(slug, existing[slug].price if slug in existing else "0.00")))
        if price < 0:
            raise ValidationError({"prices": _("The %(slug)s price cannot be negative.") % {"slug": slug}})
        entitlement = existing.get(slug)
        if entitlement is None:
            entitlement = CourseEntitlement(course=course, mode=seat_type, price=price, draft=course.draft)
        elif entitlement.price == price:
            continue
        entitlement.price = price
        entitlement.full_clean(validate_unique=False)
        row_save(entitlement)
        changed = True
    return changed


def _set_ordered(course: Course, name: str, targets: Sequence[Subject | Collaborator]) -> bool:
    manager = getattr(course, name)
    if list(manager.values_list("pk", flat=True)) == [target.pk for target in targets]:
        return False
    manager.set(list(targets))
    return True


def _clean_values(model: type[models.Model], values: Mapping[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError(
            {model._meta.model_name or "": _("Unknown fields: %(value1)s.") % {"value1": ", ".join(unknown)}}
        )
    return dict(values)


def _set_shared(
    course: Course, name: str, model: type[models.Model], values: Mapping[str, Any] | None, allowed: Sequence[str]
) -> bool:
    current = getattr(course, name)
    if values is None:
        if current is None:
            return False
        setattr(course, name, None)
        row_save(course)
        return True
    values = _clean_values(model, values, allowed)
    if current is not None and all(getattr(current, key) == value for key, value in values.items()):
        return False
    base = {key: getattr(current, key) for key in allowed} if current is not None else {}
    row = model(**{**base, **values})
    row.full_clean()
    row_save(row)
    setattr(course, name, row)
    row_save(course)
    return True


def _update_row(row: models.Model, values: Mapping[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    if changed:
        row.full_clean()
        row_save(row)
    return changed


def _set_owned(
    owner: Course | AdditionalMetadata,
    name: str,
    model: type[models.Model],
    values: Mapping[str, Any] | None,
    allowed: Sequence[str],
) -> bool:
    """Create, update or drop the row ``owner.<name>`` (a course's or its additional metadata's own extra).

    An object whose every value is null means none: the Publisher front end sends
    ``{"location_name": null, "lat": null, "lng": null}`` for a course without a geolocation."""
    if values is not None and all(value is None for value in values.values()):
        values = None
    current = getattr(owner, name)
    if values is None:
        if current is None:
            return False
        setattr(owner, name, None)
        row_save(owner)
        current.delete()
        return True
    values = _clean_values(model, values, allowed)
    if current is not None:
        return _update_row(current, values)
    row = model(**values, draft=owner.draft)
    row.full_clean()
    row_save(row)
    setattr(owner, name, row)
    row_save(owner)
    return True


def _set_additional_metadata(course: Course, values: Mapping[str, Any] | None) -> bool:
    if values is None:
        return _set_owned(course, "additional_metadata", AdditionalMetadata, None, ())
    values = dict(values)
    facts = values.pop("facts", None)
    certificate_info = values.pop("certificate_info", None)
    product_meta = values.pop("product_meta", None)
    metadata = course.additional_metadata
    changed = False
    if metadata is None:
        metadata = AdditionalMetadata(draft=course.draft)
        row_save(metadata)
        course.additional_metadata = metadata
        row_save(course)
        changed = True
    changed |= _update_row(metadata, _clean_values(AdditionalMetadata, values, AdditionalMetadata.PLAIN_FIELDS))
    if certificate_info is not None:
        changed |= _set_owned(metadata, "certificate_info", CertificateInfo, certificate_info, ("heading", "blurb"))
    if product_meta is not None:
        changed |= _set_owned(metadata, "product_meta", ProductMeta, product_meta, ("title", "description", "keywords"))
    if facts is not None:
        changed |= _set_facts(metadata, facts)
    return changed


def _set_facts(metadata: AdditionalMetadata, facts: Sequence[Mapping[str, Any]]) -> bool:
    current = list(metadata.facts.order_by("pk"))
    wanted = [_clean_values(Fact, fact, ("heading", "blurb")) for fact in facts]
    if [(fact.heading, fact.blurb) for fact in current] == [
        (fact.get("heading", ""), fact.get("blurb", "")) for fact in wanted
    ]:
        return False
    metadata.facts.clear()
    Fact.objects.filter(pk__in=[fact.pk for fact in current], draft=True).delete()
    new_facts = [row_save(Fact(draft=metadata.draft, **fact)) for fact in wanted]
    metadata.facts.add(*new_facts)
    return True


__all__ = ["NESTED_FIELDS", "apply_nested", "set_entitlement_prices"]
