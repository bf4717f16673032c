"""Applying what Studio says about a run (its name, schedule, pacing, visibility) to the catalog.

Studio owns a run's schedule: when a course team publishes a course there, Studio announces the run's
catalog data, and this service writes it onto the run the way a loader does. An existing run gets the
values on its official row (the draft of a run being edited in Publisher keeps the author's values and takes
Studio's at publish, see course_metadata.services.draft_merge); a run that exists only as a draft (never
reviewed) is updated in place, without touching its review status. A run Lyceum does not know is created,
with its course (and the course's organization) when those are missing too.

Who calls this (an event-bus receiver, a loader) and whether a message is stale is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from course_metadata.models import Course, CourseRun, CourseRunPacing, Organization, Partner
from course_metadata.services.subscription_inclusion import subscription_inclusion_update

logger = logging.getLogger(__name__)

# Studio's pacing names and ours.
STUDIO_PACING = {"instructor": CourseRunPacing.INSTRUCTOR, "self": CourseRunPacing.SELF}

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class StudioCatalogInfo:
    """One run's catalog data as Studio publishes it (openedx-events' ``CourseCatalogData``, flattened)."""

    course_run_key: str
    name: str
    start: dt.datetime | None
    pacing: str
    end: dt.datetime | None = None
    enrollment_start: dt.datetime | None = None
    enrollment_end: dt.datetime | None = None
    hidden: bool = False

    def run_fields(self) -> dict[str, Any]:
        """The run columns Studio owns, with their new values."""
        pacing_type = STUDIO_PACING.get(self.pacing)
        if pacing_type is None:
            raise ValidationError(
                {
                    "pacing": _("Unknown pacing %(pacing)r for %(course_run_key)s; expected one of %(studio_pacing)s.")
                    % {
                        "pacing": self.pacing,
                        "course_run_key": self.course_run_key,
                        "studio_pacing": sorted(STUDIO_PACING),
                    }
                }
            )
        return {
            # As the incumbent's loader: the run's title is Studio's name (a Studio edit wins over Publisher's).
            "title_override": self.name,
            "start": self.start,
            "end": self.end,
            "enrollment_start": self.enrollment_start,
            "enrollment_end": self.enrollment_end,
            "pacing_type": pacing_type,
            "hidden": self.hidden,
        }


@dataclass(frozen=True)
class StudioCatalogResult:
    outcome: Outcome
    course_run: CourseRun
    changed_fields: tuple[str, ...] = ()
    course_created: bool = False


def course_key_of_run(course_run_key: str) -> str:
    """``org+number`` of a run key (``course-v1:edX+CS101+2T2024`` → ``edX+CS101``), or a ValidationError."""
    try:
        parsed = CourseKey.from_string(course_run_key)
    except InvalidKeyError as error:
        raise ValidationError(
            {
                "course_run_key": _("%(course_run_key)r is not a course run key (course-v1:ORG+NUMBER+RUN).")
                % {"course_run_key": course_run_key}
            }
        ) from error
    return Course.make_key(str(parsed.org), str(parsed.course))


def course_run_apply_studio_catalog(*, info: StudioCatalogInfo, partner: Partner | None = None) -> StudioCatalogResult:
    """Write Studio's catalog data onto the run ``info.course_run_key``, creating the run if it is new.

    ``partner`` is needed only to create a run whose course does not exist yet; without it a new course is
    refused. Raises ``ValidationError`` when the data does not fit (bad key, unknown pacing, a run whose key
    names a course other than the one it belongs to).
    """
    fields = info.run_fields()
    course_key = course_key_of_run(info.course_run_key)
    with transaction.atomic():
        runs = list(CourseRun.objects.select_for_update().filter(key=info.course_run_key).order_by("draft"))
        if runs:
            # The official row when there is one; otherwise the draft of a run never reviewed.
            course_run = runs[0]
            _check_run_belongs(course_run, course_key)
            changed = _assign(course_run, fields)
            if changed:
                course_run.full_clean(validate_unique=False)
                course_run.save()
                subscription_inclusion_update(course_runs=[course_run])
            return StudioCatalogResult("updated" if changed else "unchanged", course_run, tuple(changed))
        course, course_created = _course_for_new_run(course_key, info, partner)
        course_run = _create_run(course, fields, info.course_run_key)
        if course_created:
            Course.objects.filter(pk=course.pk).update(canonical_course_run=course_run)
            course.canonical_course_run = course_run
            subscription_inclusion_update(courses=[course], course_runs=[course_run])
        else:
            subscription_inclusion_update(course_runs=[course_run])
    logger.info(
        "studio catalog: created run %s%s", info.course_run_key, f" and course {course.key}" if course_created else ""
    )
    return StudioCatalogResult("created", course_run, tuple(fields), course_created=course_created)


def _assign(row: CourseRun, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def _check_run_belongs(course_run: CourseRun, course_key: str) -> None:
    course = course_run.course
    if course_key not in {course.key, course.key_for_reruns}:
        raise ValidationError(
            {
                "course_run_key": (
                    _(
                        "%(key)s belongs to course %(key_2)s, whose keys do not match %(course_key)s; fix the run's course in the admin before replaying the event."
                    )
                    % {"key": course_run.key, "key_2": course.key, "course_key": course_key}
                )
            }
        )


def _course_for_new_run(course_key: str, info: StudioCatalogInfo, partner: Partner | None) -> tuple[Course, bool]:
    """The course a new run joins: official if it has one, else its only draft; created when there is none."""
    matching = Course.objects.filter(Q(key=course_key) | Q(key_for_reruns=course_key))
    if partner is not None:
        matching = matching.filter(partner=partner)
    candidates = list(matching.select_for_update().order_by("draft", "pk"))
    officials = [course for course in candidates if not course.draft]
    if len(officials) > 1 or (not officials and len({c.uuid for c in candidates}) > 1):
        raise ValidationError(
            {
                "course_run_key": (
                    _(
                        "%(course_run_key)s: several courses match %(course_key)s (%(values)s); the run cannot be placed."
                    )
                    % {
                        "course_run_key": info.course_run_key,
                        "course_key": course_key,
                        "values": ", ".join(sorted({f"{c.partner_id}:{c.key}" for c in candidates})),
                    }
                )
            }
        )
    if candidates:
        return (officials or candidates)[0], False
    if partner is None:
        raise ValidationError(
            {
                "course_run_key": _("%(course_run_key)s: no course %(course_key)s and no partner to create it for.")
                % {"course_run_key": info.course_run_key, "course_key": course_key}
            }
        )
    org_key, _plus, number = course_key.partition("+")
    organization, _created = Organization.objects.get_or_create(
        partner=partner, key=org_key, defaults={"name": org_key}
    )
    course = Course(partner=partner, key=course_key, number=number, title=info.name or course_key)
    course.full_clean(validate_unique=False)
    course.save()
    course.authoring_organizations.set([organization])
    return course, True


def _create_run(course: Course, fields: dict[str, Any], key: str) -> CourseRun:
    # As a loader does: the type of the course's latest run is the best guess; none leaves it to type matching.
    latest = CourseRun.objects.filter(course=course).exclude(type=None).order_by("-created", "-pk").first()
    course_run = CourseRun(course=course, draft=course.draft, key=key, type=latest.type if latest else None, **fields)
    course_run.full_clean(validate_unique=False)
    course_run.save()
    return course_run


__all__ = [
    "StudioCatalogInfo",
    "StudioCatalogResult",
    "course_key_of_run",
    "course_run_apply_studio_catalog",
]
