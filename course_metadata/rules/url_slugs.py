"""A course's URL slug is unique within its partner: a free slug is derived from the title.

The incumbent does the same: the title's slug, or, when another course of the partner already uses it
(now or in its slug history, whose old URLs still redirect), the first free one of ``-2``, ``-3``, ...
The course's own rows (draft and official share a UUID) never count as a clash, so both keep one slug.
"""

from __future__ import annotations

from uuid import UUID

from django.utils.text import slugify

MAX_LENGTH = 255


def free_course_url_slug(*, partner_id: int, course_uuid: UUID, title: str, fallback: str = "") -> str:
    """The slug for a course titled ``title``: its slug, suffixed with the first free number if taken.

    ``fallback`` (the course key) gives the slug when the title has no letters or digits to slug.
    """
    from course_metadata.models import Course, CourseUrlSlugHistory

    base = (slugify(title) or slugify(fallback.replace("+", "-")))[:MAX_LENGTH].strip("-")
    if not base:
        return ""
    taken = set(
        Course.objects.filter(partner_id=partner_id, url_slug__startswith=base)
        .exclude(uuid=course_uuid)
        .values_list("url_slug", flat=True)
    )
    taken.update(
        CourseUrlSlugHistory.objects.filter(course__partner_id=partner_id, url_slug__startswith=base)
        .exclude(course__uuid=course_uuid)
        .values_list("url_slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1
