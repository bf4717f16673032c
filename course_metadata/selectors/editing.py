"""Who may edit which course: a question the domain asks and the Publisher app answers.

The rules live in publisher_api.permissions, which imports this app; this app may not import it back. So
the domain declares the questions here (``EditingRules``) and the Publisher app registers its answers at
start-up (``publisher_api.apps``). Until something registers, nobody edits anything and no draft is shown:
a missing registration fails closed. Every caller that asks "what may this user edit?" — ``?editable=1``
on courses and runs, the ``editable`` flag of a page's courses, the change feed's drafts — goes through
the same registered answer, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from course_metadata.models import Course


@dataclass(frozen=True)
class EditingRules:
    """The answers the Publisher app gives (each takes the request's user, possibly anonymous)."""

    # The rows ``?editable=1`` serves (the draft where one exists, else the official row) the user may edit.
    editable_courses: Callable[[Any], QuerySet[Course]]
    # The subset of the given course UUIDs the user may edit, in a few queries.
    editable_course_uuids: Callable[[Any, list[UUID]], set[UUID]]
    # Whether the user may see drafts at all (a Publisher user).
    may_read_drafts: Callable[[Any], bool]


def _nobody_edits(user: Any) -> QuerySet[Course]:
    return Course.objects.none()


CLOSED = EditingRules(
    editable_courses=_nobody_edits,
    editable_course_uuids=lambda user, uuids: set(),
    may_read_drafts=lambda user: False,
)

_rules: EditingRules = CLOSED


def register_editing_rules(rules: EditingRules) -> None:
    """Called once by the app that owns the rules, from its ``AppConfig.ready()``."""
    global _rules
    _rules = rules


def editable_course_uuids(user: Any, uuids: Iterable[UUID]) -> set[UUID]:
    """The subset of ``uuids`` whose course ``user`` may edit in Publisher."""
    uuids = list(uuids)
    if not uuids or user is None or not user.is_authenticated:
        return set()
    return _rules.editable_course_uuids(user, uuids)


def editable_course_rows(user: Any) -> QuerySet[Course]:
    """The rows ``?editable=1`` serves (drafts where they exist, else officials) that ``user`` may edit."""
    return _rules.editable_courses(user)


def may_read_drafts(user: Any) -> bool:
    """Only Publisher users (staff, legal reviewers, organization members) ever see a draft."""
    return _rules.may_read_drafts(user)
