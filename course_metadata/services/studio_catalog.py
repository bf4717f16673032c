"""Applying what Studio says about a run (its name, schedule, pacing, visibility) to the catalog.

Studio owns a run's schedule: when a course team publishes a course there, Studio announces the run's
catalog data, and this service writes it through the LMS loader's own service, ``course_runs_upsert``: an
existing run gets the values on its official row, and a draft being edited in Publisher takes them where
the author has not changed them (the author's values stay); a run that exists only as a draft (never
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
from django.utils.translation import gettext as _

from course_metadata.models import CourseRun, CourseRunPacing, Partner
from course_metadata.rules.run_keys import run_key_course_part
from course_metadata.services.course_run_upsert import RunInput, course_runs_upsert

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
    part = run_key_course_part(course_run_key) if course_run_key.startswith("course-v1:") else None
    if part is None:
        raise ValidationError(
            {
                "course_run_key": _("%(course_run_key)r is not a course run key (course-v1:ORG+NUMBER+RUN).")
                % {"course_run_key": course_run_key}
            }
        )
    return part


def course_run_apply_studio_catalog(*, info: StudioCatalogInfo, partner: Partner | None = None) -> StudioCatalogResult:
    """Write Studio's catalog data onto the run ``info.course_run_key``, creating the run if it is new.

    The run goes through ``course_runs_upsert``, the LMS loader's own write path, with the rows it reads
    locked. ``partner`` is needed only to create a run whose course does not exist yet; without it a new
    course is refused. Raises ``ValidationError`` when the data does not fit (bad key, unknown pacing, a run
    whose key names a course other than the one it belongs to).
    """
    fields = info.run_fields()
    course_key = course_key_of_run(info.course_run_key)
    item = RunInput(key=info.course_run_key, run=fields, course={"title": info.name or course_key})
    [result] = course_runs_upsert(partner=partner, inputs=[item], lock=True).results
    if result.error is not None:
        raise ValidationError({"course_run_key": result.error.messages})
    course_run = result.course_run or CourseRun.objects.filter(key=info.course_run_key).order_by("draft").first()
    assert course_run is not None
    if result.outcome == "created":
        logger.info(
            "studio catalog: created run %s%s",
            info.course_run_key,
            f" and course {course_key}" if result.course_created else "",
        )
    outcome: Outcome = "created" if result.outcome == "created" else "updated" if result.changed else "unchanged"
    return StudioCatalogResult(outcome, course_run, result.changed, course_created=result.course_created)


__all__ = [
    "StudioCatalogInfo",
    "StudioCatalogResult",
    "course_key_of_run",
    "course_run_apply_studio_catalog",
]
