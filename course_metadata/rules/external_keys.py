"""External course keys stay unique within a course, a curriculum and a program.

A university names a run with its own identifier (``MATH205-Fall20``) and uses it instead of the run key
when it talks to the platform about a program. The identifier is only useful if it is unambiguous, so:

* no two runs of one course share an external key;
* no two runs of courses in one curriculum share one;
* no two runs of courses in curricula of one program share one.

Draft rows are compared with draft rows and official rows with official rows. Curricula hold official
courses, so a draft run is placed in a curriculum through the official version of its course.

The checks run from ``clean()`` (admin forms, services calling ``full_clean()``) and from the write service
``row_save`` (every write path, ADR 0011). They cost nothing for the common case: a run without an external key returns at once, and
a membership or curriculum whose courses have no keyed runs stops after one or two small queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from course_metadata.models import Course, CourseRun, Curriculum, CurriculumCourseMembership, Program


@dataclass(frozen=True)
class KeyedRun:
    """A run that carries an external key, placed under the official identity of its course."""

    pk: int | None
    key: str
    external_key: str
    draft: bool
    course_id: int  # the official course for drafts that have one, else the run's own course


@dataclass(frozen=True)
class Placement:
    """A course's membership in a curriculum of a program."""

    course_id: int
    curriculum_id: int
    curriculum_name: str
    program_id: int
    program_title: str


def check_course_run_external_key(course_run: CourseRun) -> None:
    """Reject a run whose external key is already used by another run in its course, curricula or programs."""
    if not course_run.external_key or not course_run.course_id:
        return
    identity = course_identity(course_run.course)
    programs_with_course = CurriculumCourseMembership.objects.filter(course_id=identity).values(
        "curriculum__program_id"
    )
    placements = _placements(Q(curriculum__program_id__in=programs_with_course))
    incoming = [
        KeyedRun(
            pk=course_run.pk,
            key=course_run.key,
            external_key=course_run.external_key,
            draft=course_run.draft,
            course_id=identity,
        )
    ]
    message = find_clash(incoming, placements)
    if message:
        raise ValidationError({"external_key": message}, code="duplicate_external_key")


def check_curriculum_course_membership(membership: CurriculumCourseMembership) -> None:
    """Reject adding a course to a curriculum when one of its runs' external keys is already used there."""
    if not membership.course_id or not membership.curriculum_id:
        return
    identity = course_identity(membership.course)
    incoming = keyed_runs([identity])
    if not incoming:
        return
    curriculum = membership.curriculum
    others = Q(curriculum__program_id=curriculum.program_id)
    if membership.pk:
        # The row being saved may be changing its course or curriculum: use its new values, not the stored ones.
        others &= ~Q(pk=membership.pk)
    placements = [
        *_placements(others),
        Placement(identity, curriculum.pk, _curriculum_label(curriculum), curriculum.program_id, ""),
    ]
    message = find_clash(incoming, placements)
    if message:
        raise ValidationError({"course": message}, code="duplicate_external_key")


def check_curriculum(curriculum: Curriculum) -> None:
    """Reject moving (or re-activating) a curriculum into a program where its runs' external keys clash."""
    if not curriculum.pk or not curriculum.program_id:
        return
    own_course_ids = list(
        CurriculumCourseMembership.objects.filter(curriculum_id=curriculum.pk).values_list("course_id", flat=True)
    )
    if not own_course_ids:
        return
    incoming = keyed_runs(own_course_ids)
    if not incoming:
        return
    label = _curriculum_label(curriculum)
    placements = [
        *_placements(Q(curriculum__program_id=curriculum.program_id) & ~Q(curriculum_id=curriculum.pk)),
        *(Placement(course_id, curriculum.pk, label, curriculum.program_id, "") for course_id in own_course_ids),
    ]
    message = find_clash(incoming, placements)
    if message:
        raise ValidationError({"program": message}, code="duplicate_external_key")


def course_identity(course: Course) -> int:
    """The course curricula refer to: the official version of a draft, where there is one."""
    if not course.draft:
        return course.pk
    official_pk = Course.objects.filter(draft_version_id=course.pk).values_list("pk", flat=True).first()
    return official_pk or course.pk


def keyed_runs(course_ids: Iterable[int], external_keys: Iterable[str] | None = None) -> list[KeyedRun]:
    """Runs (official and draft) with an external key, of the given official courses and their drafts."""
    course_ids = set(course_ids)
    if not course_ids:
        return []
    official_of_draft = dict(
        Course.objects.filter(pk__in=course_ids, draft_version__isnull=False).values_list("draft_version_id", "pk")
    )
    runs = CourseRun.objects.filter(course_id__in=course_ids | set(official_of_draft)).exclude(
        Q(external_key__isnull=True) | Q(external_key="")
    )
    if external_keys is not None:
        runs = runs.filter(external_key__in=set(external_keys))
    return [
        KeyedRun(pk, key, external_key, draft, official_of_draft.get(course_id, course_id))
        for pk, key, external_key, draft, course_id in runs.values_list(
            "pk", "key", "external_key", "draft", "course_id"
        )
        if external_key is not None  # always: the query excludes runs without one
    ]


def find_clash(incoming: list[KeyedRun], placements: list[Placement]) -> str | None:
    """Describe the first clash between ``incoming`` runs and the runs their courses share a scope with."""
    if not incoming:
        return None
    scope = {placement.course_id for placement in placements} | {run.course_id for run in incoming}
    candidates = keyed_runs(scope, {run.external_key for run in incoming})
    curricula_of: dict[int, set[int]] = defaultdict(set)
    programs_of: dict[int, set[int]] = defaultdict(set)
    curriculum_names: dict[int, str] = {}
    program_of_curriculum: dict[int, int] = {}
    program_titles: dict[int, str] = {}
    for placement in placements:
        curricula_of[placement.course_id].add(placement.curriculum_id)
        programs_of[placement.course_id].add(placement.program_id)
        curriculum_names[placement.curriculum_id] = placement.curriculum_name
        program_of_curriculum[placement.curriculum_id] = placement.program_id
        if placement.program_title:
            program_titles[placement.program_id] = placement.program_title
    program_titles.update(_program_titles(set(program_of_curriculum.values()) - set(program_titles)))

    for run in sorted(incoming, key=lambda r: (r.key, r.draft)):
        for other in sorted(candidates, key=lambda r: (r.key, r.draft)):
            if other.draft != run.draft or other.external_key != run.external_key:
                continue
            if run.pk is not None and other.pk == run.pk:
                continue
            prefix = (
                f"External course key '{run.external_key}' of run {run.key}{' (draft)' if run.draft else ''} "
                f"is already used by run {other.key}"
            )
            if other.course_id == run.course_id:
                return f"{prefix} of the same course; external course keys must be unique within a course."
            shared_curricula = curricula_of[run.course_id] & curricula_of[other.course_id]
            if shared_curricula:
                curriculum_id = min(shared_curricula)
                program_id = program_of_curriculum[curriculum_id]
                return (
                    f"{prefix} in curriculum '{curriculum_names[curriculum_id]}' of program "
                    f"'{program_titles.get(program_id, program_id)}'; external course keys must be unique "
                    "within a curriculum."
                )
            shared_programs = programs_of[run.course_id] & programs_of[other.course_id]
            if shared_programs:
                program_id = min(shared_programs)
                other_curricula = sorted(
                    curriculum_names[c] for c in curricula_of[other.course_id] if program_of_curriculum[c] == program_id
                )
                return (
                    f"{prefix} in curriculum '{', '.join(other_curricula)}' of the same program "
                    f"'{program_titles.get(program_id, program_id)}'; external course keys must be unique "
                    "within a program."
                )
    return None


def _placements(condition: Q) -> list[Placement]:
    rows = CurriculumCourseMembership.objects.filter(condition).values_list(
        "course_id",
        "curriculum_id",
        "curriculum__name",
        "curriculum__uuid",
        "curriculum__program_id",
        "curriculum__program__title",
    )
    return [
        Placement(course_id, curriculum_id, name or f"Curriculum {uuid}", program_id, title)
        for course_id, curriculum_id, name, uuid, program_id, title in rows
    ]


def _program_titles(program_ids: set[int]) -> dict[int, str]:
    if not program_ids:
        return {}
    return dict(Program.objects.filter(pk__in=program_ids).values_list("pk", "title"))


def _curriculum_label(curriculum: Curriculum) -> str:
    return curriculum.name or f"Curriculum {curriculum.uuid}"
