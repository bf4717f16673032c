"""``fields`` and ``omit``: the incumbent's sparse fieldsets (drf-flex-fields), on every read endpoint.

``fields=uuid,title`` keeps only those keys of each object; ``fields=courses.key`` keeps ``courses`` with
only its ``key`` (a list of objects or one object). ``omit`` removes keys, dotted ones from the nested
object. A name that is not a field of the objects is a 400 naming the parameter (a misspelt field would
otherwise silently give another response than asked for). Representations are built in full first, so
the SQL a page costs does not depend on these parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from course_metadata.api.v1 import params


def _parse(request: Request, name: str) -> dict[str, set[str]] | None:
    """``{top-level name: nested names}`` (an empty set: the whole value) from the parameter, or None."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    wanted: dict[str, set[str]] = {}
    for item in params.split_list(values):
        top, _unused, rest = item.partition(".")
        nested = wanted.setdefault(top, set())
        if rest:
            nested.add(rest.partition(".")[0])
    return wanted or None


def _check(name: str, wanted: dict[str, set[str]], known: set[str]) -> None:
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise ValidationError({name: [_("Unknown field(s): %(unknown)s.") % {"unknown": ", ".join(unknown)}]})


def _keep(value: Any, names: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key in names}
    if isinstance(value, list):
        return [_keep(item, names) for item in value]
    return value


def _drop(value: Any, names: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key not in names}
    if isinstance(value, list):
        return [_drop(item, names) for item in value]
    return value


def apply(request: Request, objects: list[Any], declared: Iterable[str]) -> list[Any]:
    """``objects`` (representations) narrowed by the request's ``fields`` and ``omit``."""
    keep = _parse(request, "fields")
    omit = _parse(request, "omit")
    if keep is None and omit is None:
        return objects
    known = set(declared) | {key for obj in objects[:1] if isinstance(obj, dict) for key in obj}
    if keep is not None:
        _check("fields", keep, known)
        objects = [
            {key: _keep(value, keep[key]) if keep[key] else value for key, value in obj.items() if key in keep}
            for obj in objects
        ]
    if omit is not None:
        _check("omit", omit, known)
        objects = [
            {
                key: _drop(value, omit[key]) if omit.get(key) else value
                for key, value in obj.items()
                if key not in omit or omit[key]
            }
            for obj in objects
        ]
    return objects
