"""Creating, editing, submitting and deleting course runs through Publisher (always on the draft world)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from course_metadata.models import Course, CourseRun, CourseRunStatus, CourseRunType, Person, Seat
from course_metadata.resources import own_attrs
from course_metadata.resources.course_runs import RUN_DECLARATION
from course_metadata.rules.rich_text import rich_text_values
from course_metadata.services.drafts import course_ensure_draft, course_run_ensure_draft
from course_metadata.services.edit_locks import course_lock_for_edit, course_run_lock_for_edit
from course_metadata.services.rows import row_save
from course_metadata.services.subscription_inclusion import subscription_inclusion_update
from course_metadata.workflow import course_run_note_edit, course_run_transition
from publisher_api import permissions
from publisher_api.etags import require_if_match
from publisher_api.services.run_keys import derive_course_run_key, validate_supplied_key

# What a rerun inherits from the run it copies: content, not dates, keys, status or counts.
RERUN_COPIED_FIELDS = (
    "title_override",
    "short_description_override",
    "full_description_override",
    "outcome_override",
    "content_language",
    "transcript_languages",
    "ai_languages",
    "min_effort",
    "max_effort",
    "weeks_to_complete",
    "license",
    "mobile_available",
    "reporting_type",
    "eligible_for_financial_aid",
    "expected_program_name",
    "expected_program_type_id",
    "video_id",
    "fixed_price_usd",
)
# Run fields a course team (or, for the legal ones, a legal reviewer) edits, as the run declaration marks them.
RUN_FIELDS = own_attrs(RUN_DECLARATION)


def _check_run_type(course: Course, run_type: CourseRunType | None) -> None:
    if run_type is None or course.type is None:
        return
    if not course.type.course_run_types.filter(pk=run_type.pk).exists():
        raise ValidationError(
            {
                "run_type": _("A %(name)s course cannot have runs of type %(name2)s.")
                % {"name": course.type.name, "name2": run_type.name}
            }
        )


def _rerun_source(course: Course, rerun: str | None) -> CourseRun | None:
    runs = CourseRun.objects.filter(course=course)
    if rerun:
        source = runs.filter(key=rerun).first()
        if source is None:
            raise ValidationError(
                {"rerun": _("%(rerun)s is not a run of %(key)s.") % {"rerun": rerun, "key": course.key}}
            )
        return source
    return runs.exclude(start__isnull=True).order_by("-start", "-pk").first()


def _run_key(course: Course, start: dt.datetime, key: str | None) -> str:
    organization = course.authoring_organizations.first()
    if organization is None or organization.auto_generate_course_run_keys:
        if key:
            raise ValidationError({"key": _("This organization derives run keys from the start date; omit the key.")})
        return derive_course_run_key(course=course, start=start)
    return validate_supplied_key(key=key)


def course_run_create(
    *,
    user: AbstractBaseUser,
    course: Course,
    start: dt.datetime | None,
    run_type: CourseRunType,
    pacing_type: str,
    end: dt.datetime | None = None,
    external_key: str | None = None,
    key: str | None = None,
    rerun: str | None = None,
    prices: Mapping[str, Decimal] | None = None,
) -> CourseRun:
    """A new (draft) run of ``course``; when the course already has runs it copies ``rerun`` or the latest one."""
    if not permissions.can_create_course_run(user, course):
        raise PermissionDenied(_("You may not add runs to this course."))
    if start is None:
        raise ValidationError({"start": _("A run needs a start date.")})
    with transaction.atomic():
        # Under the course's lock like every other edit of it (see course_metadata.services.edit_locks).
        draft_course = course_ensure_draft(course=course_lock_for_edit(course=course))
        _check_run_type(draft_course, run_type)
        source = _rerun_source(draft_course, rerun)
        course_run = CourseRun(
            course=draft_course,
            draft=True,
            key=_run_key(draft_course, start, key),
            start=start,
            end=end,
            type=run_type,
            pacing_type=pacing_type,
            external_key=external_key or None,
            status=CourseRunStatus.UNPUBLISHED,
        )
        if source is not None:
            for attname in RERUN_COPIED_FIELDS:
                setattr(course_run, attname, getattr(source, attname))
        course_run.full_clean(validate_unique=False)
        row_save(course_run)
        subscription_inclusion_update(course_runs=[course_run])
        if source is not None:
            course_run.staff.set(list(source.staff.all()))
        _create_seats(course_run, source, prices or {})
    return course_run


def _default_price(course_run: CourseRun, source: CourseRun | None, slug: str) -> Decimal:
    if source is not None:
        seat = source.seats.filter(type__slug=slug).first()
        if seat is not None:
            return seat.price
    entitlement = course_run.course.entitlements.filter(mode__slug=slug).first()
    return entitlement.price if entitlement is not None else Decimal("0.00")


def _create_seats(course_run: CourseRun, source: CourseRun | None, prices: Mapping[str, Decimal]) -> None:
    seat_types = _seat_types(course_run)
    _refuse_unknown_prices(seat_types, prices)
    for slug, seat_type in seat_types.items():
        price = Decimal(str(prices[slug])) if slug in prices else _default_price(course_run, source, slug)
        Seat.objects.create(course_run=course_run, type=seat_type, price=price, draft=True)


def _seat_types(course_run: CourseRun) -> dict[str, Any]:
    if course_run.type is None:
        return {}
    return {
        track.seat_type.slug: track.seat_type
        for track in course_run.type.tracks.select_related("seat_type")
        if track.seat_type is not None
    }


def _refuse_unknown_prices(seat_types: Mapping[str, Any], prices: Mapping[str, Decimal]) -> None:
    unknown = sorted(set(prices) - set(seat_types))
    if unknown:
        sold = ", ".join(sorted(seat_types)) or "none"
        raise ValidationError(
            {
                "prices": _("This run type does not sell %(value1)s seats (it sells: %(sold)s).")
                % {"value1": ", ".join(unknown), "sold": sold}
            }
        )
    negative = sorted(slug for slug, price in prices.items() if Decimal(str(price)) < 0)
    if negative:
        raise ValidationError({"prices": _("Prices cannot be negative: %(value1)s.") % {"value1": ", ".join(negative)}})


def _set_seat_prices(course_run: CourseRun, prices: Mapping[str, Decimal]) -> bool:
    seat_types = _seat_types(course_run)
    _refuse_unknown_prices(seat_types, prices)
    changed = False
    for slug, price in prices.items():
        price = Decimal(str(price))
        seat = course_run.seats.filter(type__slug=slug).first()
        if seat is None:
            Seat.objects.create(course_run=course_run, type=seat_types[slug], price=price, draft=course_run.draft)
        elif seat.price != price:
            seat.price = price
            row_save(seat)
        else:
            continue
        changed = True
    return changed


def _set_upgrade_deadline_override(course_run: CourseRun, deadline: dt.datetime | None) -> bool:
    """The verified seat's ``upgrade_deadline_override``; a run without a verified seat has nothing to set."""
    seat = course_run.seats.filter(type__slug="verified").first()
    if seat is None or seat.upgrade_deadline_override == deadline:
        return False
    seat.upgrade_deadline_override = deadline
    row_save(seat)
    return True


def course_run_update(
    *,
    user: AbstractBaseUser,
    course_run: CourseRun,
    fields: Mapping[str, Any],
    staff: Sequence[Person] | None = None,
    prices: Mapping[str, Decimal] | None = None,
    status: str | None = None,
    submit: bool = False,
    if_match: str | None = None,
    upgrade_deadline_override: Sequence[dt.datetime | None] = (),
) -> CourseRun:
    """Edit the run's draft; ``submit`` (``draft=false``) sends it for review, ``status`` moves it in the workflow.

    ``upgrade_deadline_override`` (one value, or none to leave it) is set on the run's verified seat, as the
    incumbent's Publisher does.

    ``if_match`` is checked under the course's lock against the row this edit changes (see course_update).
    """
    with transaction.atomic():
        course_run = course_run_lock_for_edit(course_run=course_run)
        seats_touched = prices if prices is not None or not upgrade_deadline_override else {}
        _check_update_allowed(user, course_run, fields, staff=staff, prices=seats_touched, status=status, submit=submit)
        fields = {name: value for name, value in fields.items() if name != "key"}
        require_if_match(if_match, course_run)
        return _apply_update(
            user,
            course_run,
            fields,
            staff=staff,
            prices=prices,
            status=status,
            submit=submit,
            upgrade_deadline_override=upgrade_deadline_override,
        )


def _check_update_allowed(
    user: AbstractBaseUser,
    course_run: CourseRun,
    fields: Mapping[str, Any],
    *,
    staff: Sequence[Person] | None,
    prices: Mapping[str, Decimal] | None,
    status: str | None,
    submit: bool,
) -> None:
    if "key" in fields and fields["key"] != course_run.key:
        raise ValidationError({"key": _("A course run's key never changes once created.")})
    unknown = set(fields) - RUN_FIELDS - {"key"}
    if unknown:
        raise ValidationError({name: "This field cannot be edited through Publisher." for name in sorted(unknown)})
    touched = set(fields) - {"key"}
    touched |= ({"staff"} if staff is not None else set()) | ({"seats"} if prices is not None else set())
    course = course_run.course
    if touched and not permissions.can_edit_fields(user, course, touched, model="course_run"):
        raise PermissionDenied(_("You may not change these fields of this run."))
    if not touched and status is None and not permissions.can_edit_fields(user, course, (), model="course_run"):
        raise PermissionDenied(_("You may not edit this run."))
    moving = status is not None and status != course_run.status
    if moving and not permissions.can_change_run_status(user, course_run, status):  # type: ignore[arg-type]
        raise PermissionDenied(_("You may not move this run to %(status)s.") % {"status": status})
    if submit and not permissions.can_change_run_status(user, course_run, CourseRunStatus.LEGAL_REVIEW):
        raise PermissionDenied(_("You may not submit this run for review."))


def _apply_update(
    user: AbstractBaseUser,
    course_run: CourseRun,
    fields: Mapping[str, Any],
    *,
    staff: Sequence[Person] | None,
    prices: Mapping[str, Decimal] | None,
    status: str | None,
    submit: bool,
    upgrade_deadline_override: Sequence[dt.datetime | None] = (),
) -> CourseRun:
    draft = course_run_ensure_draft(course_run=course_run)
    draft = CourseRun.objects.select_for_update().get(pk=draft.pk)
    if "type" in fields:
        _check_run_type(draft.course, fields["type"])
    fields = rich_text_values(CourseRun, fields)  # compared as they will be stored
    changed = [name for name, value in fields.items() if getattr(draft, name) != value]
    for name in changed:
        setattr(draft, name, fields[name])
    if changed:
        draft.full_clean(validate_unique=False)
        row_save(draft)
        subscription_inclusion_update(course_runs=[draft])  # the pacing is an input of its flag
    if staff is not None and list(draft.staff.values_list("pk", flat=True)) != [person.pk for person in staff]:
        draft.staff.set(list(staff))
        changed.append("staff")
    if prices is not None and _set_seat_prices(draft, prices):
        changed.append("seats")
    if upgrade_deadline_override and _set_upgrade_deadline_override(draft, upgrade_deadline_override[0]):
        changed.append("seats")
    if changed:
        draft = course_run_note_edit(course_run=draft, changed_fields=changed, user=user)
    if submit and draft.status == CourseRunStatus.UNPUBLISHED:
        draft = course_run_transition(course_run=draft, to_status=CourseRunStatus.LEGAL_REVIEW, user=user)
    if status is not None and status != draft.status:
        draft = course_run_transition(course_run=draft, to_status=status, user=user)
    return draft


def course_run_delete(*, user: AbstractBaseUser, course_run: CourseRun, if_match: str | None = None) -> None:
    """Remove a run that never went live and is still unpublished."""
    with transaction.atomic():
        course_run = course_run_lock_for_edit(course_run=course_run)
        if not permissions.can_edit_course_run(user, course_run):
            raise PermissionDenied(_("You may not delete this run."))
        has_official = not course_run.draft or CourseRun.objects.filter(draft=False, draft_version=course_run).exists()
        if has_official:
            raise ValidationError({"detail": _("This run has been published; it cannot be deleted. Hide it instead.")})
        if course_run.status != CourseRunStatus.UNPUBLISHED:
            raise ValidationError(
                {
                    "detail": _("Only unpublished runs can be deleted; this one is %(status)s.")
                    % {"status": course_run.status}
                }
            )
        require_if_match(if_match, course_run)
        CourseRun.objects.filter(pk=course_run.pk).delete()
