"""A program may not contain itself through its curricula, directly or through other programs.

Program A contains program B when a curriculum of A has a CurriculumProgramMembership for B. Following
those edges from B must never lead back to A, or anything that walks a program's structure (completion
rules, time estimates, the read API) would loop forever.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q

from course_metadata.models import Curriculum, CurriculumProgramMembership, Program


def check_curriculum_program_membership(membership: CurriculumProgramMembership) -> None:
    """Reject a membership that would make the curriculum's program contain itself."""
    if not membership.program_id or not membership.curriculum_id:
        return
    container_id = membership.curriculum.program_id
    # The row being saved may be changing its program or curriculum: use its new values, not the stored ones.
    exclude = Q(pk=membership.pk) if membership.pk else None
    path = _path(membership.program_id, container_id, exclude)
    if path is not None:
        raise ValidationError({"program": _message(container_id, path)}, code="program_cycle")


def check_curriculum(curriculum: Curriculum) -> None:
    """Reject moving a curriculum into a program that one of its member programs already contains."""
    if not curriculum.pk or not curriculum.program_id:
        return
    member_ids = CurriculumProgramMembership.objects.filter(curriculum_id=curriculum.pk).values_list(
        "program_id", flat=True
    )
    for member_id in sorted(set(member_ids)):
        # Edges of this curriculum still hang off its old program in the database; ignore them.
        path = _path(member_id, curriculum.program_id, Q(curriculum_id=curriculum.pk))
        if path is not None:
            raise ValidationError({"program": _message(curriculum.program_id, path)}, code="program_cycle")


def _path(start_id: int, target_id: int, exclude: Q | None) -> list[int] | None:
    """Programs from ``start_id`` to ``target_id`` along curriculum memberships, or None when unreachable.

    Breadth first, one query per level; real structures are one or two levels deep.
    """
    if start_id == target_id:
        return [start_id]
    parent: dict[int, int | None] = {start_id: None}
    frontier = {start_id}
    while frontier:
        edges = CurriculumProgramMembership.objects.filter(curriculum__program_id__in=frontier)
        if exclude is not None:
            edges = edges.exclude(exclude)
        next_frontier: set[int] = set()
        for container_id, member_id in sorted(edges.values_list("curriculum__program_id", "program_id")):
            if member_id in parent:
                continue
            parent[member_id] = container_id
            if member_id == target_id:
                path = [member_id]
                step = parent[member_id]
                while step is not None:
                    path.append(step)
                    step = parent[step]
                return list(reversed(path))
            next_frontier.add(member_id)
        frontier = next_frontier
    return None


def _message(container_id: int, path: list[int]) -> str:
    titles = dict(Program.objects.filter(pk__in={container_id, *path}).values_list("pk", "title"))
    container = titles.get(container_id, container_id)
    if len(path) == 1:
        return f"Program '{container}' cannot contain itself through its curricula."
    chain = " → ".join(f"'{titles.get(pk, pk)}'" for pk in path)
    return (
        f"Program '{container}' cannot contain program '{titles.get(path[0], path[0])}': "
        f"that program already contains it through its curricula ({chain})."
    )
