"""The API's exception handler: errors a client caused are 4xx JSON answers, never a 500 or an HTML page.

On top of DRF's handler it answers

* a body past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's RequestDataTooBig) with 413, and a form with too
  many fields or files with 400;
* a database IntegrityError that escaped a write with 409 (a unique constraint: another row holds the
  value) or 400 (a missing reference, a required value, a check), naming the fields of the constraint.

An IntegrityError only reaches this handler after leaving the service's ``transaction.atomic()`` block,
which rolled the whole write back, so the answer never describes a half-written change.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import FieldDoesNotExist, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from course_metadata.api.integrity import CHECK, FOREIGN_KEY, NOT_NULL, UNIQUE, Violation, violation_of
from course_metadata.api.parsers import PayloadTooLarge

logger = logging.getLogger(__name__)

# Fields that scope a uniqueness rule rather than carry the clashing value: a slug is unique per partner
# and per state, but the value the client should change is the slug.
SCOPE_FIELDS = frozenset({"partner", "draft"})


class ServiceUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A service this answer needs is unavailable; try again later."


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The change conflicts with data stored meanwhile; nothing was saved.")
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        _forget_body(context)
        exc = PayloadTooLarge(_("The request body is larger than the API accepts."))
    elif isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        _forget_body(context)
        exc = ParseError(str(exc))
    elif isinstance(exc, IntegrityError):
        exc = integrity_error_answer(exc)
    return drf_exception_handler(exc, context)


def integrity_error_answer(error: IntegrityError) -> APIException:
    """The 4xx for a database constraint violation, naming the constraint's fields."""
    violation = violation_of(error)
    logger.warning("Write refused by the database (%s %s): %s", violation.kind, violation.constraint, error)
    fields = _shown_fields(violation)
    if violation.kind == UNIQUE:
        if not fields:
            return Conflict()
        label = violation.model._meta.verbose_name if violation.model is not None else "object"
        together = " and ".join(_verbose(violation, name) for name in fields)
        message = _("Another %(label)s already has this %(together)s; nothing was saved.") % {
            "label": label,
            "together": together,
        }
        return Conflict({name: [message] for name in fields})
    messages = {
        FOREIGN_KEY: _("Refers to something that does not exist (it may just have been deleted); nothing was saved."),
        NOT_NULL: _("This field is required; nothing was saved."),
        CHECK: (
            _("Breaks the rule %(constraint)s; nothing was saved.") % {"constraint": violation.constraint}
            if violation.constraint
            else _("Breaks a rule of this field; nothing was saved.")
        ),
    }
    refusal = messages.get(violation.kind, _("The change breaks a rule of the stored data; nothing was saved."))
    return ValidationError({name: [refusal] for name in fields} if fields else {"non_field_errors": [refusal]})


def _shown_fields(violation: Violation) -> tuple[str, ...]:
    chosen = tuple(name for name in violation.fields if name not in SCOPE_FIELDS)
    return chosen or violation.fields


def _verbose(violation: Violation, name: str) -> str:
    if violation.model is None:
        return name
    try:
        field = violation.model._meta.get_field(name)
    except FieldDoesNotExist:  # a column the model does not declare (a raw index): its name is the best label
        return name
    return str(getattr(field, "verbose_name", name))


def _forget_body(context: dict[str, Any]) -> None:
    """Leave the request with an empty body, so rendering the error does not try to parse it again."""
    request = context.get("request")
    if request is None:
        return
    request._data = QueryDict("")
    request._files = MultiValueDict()
    request._full_data = request._data
