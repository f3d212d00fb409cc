"""Personal data at rest: AES-GCM encrypted fields, a keyed blind index, and masking for display.

Keys are derived (HKDF) from STOREOS_PII_KEY, or from SECRET_KEY when that is unset, with a
separate key for encryption and for the blind index, so the index reveals nothing without the key.
"""

import base64
import functools
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

_PREFIX = "v1:"


@functools.cache
def _derived_key(purpose: bytes) -> bytes:
    master = (settings.STOREOS_PII_KEY or settings.SECRET_KEY).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"storeos-pii", info=purpose).derive(
        master
    )


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    # Tests that override a key must not keep encrypting with the old one.
    if setting in {"STOREOS_PII_KEY", "SECRET_KEY"}:
        _derived_key.cache_clear()


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derived_key(b"encrypt")).encrypt(nonce, plaintext.encode(), None)
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("not a StoreOS encrypted value")
    raw = base64.urlsafe_b64decode(token[len(_PREFIX) :])
    return AESGCM(_derived_key(b"encrypt")).decrypt(raw[:12], raw[12:], None).decode()


def normalize_phone(phone: str) -> str:
    """Digits only, with a leading +86 / 0086 country code dropped, so one phone = one index."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    return digits


def blind_index(value: str, *, kind: str = "phone") -> str:
    """A keyed hash for exact lookup of an encrypted value (normalise before calling)."""
    key = _derived_key(b"blind-index:" + kind.encode())
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits stay visible."""
    digits = normalize_phone(phone)
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: str) -> str:
    """张** / J*** : only the first character stays visible."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if not domain:
        return mask_name(email)
    return f"{local[:1]}***@{domain}"


class EncryptedTextField(models.TextField):
    """A text column stored AES-GCM encrypted; Python code sees the plaintext.

    Not searchable: pair it with a blind-index column for exact lookups.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
