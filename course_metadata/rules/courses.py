"""A course's number never changes, ``key_for_reruns`` is a course key, and a new course gets a free URL slug."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from course_metadata.models import Course


def check_course(course: Course) -> None:
    """The refusals (also run by ``Course.clean()``): a changed number, a ``key_for_reruns`` that is no key."""
    if course.pk and course.tracker.has_changed("number"):
        raise ValidationError({"number": _("A course's number cannot change after it is created.")})
    check_key_for_reruns(course)


def check_key_for_reruns(course: Course) -> None:
    """``key_for_reruns``, when set, must be a course key (org+number) that run keys can be built from."""
    from course_metadata.models.partners import KEY_PART_RE

    if not course.key_for_reruns:
        return
    org, plus, number = course.key_for_reruns.partition("+")
    if not (plus and KEY_PART_RE.match(org) and KEY_PART_RE.match(number)):
        raise ValidationError(
            {
                "key_for_reruns": (
                    _(
                        "'%(key_for_reruns)s' is not a course key. Use the form org+number (e.g. edX+CS101x); org and number may only contain letters, digits, '-', '_', '~', '.' and ':'."
                    )
                    % {"key_for_reruns": course.key_for_reruns}
                )
            },
            code="invalid_key_for_reruns",
        )


def default_course_url_slug(course: Course) -> None:
    """A course without a URL slug gets the first free one of its partner, from its title (or key)."""
    if course.url_slug:
        return
    from course_metadata.rules.url_slugs import free_course_url_slug

    course.url_slug = free_course_url_slug(
        partner_id=course.partner_id, course_uuid=course.uuid, title=course.title, fallback=course.key
    )
