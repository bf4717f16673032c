"""A text column stored encrypted: credentials Lyceum must send elsewhere, unreadable from a database copy.

Values are encrypted with Fernet (AES-128-CBC and an HMAC-SHA256 tag) under keys derived from
``settings.LYCEUM_SECRETS_KEYS``: the first key encrypts, every key decrypts, so a key is rotated by putting
the new one first and re-saving the rows (docs/decisions/0072-partner-credentials-write-only-and-encrypted.rst).
The model attribute holds the plain value; only the database sees ciphertext. Serialized copies
(``dumpdata`` fixtures and backups) hold ciphertext too, marked ``encrypted:``; ``loaddata`` decrypts it back.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Fernet tokens start with the version byte 0x80, which is "gA" in URL-safe base64.
TOKEN_PREFIX = "gAAAAA"
# Marks a serialized value as a token (a dump holds ``encrypted:gAAAAA...``), so loading tells it from a plain value.
SERIALIZED_PREFIX = "encrypted:"


def _fernet_key(secret: str) -> bytes:
    """A Fernet key derived from an operator's secret of any length (HKDF-SHA256, a fixed purpose label)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lyceum encrypted column v1").derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "LYCEUM_SECRETS_KEYS is empty: set LYCEUM_SECRETS_KEY to encrypt stored credentials."
        )
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.LYCEUM_SECRETS_KEYS))


def encrypt(plain: str) -> str:
    return cipher().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A stored credential cannot be decrypted with any key in LYCEUM_SECRETS_KEY: the key it was encrypted "
            "with was removed. Put that key back (after the new one) or enter the credential again."
        ) from error


class EncryptedTextField(models.TextField):
    """A ``TextField`` whose non-empty values are stored as Fernet tokens; "" is stored as "" (not set).

    Serializers (``dumpdata``) write the value encrypted, never in clear; deserializing (``loaddata``) turns it
    back into the plain value, so a dump and load round trip keeps the credential usable under the same keys.
    """

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        if not value:
            return ""
        return SERIALIZED_PREFIX + encrypt(str(value))

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str) and value.startswith(SERIALIZED_PREFIX):
            return decrypt(value.removeprefix(SERIALIZED_PREFIX))
        return value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)
