"""Creating, editing and deleting catalogs, and keeping each catalog's query index in step with its query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from catalog.models import Catalog, CatalogQueryIndex
from catalog.selectors.matching import encode_value
from course_metadata.tasks.handoff import hand_off

EDITABLE_FIELDS = ("title", "query", "include_archived", "enterprise_customer_uuid")


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

    # Handed off without waiting for the broker: a committed catalog edit is never answered with an error.
    transaction.on_commit(lambda: hand_off(refresh_catalog_membership, catalog_id))


def catalog_create(
    *,
    title: str,
    query: dict[str, Any] | str,
    include_archived: bool = False,
    enterprise_customer_uuid: UUID | None = None,
    viewers: Iterable[AbstractBaseUser] = (),
) -> Catalog:
    """Create a catalog; its membership is computed by a task once the transaction commits."""
    catalog = Catalog(
        title=title, query=query, include_archived=include_archived, enterprise_customer_uuid=enterprise_customer_uuid
    )
    catalog.full_clean()
    with transaction.atomic():
        catalog.save()
        catalog_index_rebuild(catalog=catalog)
        catalog_viewers_set(catalog=catalog, viewers=viewers)
        _schedule_membership_refresh(catalog.pk)
    return catalog


def catalog_update(*, catalog: Catalog, viewers: Iterable[AbstractBaseUser] | None = None, **changes: Any) -> Catalog:
    """Change a catalog's fields (``EDITABLE_FIELDS``) and, when given, its viewers.

    A changed query re-indexes the catalog and recomputes its membership after commit.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"catalog_update() cannot change {', '.join(sorted(unknown))}")
    query_changed = "query" in changes and changes["query"] != catalog.query
    for name, value in changes.items():
        setattr(catalog, name, value)
    catalog.full_clean()
    with transaction.atomic():
        catalog.save()
        if query_changed:
            catalog_index_rebuild(catalog=catalog)
            _schedule_membership_refresh(catalog.pk)
        if viewers is not None:
            catalog_viewers_set(catalog=catalog, viewers=viewers)
    return catalog


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
