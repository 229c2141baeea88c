"""Hashes for stored secrets: sha256 / argon2id for bearer tokens, bcrypt / argon2id for passwords.

Stored forms (one per line in the tokens and password files, after ``name:``):

* ``sha256:<64 hex>`` — bearer tokens only (they are long random strings, so a fast hash is
  safe and lets the gateway find the token in O(1));
* ``$argon2id$...`` — tokens or passwords (argon2-cffi, PHC string);
* ``$2b$...`` (also ``$2a$``/``$2y$``) — passwords (bcrypt).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_ARGON2 = PasswordHasher()
BCRYPT_MAX_BYTES = 72


def sha256_token(token: str) -> str:
    """``sha256:<hex>`` of a bearer token."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def argon2_hash(secret: str) -> str:
    """argon2id PHC string of ``secret`` (random salt)."""
    return _ARGON2.hash(secret)


def bcrypt_hash(secret: str, rounds: int = 12) -> str:
    """bcrypt hash of ``secret``; bcrypt only uses 72 bytes, so longer secrets are refused."""
    raw = secret.encode("utf-8")
    if len(raw) > BCRYPT_MAX_BYTES:
        raise ValueError("bcrypt cannot hash secrets longer than 72 bytes; use argon2")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds)).decode("ascii")


def new_token() -> str:
    """A fresh random bearer token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def is_supported_hash(stored: str) -> bool:
    """Whether ``stored`` is one of the accepted stored forms."""
    return (stored.startswith("sha256:") and len(stored) == 71) or stored.startswith(
        ("$argon2id$", "$argon2i$", "$argon2d$", "$2a$", "$2b$", "$2y$")
    )


def verify(stored: str, secret: str) -> bool:
    """Constant-time check of ``secret`` against a stored hash of any supported form."""
    if stored.startswith("sha256:"):
        return hmac.compare_digest(stored, sha256_token(secret))
    if stored.startswith("$argon2"):
        try:
            return _ARGON2.verify(stored, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    if stored.startswith(("$2a$", "$2b$", "$2y$")):
        raw = secret.encode("utf-8")
        if len(raw) > BCRYPT_MAX_BYTES:
            return False
        try:
            return bcrypt.checkpw(raw, stored.encode("ascii"))
        except ValueError:
            return False
    return False


# A hash of a random secret, verified when a user is unknown so that timing does not reveal
# which user names exist.
DUMMY_ARGON2 = argon2_hash(secrets.token_hex(16))
