"""OpenAPI descriptions of the authentication schemes, so drf-spectacular documents JWT logins too."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
    """``Authorization: JWT <token>`` (a JWT issued by the LMS), or the LMS's JWT cookie."""

    target_class = "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A JWT issued by the LMS, sent as "Authorization: JWT <token>".',
        }
