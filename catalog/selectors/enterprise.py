"""Reads behind the enterprise-catalog endpoints: matching content keys as enterprise-catalog matches them,
a customer's catalogs, and the partners' LMS addresses the enrollment URLs are built on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from uuid import UUID

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery

from catalog.models import Catalog, CatalogMembership, ContentMetadata
from catalog.selectors.catalogs import catalog_members
from course_metadata.models import Partner


def _matching(keys: Sequence[str], prefix: str = "") -> Q:
    """Content matching any of ``keys`` as enterprise-catalog's ``get_matching_content`` does: the key itself,
    content whose parent has the key (a course key finds the course's runs), and the parent of content with
    the key (a run key finds its course)."""
    parents = ContentMetadata.objects.filter(content_key__in=keys).exclude(parent_key="").values("parent_key")
    return (
        Q(**{f"{prefix}content_key__in": keys})
        | Q(**{f"{prefix}parent_key__in": keys})
        | Q(**{f"{prefix}content_key__in": parents})
    )


def customer_catalogs(enterprise_uuid: UUID) -> QuerySet[Catalog]:
    return Catalog.objects.filter(enterprise_customer_uuid=enterprise_uuid).order_by("pk")


def catalogs_containing(catalog_ids: Iterable[int], keys: Sequence[str]) -> set[int]:
    """Which of these catalogs hold content matching one of ``keys`` (one query)."""
    if not keys:
        return set()
    members = CatalogMembership.objects.filter(catalog_id__in=list(catalog_ids)).filter(_matching(keys, "content__"))
    return set(members.values_list("catalog_id", flat=True).distinct())


def enterprise_members(catalog: Catalog, keys: Sequence[str] = ()) -> QuerySet[ContentMetadata]:
    """The catalog's members (those matching ``keys`` when given) with their documents and membership date."""
    members = catalog_members(catalog)
    if keys:
        members = members.filter(_matching(keys))
    return (
        members.select_related("body")
        .annotate(member_date_updated=F("memberships__date_updated"))
        .order_by("content_type", "content_key", "pk")
    )


def customer_member(
    catalogs: Sequence[Catalog], identifier: str, content_uuid: UUID | None
) -> tuple[Catalog, ContentMetadata] | None:
    """The first content of the customer's catalogs (in catalog order) with this UUID, or matching this key
    (the key itself first, then its course, then its runs), with the catalog it was found in."""
    if not catalogs:
        return None
    by_id = {catalog.pk: catalog for catalog in catalogs}
    memberships = CatalogMembership.objects.filter(catalog_id__in=list(by_id)).select_related("content__body")
    if content_uuid is not None:
        memberships = memberships.filter(content__uuid=content_uuid)
    else:
        memberships = memberships.filter(_matching([identifier], "content__"))
    # Bounded: one key matches a course, its runs and its parent, in each of the customer's catalogs.
    found = list(memberships.order_by("catalog_id", "content__content_type", "content__content_key", "pk")[:500])

    def rank(membership: CatalogMembership) -> tuple[int, int]:
        content = membership.content
        closeness = 0 if content.content_key == identifier or content_uuid is not None else 1
        if content.parent_key == identifier:
            closeness = 2
        return membership.catalog_id, closeness

    if not found:
        return None
    best = min(found, key=rank)
    return by_id[best.catalog_id], best.content


def with_last_content_change(catalogs: QuerySet[Catalog]) -> QuerySet[Catalog]:
    """Each catalog annotated with ``last_content_change``: its members' latest change (None while empty)."""
    latest = CatalogMembership.objects.filter(catalog_id=OuterRef("pk")).order_by("-date_updated")
    return catalogs.annotate(last_content_change=Subquery(latest.values("date_updated")[:1]))


def content_last_modified(catalog: Catalog) -> dt.datetime | None:
    """When the catalog's content last changed, as enterprise-catalog reports it (None while it is empty)."""
    return CatalogMembership.objects.filter(catalog_id=catalog.pk).aggregate(latest=Max("date_updated"))["latest"]


def partner_lms_urls(short_codes: Iterable[str]) -> dict[str, str]:
    """LMS root URL per partner short code (partners without one are left out)."""
    rows = Partner.objects.filter(short_code__in=set(short_codes)).exclude(lms_url="")
    return {code: url.rstrip("/") for code, url in rows.values_list("short_code", "lms_url")}
