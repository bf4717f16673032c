"""A course's URL slug is unique within its partner: a free slug is derived from the title.

The incumbent does the same: the title's slug, or, when another course of the partner already uses it
(now or in its slug history, whose old URLs still redirect), the first free one of ``-2``, ``-3``, ...
The course's own rows (draft and official share a UUID) never count as a clash, so both keep one slug.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import reduce
from operator import or_
from uuid import UUID

from django.db.models import Q
from django.utils.text import slugify

MAX_LENGTH = 255


def free_course_url_slug(*, partner_id: int, course_uuid: UUID, title: str, fallback: str = "") -> str:
    """The slug for a course titled ``title``: its slug, suffixed with the first free number if taken.

    ``fallback`` (the course key) gives the slug when the title has no letters or digits to slug.
    """
    return free_course_url_slugs(partner_id=partner_id, wanted=[(course_uuid, title, fallback)])[0]


def free_course_url_slugs(*, partner_id: int, wanted: Sequence[tuple[UUID, str, str]]) -> list[str]:
    """Free slugs for several new courses of one partner at once, (uuid, title, fallback) each, in order.

    Two queries (the partner's slugs and old slugs starting with any of the bases), whatever the number
    of courses; courses of the same batch do not take one another's slug.
    """
    from course_metadata.models import Course, CourseUrlSlugHistory

    bases = [
        (slugify(title) or slugify(fallback.replace("+", "-")))[:MAX_LENGTH].strip("-") for _, title, fallback in wanted
    ]
    owners: dict[str, set[UUID]] = defaultdict(set)
    distinct = sorted({base for base in bases if base})
    for start in range(0, len(distinct), 100):
        prefixes = reduce(or_, (Q(url_slug__startswith=base) for base in distinct[start : start + 100]))
        for slug, uuid in Course.objects.filter(prefixes, partner_id=partner_id).values_list("url_slug", "uuid"):
            owners[slug].add(uuid)
        for slug, uuid in CourseUrlSlugHistory.objects.filter(prefixes, course__partner_id=partner_id).values_list(
            "url_slug", "course__uuid"
        ):
            owners[slug].add(uuid)
    slugs = []
    for (course_uuid, _, _), base in zip(wanted, bases, strict=True):
        slug = _first_free(base, owners, course_uuid) if base else ""
        if slug:
            owners[slug].add(course_uuid)
        slugs.append(slug)
    return slugs


def _first_free(base: str, owners: dict[str, set[UUID]], course_uuid: UUID) -> str:
    def taken(candidate: str) -> bool:
        return bool(owners.get(candidate, set()) - {course_uuid})

    if not taken(base):
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if not taken(candidate):
            return candidate
        number += 1
