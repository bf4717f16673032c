"""Catalog reads: which catalogs a user sees, a catalog's members, its courses, and contains checks."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType as DjangoContentType
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from guardian.models import UserObjectPermission
from guardian.shortcuts import get_objects_for_user

from catalog.models import Catalog, CatalogMembership, ContentMetadata, ContentType
from catalog.models.catalogs import VIEW_PERMISSION
from catalog.selectors.matching import content_matching
from course_metadata.models import Course
from course_metadata.selectors.course_runs import course_runs
from course_metadata.selectors.courses import complete_courses, course_list
from dbkit.rows import Row, SubqueryCount, as_rows

COURSE_TYPES = (ContentType.COURSE, ContentType.COURSE_RUN)


def may_manage_catalogs(user: Any) -> bool:
    """Staff create, edit and delete catalogs (and see every catalog)."""
    return bool(user and user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def catalogs_visible_to(user: Any) -> QuerySet[Catalog]:
    """Catalogs ``user`` may read: every one for staff, those granted ``view_catalog`` otherwise."""
    if may_manage_catalogs(user):
        catalogs = Catalog.objects.all()
    elif user is None or not user.is_authenticated:
        catalogs = Catalog.objects.none()
    else:
        catalogs = get_objects_for_user(user, VIEW_PERMISSION, klass=Catalog, accept_global_perms=True)
    return catalogs.annotate(
        content_count=SubqueryCount(CatalogMembership.objects.filter(catalog_id=OuterRef("pk"))),
        courses_count=Coalesce(
            Subquery(
                CatalogMembership.objects.filter(catalog_id=OuterRef("pk"), content__content_type__in=COURSE_TYPES)
                .order_by()
                .values("catalog_id")
                .annotate(courses=Count("content__course_id", distinct=True))
                .values("courses"),
                output_field=IntegerField(),
            ),
            0,
        ),
    )


def catalog_courses_count(catalog: Catalog) -> int:
    """How many courses are in the catalog (the course or one of its runs is a member)."""
    return _catalog_course_ids(catalog).distinct().count()


def catalog_viewer_names(catalog_ids: Iterable[int]) -> dict[int, list[str]]:
    """Usernames granted ``view_catalog`` per catalog, for a whole page of catalogs in one query."""
    content_type = DjangoContentType.objects.get_for_model(Catalog)
    names: dict[int, list[str]] = {pk: [] for pk in catalog_ids}
    grants = (
        UserObjectPermission.objects.filter(
            content_type=content_type,
            permission__codename="view_catalog",
            object_pk__in=[str(pk) for pk in names],
        )
        .order_by("user__username")
        .values_list("object_pk", "user__username")
    )
    for object_pk, username in grants:
        names[int(object_pk)].append(username)
    return names


def catalog_members(catalog: Catalog) -> QuerySet[ContentMetadata]:
    return ContentMetadata.objects.filter(memberships__catalog_id=catalog.pk)


def _catalog_course_ids(catalog: Catalog) -> QuerySet:
    """Courses in the catalog: the course itself is a member, or one of its runs is."""
    return catalog_members(catalog).filter(content_type__in=COURSE_TYPES).values("course_id")


def catalog_preview_courses(catalog: Catalog) -> QuerySet[Course]:
    """The official courses the catalog's query selects now (the course or one of its runs matches), by key.

    For the admin's preview, which must show the effect of an edited query at once: the stored membership
    follows within a minute, through the change-log consumer.
    """
    matching = content_matching(catalog.parsed_query).filter(content_type__in=COURSE_TYPES)
    return (
        Course.objects.filter(draft=False, pk__in=matching.values("course_id"))
        .select_related("partner", "type")
        .order_by("key", "pk")
    )


def catalog_courses(catalog: Catalog) -> QuerySet:
    """The catalog's courses as course rows (page them, then ``complete_catalog_courses``)."""
    return course_list().filter(pk__in=_catalog_course_ids(catalog)).order_by("key", "pk")


def complete_catalog_courses(catalog: Catalog, page: Sequence[Any], *, now: dt.datetime) -> list[Row]:
    """A page of the catalog's courses with their runs that are not hidden (archived ones only if the
    catalog includes them) and everything the course representation nests."""
    runs = course_runs().official().filter(hidden=False)
    if not catalog.include_archived:
        runs = runs.filter(Q(end__isnull=True) | Q(end__gte=now))
    courses = as_rows(page)
    complete_courses(courses, runs=runs)
    return courses


def catalog_csv_documents(catalog: Catalog) -> QuerySet:
    """Stored documents of the runs of the catalog's courses (visible ones; archived only if included)."""
    runs = ContentMetadata.objects.filter(
        content_type=ContentType.COURSE_RUN, course_id__in=_catalog_course_ids(catalog), f_hidden=False
    )
    if not catalog.include_archived:
        runs = runs.exclude(f_availability="Archived")
    return runs.order_by("parent_key", "f_start", "content_key", "pk").values_list("body__document", flat=True)


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def catalog_contains(
    catalog: Catalog, *, course_ids: Sequence[str], course_run_ids: Sequence[str]
) -> dict[str, dict[str, bool]]:
    """``{"courses": {id: bool}}`` for every course id and run key given, as the incumbent answers (runs are
    listed under ``courses`` too)."""
    found = catalog_contents(catalog, course_ids=course_ids, course_run_ids=course_run_ids)
    return {"courses": {**found["courses"], **found["course_runs"]}}


def catalog_contents(
    catalog: Catalog, *, course_ids: Sequence[str], course_run_ids: Sequence[str]
) -> dict[str, dict[str, bool]]:
    """Which courses (by key or UUID) and runs (by key) are in the catalog.

    A course is in it when the course or one of its runs is a member; a run when it is a member or
    its course is (a catalog that holds a course holds its runs).
    """
    members = catalog_members(catalog)
    course_keys: dict[str, str] = {}
    if course_ids:
        uuids = {parsed: given for given in course_ids if (parsed := _as_uuid(given)) is not None}
        known = ContentMetadata.objects.filter(content_type=ContentType.COURSE).filter(
            Q(content_key__in=course_ids) | Q(uuid__in=list(uuids))
        )
        for key, content_uuid in known.values_list("content_key", "uuid"):
            if key in course_ids:
                course_keys[key] = key
            if content_uuid in uuids:
                course_keys[uuids[content_uuid]] = key
    run_parents = dict(
        ContentMetadata.objects.filter(content_type=ContentType.COURSE_RUN, content_key__in=course_run_ids).values_list(
            "content_key", "parent_key"
        )
    )
    wanted_courses = set(course_keys.values()) | set(run_parents.values())
    member_courses = set(
        members.filter(content_type=ContentType.COURSE, content_key__in=wanted_courses).values_list(
            "content_key", flat=True
        )
    )
    courses_with_runs = set(
        members.filter(content_type=ContentType.COURSE_RUN, parent_key__in=set(course_keys.values())).values_list(
            "parent_key", flat=True
        )
    )
    member_runs = set(
        members.filter(content_type=ContentType.COURSE_RUN, content_key__in=course_run_ids).values_list(
            "content_key", flat=True
        )
    )
    return {
        "courses": {
            given: given in course_keys
            and (course_keys[given] in member_courses or course_keys[given] in courses_with_runs)
            for given in course_ids
        },
        "course_runs": {key: key in member_runs or run_parents.get(key) in member_courses for key in course_run_ids},
    }
