"""OpenAPI descriptions of the authentication schemes, so drf-spectacular documents JWT logins too."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
