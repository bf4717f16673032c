"""Best-effort course type matching: infer a course's type and its runs' types from what they sell.

Loaders meet courses that predate course types. What such a course sells tells us most of its type: its
entitlements (course-level products) must be exactly the course type's entitlement types, and each run's
seats must be exactly the seat types of one of the run types the course type allows. Among the course
types that fit, the most specific wins (the one allowing the fewest run types): a course with audit-only
runs and a verified entitlement is "Verified and Audit", not "Credit". When nothing fits, or two equally
specific types fit, the course is left alone and the failure is logged for someone to look at.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from course_metadata.models import Course, CourseRun, CourseRunType, CourseType
from course_metadata.services.rows import row_save

logger = logging.getLogger(__name__)

FAILURE_MESSAGE = "Calculating course type failure occurred for [%s]."


@dataclass(frozen=True)
class CourseTypeShape:
    """A course type reduced to what matching compares: seat type ids of entitlements and of each run type."""

    course_type: CourseType
    entitlement_seat_types: frozenset[int]
    # (run type, seat type ids of its tracks), least tracks first so a plain run type beats a variant of it
    # whose extra tracks sell nothing.
    run_types: tuple[tuple[CourseRunType, frozenset[int]], ...]

    def run_type_for(self, seat_types: frozenset[int]) -> CourseRunType | None:
        for run_type, run_seat_types in self.run_types:
            if run_seat_types == seat_types:
                return run_type
        return None


def course_type_shapes() -> list[CourseTypeShape]:
    """Every course type with what matching needs, in three queries; pass it on when matching many courses."""
    shapes = []
    course_types = CourseType.objects.prefetch_related("entitlement_types", "course_run_types__tracks").order_by("pk")
    for course_type in course_types:
        run_types = sorted(course_type.course_run_types.all(), key=lambda rt: (len(rt.tracks.all()), rt.pk))
        shapes.append(
            CourseTypeShape(
                course_type=course_type,
                entitlement_seat_types=frozenset(seat_type.pk for seat_type in course_type.entitlement_types.all()),
                run_types=tuple(
                    (rt, frozenset(track.seat_type_id for track in rt.tracks.all() if track.seat_type_id))
                    for rt in run_types
                ),
            )
        )
    return shapes


def course_type_fit(
    *,
    shapes: Sequence[CourseTypeShape],
    course_type_id: int | None,
    entitlement_types: frozenset[int],
    run_seat_types: dict[int, frozenset[int]],
    force: bool = False,
) -> tuple[CourseTypeShape, dict[int, CourseRunType]] | None:
    """The course type (and each seated run's run type) that what a course sells fits; None when none or two do.

    Pure: ``run_seat_types`` maps each run's pk to the seat type ids it sells (runs without seats say nothing).
    """
    seated = [pk for pk, seat_types in run_seat_types.items() if seat_types]
    candidates = shapes
    if course_type_id is not None and not force:
        candidates = [shape for shape in shapes if shape.course_type.pk == course_type_id]

    fits: list[tuple[CourseTypeShape, dict[int, CourseRunType]]] = []
    for shape in candidates:
        if shape.entitlement_seat_types != entitlement_types:
            continue
        assignment: dict[int, CourseRunType] = {}
        for run_pk in seated:
            run_type = shape.run_type_for(run_seat_types[run_pk])
            if run_type is None:
                break
            assignment[run_pk] = run_type
        else:
            fits.append((shape, assignment))

    fits.sort(key=lambda fit: (len(fit[0].run_types), fit[0].course_type.pk))
    ambiguous = len(fits) > 1 and len(fits[0][0].run_types) == len(fits[1][0].run_types)
    if not fits or ambiguous:
        return None
    return fits[0]


def course_type_match(*, course: Course, force: bool = False, shapes: Sequence[CourseTypeShape] | None = None) -> bool:
    """Give ``course`` and its runs the course type and run types their products fit; False when none does.

    Only unset types are written unless ``force`` is true; a course whose type is already set (and not
    forced) is only matched against that type, to fill in its runs. Runs without seats say nothing about
    their type and are left as they are (a mismatch the domain allows).
    """
    if shapes is None:
        shapes = course_type_shapes()
    entitlement_types = frozenset(course.entitlements.values_list("mode_id", flat=True))
    runs: list[CourseRun] = list(course.course_runs.prefetch_related("seats").order_by("pk"))
    run_seat_types = {run.pk: frozenset(seat.type_id for seat in run.seats.all()) for run in runs}
    seated_runs = [run for run in runs if run_seat_types[run.pk]]
    fit = course_type_fit(
        shapes=shapes,
        course_type_id=course.type_id,
        entitlement_types=entitlement_types,
        run_seat_types=run_seat_types,
        force=force,
    )
    if fit is None:
        logger.warning(FAILURE_MESSAGE, course.key)
        return False

    shape, assignment = fit
    with transaction.atomic():
        if (force or course.type_id is None) and course.type_id != shape.course_type.pk:
            course.type = shape.course_type
            row_save(course, update_fields=["type"])
        for run in seated_runs:
            run_type = assignment[run.pk]
            if (force or run.type_id is None) and run.type_id != run_type.pk:
                run.type = run_type
                row_save(run, update_fields=["type"])
    return True
