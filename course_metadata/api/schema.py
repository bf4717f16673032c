"""OpenAPI generation: the JWT login scheme and the error answers every operation documents.

drf-spectacular only documents the success answer of an operation. A client (and the schema fuzzer in
tests/test_fuzz_api.py) must also know which errors an operation gives and their shape, so
``LyceumAutoSchema`` adds them from what the operation declares: every operation may answer 401 (bad
credentials are refused on every path), a path with parameters 404, an operation with query parameters
or a body 400, a body that is too large 413, and an operation that is not open to everyone 403.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR_COMPONENT = "Error"
VALIDATION_ERROR_COMPONENT = "ValidationError"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error that is not about one field.",
    "properties": {"detail": {"type": "string", "description": "What went wrong."}},
    "required": ["detail"],
}

VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "What is wrong with the request: each invalid field or query parameter mapped to its messages "
        "(nested for nested fields), ``non_field_errors`` for the input as a whole, or ``detail`` for a "
        "body that could not be parsed."
    ),
    "additionalProperties": {},
    "minProperties": 1,
}

# Status code → (component, description). Only codes an operation can really give are added to it.
ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": (VALIDATION_ERROR_COMPONENT, "Invalid query parameters or body."),
    "401": (ERROR_COMPONENT, "Missing or invalid credentials where they are required."),
    "403": (ERROR_COMPONENT, "The caller may not do this."),
    "404": (ERROR_COMPONENT, "No such object (or none the caller may see)."),
    "413": (ERROR_COMPONENT, "The body is larger than the server accepts."),
}


class LyceumAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with the error answers each operation can give and the query parameters
    a view declares in code (``query_parameters()``, see ``course_metadata.api.query_parameters``)."""

    def get_override_parameters(self) -> list[Any]:
        declared = getattr(self.view, "query_parameters", None)
        return [*super().get_override_parameters(), *(declared() if declared is not None else ())]

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            if code not in responses:
                component, description = ERROR_RESPONSES[code]
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": self._error_component(component)}},
                }
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        names = {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"}
        has_body = "requestBody" in operation
        codes = ["401"]
        if "query" in locations or has_body:
            codes.append("400")
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            codes.append("403")
        # DRF answers a page number past the last page with 404, as it does an unknown object.
        if "path" in locations or "page" in names:
            codes.append("404")
        if has_body:
            codes.append("413")
        return codes

    def _error_component(self, name: str) -> dict[str, Any]:
        schema = ERROR_SCHEMA if name == ERROR_COMPONENT else VALIDATION_ERROR_SCHEMA
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref


def drop_uri_format_from_answers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry: answers do not promise ``format: uri``.

    The read API returns links as they are stored, and a link that was never set is stored as ``""``,
    which is not a URI. Request bodies keep the format: the Publisher API validates the links it is given.
    With ``COMPONENT_SPLIT_REQUEST`` request components end in ``Request`` and everything else is an answer.
    """
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            _drop_uri_format(schema)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                _drop_uri_format(operation.get("responses", {}))
    return result


def _drop_uri_format(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "uri":
            del node["format"]
        for value in node.values():
            _drop_uri_format(value)
    elif isinstance(node, list):
        for value in node:
            _drop_uri_format(value)


class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
    """``Authorization: JWT <token>`` (a JWT issued by the LMS), or the LMS's JWT cookie."""

    target_class = "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"
    match_subclasses = True  # the project's verifying subclass (ADR 0070)
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A JWT issued by the LMS, sent as "Authorization: JWT <token>".',
        }


class BasicAuthenticationScheme(OpenApiAuthenticationExtension):
    """HTTP Basic, including the project's throttled subclass (drf-spectacular's own matches the exact class)."""

    target_class = "rest_framework.authentication.BasicAuthentication"
    match_subclasses = True
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "basic"}
