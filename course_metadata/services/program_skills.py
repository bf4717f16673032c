"""When a program's skills must be recomputed: on its first publication, or when its overview changes.

Skill tagging reads a program's overview; nothing else about a program matters to it. The decision is
taken by the writers of programs (the admin, ``program_update``, loaders) around their write, comparing
what the program was before with what it is after; ``save()`` and signal handlers decide nothing. The
announcement, ``course_metadata.signals.program_skills_update_requested``, goes out after the commit, so a
rolled-back write announces nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from course_metadata.models import Program, ProgramStatus
from course_metadata.services.rows import row_save
from course_metadata.services.subscription_inclusion import subscription_inclusion_update
from course_metadata.signals import program_skills_update_requested

logger = logging.getLogger(__name__)

# A program moving from one of these into ``active`` is published for the first time.
NOT_YET_PUBLISHED = {None, ProgramStatus.UNPUBLISHED}


@dataclass(frozen=True)
class ProgramSkillInputs:
    """What skill tagging depends on."""

    status: str
    overview: str


def program_skill_inputs(program_ids: Iterable[int | None]) -> dict[int, ProgramSkillInputs]:
    """The stored inputs of these programs (one query); call it before a write."""
    ids = [pk for pk in program_ids if pk is not None]
    if not ids:
        return {}
    rows = Program.objects.filter(pk__in=ids).values_list("pk", "status", "overview")
    return {pk: ProgramSkillInputs(status, overview) for pk, status, overview in rows}


def needs_skill_update(before: ProgramSkillInputs | None, after: ProgramSkillInputs) -> bool:
    """First published (created active, or unpublished → active), or an existing program's overview changed."""
    old_status = before.status if before else None
    if after.status == ProgramStatus.ACTIVE and old_status in NOT_YET_PUBLISHED:
        return True
    return before is not None and before.overview != after.overview


def program_skills_announce(*, before: Mapping[int, ProgramSkillInputs], programs: Iterable[Program]) -> list[Program]:
    """After a write of ``programs`` (``before`` read ahead of it): announce, on commit, those that need tagging."""
    programs = [program for program in programs if program.pk is not None]
    after = program_skill_inputs(program.pk for program in programs)
    announced = [
        program
        for program in programs
        if program.pk in after and needs_skill_update(before.get(program.pk), after[program.pk])
    ]
    for program in announced:
        transaction.on_commit(_sender(program), robust=True)
    return announced


@contextmanager
def program_skills_tracking(programs: Iterable[Program]) -> Iterator[list[Program]]:
    """Around a write of existing or new ``programs``: announce the ones that need tagging afterwards."""
    programs = list(programs)
    before = program_skill_inputs(program.pk for program in programs)
    announced: list[Program] = []
    yield announced
    announced.extend(program_skills_announce(before=before, programs=programs))


def program_update(*, program: Program, fields: Mapping[str, Any]) -> Program:
    """Edit a program's own fields (validated, one transaction); announces skill tagging when it is due."""
    editable = {field.name for field in Program._meta.concrete_fields if field.editable and not field.primary_key}
    unknown = sorted(set(fields) - editable)
    if unknown:
        raise ValidationError({name: "This field cannot be edited here." for name in unknown})
    with transaction.atomic(), program_skills_tracking([program]):
        changed = False
        for name, value in fields.items():
            if getattr(program, name) != value:
                setattr(program, name, value)
                changed = True
        if changed:
            program.full_clean(validate_unique=False)
            row_save(program)
            subscription_inclusion_update(programs=[program])
    return program


def _sender(program: Program) -> Callable[[], None]:
    # A function, not a partial: Django logs a failing robust callback by its __qualname__.
    def send_program_skills_update_requested() -> None:
        logger.info("program %s: skills update requested", program.uuid)
        program_skills_update_requested.send(sender=Program, program_uuid=program.uuid, program_id=program.pk)

    return send_program_skills_update_requested
