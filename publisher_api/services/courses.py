"""Creating, editing and deleting courses through Publisher: every edit lands on the course's draft."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from course_metadata.models import Course, CourseEditor, CourseRun, CourseType, Organization
from course_metadata.resources import own_attrs
from course_metadata.resources.courses import COURSE_DECLARATION
from course_metadata.rules.rich_text import rich_text_values
from course_metadata.rules.url_slugs import free_course_url_slug
from course_metadata.services.drafts import course_ensure_draft
from course_metadata.services.edit_locks import course_lock_for_edit
from course_metadata.services.rows import row_save
from course_metadata.services.subscription_inclusion import (
    subscription_inclusion_deleting,
    subscription_inclusion_update,
)
from publisher_api import permissions
from publisher_api.etags import require_if_match
from publisher_api.services.course_extras import apply_nested, set_entitlement_prices
from publisher_api.services.editors import course_editor_permissions_sync

# Course fields a course team edits directly (related rows and lists are handled by course_extras).
COURSE_FIELDS = own_attrs(COURSE_DECLARATION)
IMMUTABLE_FIELDS = {"number": "A course's number never changes; set key_for_reruns to rename future runs."}


def _refuse_immutable(course: Course, fields: Mapping[str, Any]) -> None:
    errors = {}
    if "number" in fields and fields["number"] != course.number:
        errors["number"] = IMMUTABLE_FIELDS["number"]
    if "uuid" in fields and str(fields["uuid"]) != str(course.uuid):
        errors["uuid"] = "A course's UUID never changes; leave it out or send the course's own."
    if "key" in fields and fields["key"] != course.key:
        errors["key"] = "A course's key never changes; set key_for_reruns to rename future runs."
    if errors:
        raise ValidationError(errors)


def course_create(
    *,
    user: User,
    organization: Organization,
    number: str,
    title: str,
    course_type: CourseType,
    prices: Mapping[str, Decimal] | None = None,
    course_run: Mapping[str, Any] | None = None,
) -> Course:
    """A new course, as a draft only (the official row appears at its first review), with its creator as editor."""
    if not permissions.can_create_course_in(user, organization):
        raise PermissionDenied(_("You may not create courses for %(key)s.") % {"key": organization.key})
    key = Course.make_key(organization.key, number)
    if Course.objects.filter(partner=organization.partner, key=key).exists():
        raise ValidationError({"number": _("A course with key %(key)s already exists.") % {"key": key}})
    with transaction.atomic():
        course = Course(partner=organization.partner, key=key, number=number, title=title, type=course_type, draft=True)
        # A second course with the same title gets the next free slug (title-2, ...), as in the incumbent.
        course.url_slug = free_course_url_slug(
            partner_id=organization.partner_id, course_uuid=course.uuid, title=title, fallback=key
        )
        course.full_clean(validate_unique=False)
        row_save(course)
        course.authoring_organizations.set([organization])
        subscription_inclusion_update(courses=[course])
        set_entitlement_prices(course=course, prices=prices or {}, create_missing=True)
        CourseEditor.objects.create(user=user, course=course)
        course_editor_permissions_sync(course=course)
        if course_run is not None:
            from publisher_api.services.course_runs import course_run_create

            try:
                course_run_create(user=user, course=course, **course_run)
            except ValidationError as error:
                # Named course_run.<field>: the API nests them the way DRF nests a nested serializer's errors.
                detail = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                raise ValidationError(
                    {f"course_run.{field}": messages for field, messages in detail.items()}
                ) from error
    return course


def course_update(
    *, user: AbstractBaseUser, course: Course, fields: Mapping[str, Any], if_match: str | None = None
) -> Course:
    """Apply ``fields`` (own fields and nested parts) to the course's draft, created from the official on first edit.

    ``if_match`` (an ETag from a read with ``?editable=1``) is checked, under the course's lock, against
    the row this edit changes; a mismatch raises ``StaleEdit`` and writes nothing. Reviewed or published
    runs go back to unpublished: the official rows keep serving the public until the next review copies
    the draft over them.
    """
    with transaction.atomic():
        course = course_lock_for_edit(course=course)
        # Courses have no legal-only fields: any change needs the editor's right.
        if not permissions.can_edit_course(user, course):
            raise PermissionDenied(_("You may not edit this course."))
        _refuse_immutable(course, fields)
        fields = {name: value for name, value in fields.items() if name not in {"uuid", "number", "key"}}
        unknown = set(fields) - COURSE_FIELDS - set(_nested_names())
        if unknown:
            raise ValidationError({name: "This field cannot be edited through Publisher." for name in sorted(unknown)})
        require_if_match(if_match, course)
        fields = rich_text_values(Course, fields)  # compared as they will be stored
        draft = course_ensure_draft(course=course)
        draft = Course.objects.select_for_update().get(pk=draft.pk)
        changed = []
        for name in COURSE_FIELDS & set(fields):
            if getattr(draft, name) != fields[name]:
                setattr(draft, name, fields[name])
                changed.append(name)
        if changed:
            draft.full_clean(validate_unique=False)
            _check_unique_slug(draft)
            row_save(draft)
        changed += apply_nested(course=draft, fields=fields)
        if changed:
            # The opt-in and the authoring organizations are inputs of the derived subscription flags.
            subscription_inclusion_update(courses=[draft])
            _runs_back_to_unpublished(draft, changed, user)
        course_editor_permissions_sync(course=draft)
    return draft


def _nested_names() -> tuple[str, ...]:
    from publisher_api.services.course_extras import NESTED_FIELDS

    return NESTED_FIELDS


def _check_unique_slug(course: Course) -> None:
    clash = (
        Course.objects.filter(partner_id=course.partner_id, url_slug=course.url_slug, draft=course.draft)
        .exclude(uuid=course.uuid)
        .exists()
    )
    if course.url_slug and clash:
        raise ValidationError(
            {"url_slug": _("Another course already uses the URL slug %(url_slug)r.") % {"url_slug": course.url_slug}}
        )


def _runs_back_to_unpublished(course: Course, changed: list[str], user: AbstractBaseUser) -> None:
    from course_metadata.workflow import course_run_note_edit

    for course_run in CourseRun.objects.filter(course=course, draft=True):
        course_run_note_edit(course_run=course_run, changed_fields=[f"course.{name}" for name in changed], user=user)


def course_delete(*, user: AbstractBaseUser, course: Course, if_match: str | None = None) -> None:
    """Delete a course that never went live; a course with an official row must be retired instead."""
    with transaction.atomic():
        course = course_lock_for_edit(course=course)
        if not permissions.can_delete_course(user, course):
            raise PermissionDenied(_("You may not delete this course."))
        rows = Course.objects.filter(partner_id=course.partner_id, uuid=course.uuid)
        if rows.filter(draft=False).exists() or CourseRun.objects.filter(course__in=rows, draft=False).exists():
            raise ValidationError(
                {
                    "detail": _(
                        "This course has been published; it cannot be deleted. Retire it (hide its runs) instead."
                    )
                }
            )
        require_if_match(if_match, course)
        for draft in rows:
            with subscription_inclusion_deleting(courses=[draft]):
                draft.delete()
