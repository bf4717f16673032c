"""Creating, editing and deleting catalogs, and keeping each catalog's query index in step with its query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID, uuid4

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Catalog, CatalogQueryIndex
from catalog.models.catalogs import query_hash
from catalog.selectors.matching import encode_value
from catalog.services.statements import increment
from course_metadata.tasks.handoff import hand_off

# Fields the enterprise content payloads are built from (enrollment URLs, UTM source): a change moves the
# catalog's content_version, so a client that syncs by version sees every item as changed (ADR 0100).
ENTERPRISE_PAYLOAD_FIELDS = (
    "enterprise_customer_uuid",
    "enterprise_customer_name",
    "enabled_course_modes",
    "publish_audit_enrollment_urls",
)
EDITABLE_FIELDS = (
    "title",
    "query",
    "include_archived",
    *ENTERPRISE_PAYLOAD_FIELDS,
    "catalog_query_uuid",
    "query_title",
)


# Fields in the order their values usually narrow content down: an identifier names one item, an
# organization or subject a few hundred, a content type or partner half of everything.
INDEX_FIELD_PRIORITY = (
    "key",
    "aggregation_key",
    "uuid",
    "title",
    "org",
    "organizations",
    "subjects",
    "program_type",
    "course_type",
    "level_type",
    "language",
    "seat_types",
    "first_enrollable_paid_seat_price",
    "start",
    "end",
    "pacing_type",
    "status",
    "availability",
    "partner",
    "content_type",
    "enterprise_subscription_inclusion",
    "hidden",
)


def index_field(candidate_keys: dict[str, frozenset[Any]]) -> str | None:
    """The candidate field to index a catalog by: the most selective by priority, then the fewest values."""
    if not candidate_keys:
        return None
    rank = {name: position for position, name in enumerate(INDEX_FIELD_PRIORITY)}
    return min(candidate_keys, key=lambda name: (rank.get(name, len(rank)), len(candidate_keys[name]), name))


def index_entries(catalog: Catalog) -> list[CatalogQueryIndex]:
    keys = catalog.parsed_query.candidate_keys()
    name = index_field(keys)
    if name is None:
        return []
    return [
        CatalogQueryIndex(catalog_id=catalog.pk, field=name, value=encoded)
        for encoded in sorted({encode_value(value) for value in keys[name]})
    ]


def catalog_index_rebuild(*, catalog: Catalog) -> None:
    """Store the query's index entries, or mark the catalog unindexable (no positive exact clause)."""
    entries = index_entries(catalog)
    CatalogQueryIndex.objects.filter(catalog_id=catalog.pk).delete()
    CatalogQueryIndex.objects.bulk_create(entries)
    catalog.query_unindexable = not entries
    Catalog.objects.filter(pk=catalog.pk).update(query_unindexable=catalog.query_unindexable)


def _schedule_membership_refresh(catalog_id: int) -> None:
    from catalog.tasks import refresh_catalog_membership

    # The request is recorded with the write, so it survives a broker that is down or a task that fails: the
    # task clears it on success and the periodic drain redoes what is still marked (ADR 0074).
    with transaction.atomic():
        Catalog.objects.filter(pk=catalog_id).update(membership_refresh_requested=timezone.now())
        # Handed off without waiting for the broker: a committed catalog edit is never answered with an error.
        transaction.on_commit(lambda: hand_off(refresh_catalog_membership, catalog_id))


def _shared_query_uuid(query: dict[str, Any] | str) -> UUID:
    """The query UUID catalogs with the same query already carry (enterprise-catalog shares one query record
    between them), else a new one."""
    same_query = Catalog.objects.filter(query_hash=query_hash(query), catalog_query_uuid__isnull=False)
    existing = same_query.order_by("pk").values_list("catalog_query_uuid", flat=True).first()
    return existing or uuid4()


def catalog_create(
    *,
    title: str,
    query: dict[str, Any] | str,
    uuid: UUID | None = None,
    include_archived: bool = False,
    enterprise_customer_uuid: UUID | None = None,
    enterprise_customer_name: str = "",
    enabled_course_modes: list[str] | None = None,
    publish_audit_enrollment_urls: bool = False,
    catalog_query_uuid: UUID | None = None,
    query_title: str | None = None,
    viewers: Iterable[AbstractBaseUser] = (),
) -> Catalog:
    """Create a catalog; its membership is computed by a task once the transaction commits.

    ``uuid`` is the caller's choice when given (edx-enterprise creates its catalogs under the UUIDs it holds);
    ``catalog_query_uuid`` is shared with catalogs of the same query when not given.
    """
    if uuid is not None and Catalog.objects.filter(uuid=uuid).exists():
        raise ValidationError({"uuid": _("A catalog with the UUID %(uuid)s exists already.") % {"uuid": uuid}})
    catalog = Catalog(
        title=title,
        query=query,
        include_archived=include_archived,
        enterprise_customer_uuid=enterprise_customer_uuid,
        enterprise_customer_name=enterprise_customer_name,
        enabled_course_modes=list(enabled_course_modes or []),
        publish_audit_enrollment_urls=publish_audit_enrollment_urls,
        query_title=query_title,
    )
    if uuid is not None:
        catalog.uuid = uuid
    catalog.full_clean()
    catalog.catalog_query_uuid = catalog_query_uuid or _shared_query_uuid(query)
    with transaction.atomic():
        catalog.save()
        catalog_index_rebuild(catalog=catalog)
        catalog_viewers_set(catalog=catalog, viewers=viewers)
        _schedule_membership_refresh(catalog.pk)
    return catalog


def catalog_update(*, catalog: Catalog, viewers: Iterable[AbstractBaseUser] | None = None, **changes: Any) -> Catalog:
    """Change a catalog's fields (``EDITABLE_FIELDS``) and, when given, its viewers.

    A changed query re-indexes the catalog and recomputes its membership after commit. A change of a field
    the enterprise payloads are built from moves ``content_version`` (every item's representation changed).
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"catalog_update() cannot change {', '.join(sorted(unknown))}")
    query_changed = "query" in changes and changes["query"] != catalog.query
    payload_changed = any(
        name in changes and changes[name] != getattr(catalog, name) for name in ENTERPRISE_PAYLOAD_FIELDS
    )
    for name, value in changes.items():
        setattr(catalog, name, value)
    catalog.full_clean()
    if "catalog_query_uuid" in changes and changes["catalog_query_uuid"] is None:
        # As enterprise-catalog does: no query UUID given, the query record of the same query is used.
        catalog.catalog_query_uuid = _shared_query_uuid(catalog.query)
    with transaction.atomic():
        catalog.save()
        if payload_changed:
            increment(Catalog, "content_version", [catalog.pk])
            catalog.refresh_from_db(fields=["content_version"])
        if query_changed:
            catalog_index_rebuild(catalog=catalog)
            _schedule_membership_refresh(catalog.pk)
        if viewers is not None:
            catalog_viewers_set(catalog=catalog, viewers=viewers)
    return catalog


def catalog_refresh(*, catalog: Catalog) -> str:
    """Re-evaluate the catalog's membership in the background (a repair: the change-log consumer keeps it
    current); returns an identifier of the request for the caller's log."""
    _schedule_membership_refresh(catalog.pk)
    return str(uuid4())


def viewer_users(usernames: Iterable[str]) -> list[AbstractBaseUser]:
    """The users named, creating those that do not exist yet (with no usable password), as the incumbent's
    catalog API does: a catalog may name its viewers before they first sign in."""
    user_model = get_user_model()
    names = sorted(set(usernames))
    users = {user.get_username(): user for user in user_model.objects.filter(username__in=names)}
    for name in names:
        if name not in users:
            user = user_model(username=name)
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
            users[name] = user
    return [users[name] for name in names]


def catalog_viewers_set(*, catalog: Catalog, viewers: Iterable[AbstractBaseUser]) -> None:
    """Make ``viewers`` exactly the users granted ``view_catalog`` on ``catalog`` (guardian object
    permissions): grants of users not listed are removed, missing ones added, the others left alone."""
    from guardian.shortcuts import assign_perm, remove_perm

    wanted = {user.pk: user for user in viewers}
    with transaction.atomic():
        current = {user.pk: user for user in catalog.viewers}
        for pk in current.keys() - wanted.keys():
            remove_perm("view_catalog", current[pk], catalog)
        for pk in wanted.keys() - current.keys():
            assign_perm("view_catalog", wanted[pk], catalog)


def catalog_delete(*, catalog: Catalog) -> None:
    """Delete a catalog with its index, membership and object permissions (guardian keeps those otherwise)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission

    content_type = ContentType.objects.get_for_model(Catalog)
    with transaction.atomic():
        for grants in (UserObjectPermission, GroupObjectPermission):
            grants.objects.filter(content_type=content_type, object_pk=str(catalog.pk)).delete()
        catalog.delete()
