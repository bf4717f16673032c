"""JWTs issued by the LMS: verified against a configured key before edx-drf-extensions reads them.

edx-drf-extensions 10.x first tries the asymmetric keys of ``JWT_PUBLIC_SIGNING_JWK_SET`` and treats a
check that does not raise as a verified signature. With no JWK set that check loops over no keys and
returns without raising, and the claims are then decoded with ``verify_signature=False``: any token with
the right issuer and audience was accepted, ``alg=none`` included. ``jwt_decode_handler`` here does the
signature and claim checks itself, with an explicit algorithm per key, and only then hands the token to
the library's handler for what it adds (version check, defaults for ``is_restricted`` and ``filters``).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from typing import Any, cast

import jwt
from django.conf import settings
from django.utils.translation import gettext as _
from edx_rest_framework_extensions.auth.jwt import decoder as edx_decoder
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from jwt import PyJWK, PyJWKSet, PyJWKSetError
from rest_framework import exceptions

logger = logging.getLogger(__name__)

# The one algorithm family each kind of key verifies; a token naming any other (``none``, or an HMAC
# algorithm against a public key) is refused before a signature is looked at.
SYMMETRIC_ALGORITHMS = frozenset({"HS256"})
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS512"})

# Attribute on the authenticated user that carries the verified JWT payload for the rest of the request
# (the Publisher role check reads its ``roles`` claim).
JWT_PAYLOAD_ATTRIBUTE = "lyceum_jwt_payload"


def _jwt_settings() -> Mapping[str, Any]:
    return cast("Mapping[str, Any]", settings.JWT_AUTH)


def _issuers() -> list[Mapping[str, Any]]:
    return list(_jwt_settings().get("JWT_ISSUERS") or [])


@functools.lru_cache(maxsize=4)
def _rsa_keys(jwk_set: str) -> tuple[PyJWK, ...]:
    """The RSA keys of a JWK set, parsed once per distinct set (building the key objects is not free)."""
    try:
        return tuple(key for key in PyJWKSet.from_json(jwk_set).keys if key.key_type == "RSA")
    except (PyJWKSetError, ValueError):
        # Production refuses to start with an unusable set; elsewhere it verifies nothing (a 401, not a 500).
        logger.exception("JWT_PUBLIC_SIGNING_JWK_SET is not a usable JWK set.")
        return ()


def _public_keys(jwk_set: str | Mapping[str, Any] | None, kid: str | None) -> list[Any]:
    if not jwk_set:
        return []
    keys = list(_rsa_keys(jwk_set if isinstance(jwk_set, str) else json.dumps(jwk_set, sort_keys=True)))
    if kid is not None and any(key.key_id for key in keys):
        keys = [key for key in keys if key.key_id == kid]
    return [key.key for key in keys]


def verification_keys(algorithm: str, kid: str | None = None) -> list[Any]:
    """The configured keys that may verify a token signed with ``algorithm`` (none: it is refused)."""
    if algorithm in ASYMMETRIC_ALGORITHMS:
        return _public_keys(_jwt_settings().get("JWT_PUBLIC_SIGNING_JWK_SET"), kid)
    if algorithm in SYMMETRIC_ALGORITHMS and algorithm == _jwt_settings().get("JWT_ALGORITHM", "HS256"):
        # Like the library, the symmetric secret is the first issuer's.
        secret = (_issuers()[:1] or [{}])[0].get("SECRET_KEY")
        return [secret] if secret else []
    return []


def verify_jwt(token: str) -> dict[str, Any]:
    """Check the signature, expiry, issuer and audience of ``token``; raise ``jwt.InvalidTokenError`` if any fails."""
    header = jwt.get_unverified_header(token)
    algorithm = str(header.get("alg", ""))
    keys = verification_keys(algorithm, header.get("kid"))
    if not keys:
        raise jwt.InvalidAlgorithmError(
            _("No verification key is configured for alg=%(algorithm)r.") % {"algorithm": algorithm}
        )
    issuers = _issuers()
    options: dict[str, Any] = {
        "require": ["exp", "iat", "iss", "aud"],
        "verify_signature": True,
        "verify_exp": bool(_jwt_settings().get("JWT_VERIFY_EXPIRATION", True)),
    }
    last_error: jwt.InvalidSignatureError | None = None
    for key in keys:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=[issuer["AUDIENCE"] for issuer in issuers],
                issuer=[issuer["ISSUER"] for issuer in issuers],
                leeway=_jwt_settings().get("JWT_LEEWAY", 0),
                options=options,  # type: ignore[arg-type]
            )
        except jwt.InvalidSignatureError as error:  # key rotation: several keys may be configured
            last_error = error
    raise last_error or jwt.InvalidSignatureError(_("Signature verification failed."))


def jwt_decode_handler(token: str) -> dict[str, Any]:
    """``JWT_AUTH["JWT_DECODE_HANDLER"]``: every JWT the project reads goes through here first."""
    verify_jwt(token)
    # The library's handler re-checks issuer and audience and fills in version defaults; its signature
    # check is redundant now (and harmless), so its outcome no longer depends on it.
    return edx_decoder.jwt_decode_handler(token)


class VerifiedJwtAuthentication(JwtAuthentication):
    """edx-drf-extensions' JWT authentication that keeps the verified payload on the user it returns.

    The payload is what the Publisher role check reads (its ``roles`` claim); binding it here, where the
    token was verified, makes every permission check of the request see it, reads and writes alike.
    """

    def authenticate_credentials(self, payload: dict[str, Any]) -> Any:
        user = super().authenticate_credentials(payload)
        if not user.is_active:
            # The library creates or updates the user from the token but never looks at is_active: a
            # deactivated account kept its API access for as long as the LMS issued it tokens.
            raise exceptions.AuthenticationFailed(_("This account is deactivated."))
        setattr(user, JWT_PAYLOAD_ATTRIBUTE, payload)
        return user
