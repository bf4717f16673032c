"""Query parameters of the enterprise-catalog endpoints: an unknown one is a 400 naming it, never ignored."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

# Chooses the renderer (?format=json) on every endpoint.
COMMON = frozenset({"format"})
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off", ""})


def check_parameters(request: Request, allowed: Iterable[str]) -> None:
    known = COMMON | set(allowed)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known - COMMON)) or "no parameters"
        raise ValidationError({name: [f"Unknown parameter; this endpoint takes {takes}."] for name in unknown})


def flag(request: Request, name: str) -> bool:
    """A boolean parameter: true/false, 1/0, yes/no (any case); absent is false."""
    value = request.query_params.get(name)
    if value is None:
        return False
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValidationError({name: [_("'%(value)s' is not a boolean; give true or false.") % {"value": value}]})


def content_keys(request: Request, name: str, *, limit: int) -> list[str]:
    """A repeated key parameter, in order without duplicates or blanks; a space is a '+' a client left
    unencoded in a course key (enterprise-catalog reads keys the same way)."""
    keys = [value.strip().replace(" ", "+") for value in request.query_params.getlist(name)]
    keys = list(dict.fromkeys(key for key in keys if key))
    if len(keys) > limit:
        raise ValidationError(
            {
                name: [
                    _("At most %(limit)s values per request; got %(count)s. Use several requests.")
                    % {"limit": limit, "count": len(keys)}
                ]
            }
        )
    return keys
