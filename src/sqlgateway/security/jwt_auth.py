"""JWT bearer-token verification (PyJWT) against keys from a JWKS file.

Checks the signature (key chosen by ``kid``; a key set with a single key also accepts tokens
without ``kid``), the allowed algorithms (never ``none``), ``exp`` (required), ``nbf``, ``iat``,
and, when configured, ``iss`` and ``aud``. The principal is the value of a configured claim.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jwt

from sqlgateway.config import ConfigError
from sqlgateway.security.credentials import Principal


class JwtError(Exception):
    """A token was refused; the message says why (safe to show to the client)."""


def looks_like_jwt(token: str) -> bool:
    """Three non-empty dot-separated parts, the first a base64url JSON object (``eyJ``)."""
    parts = token.split(".")
    return len(parts) == 3 and all(parts) and parts[0].startswith("eyJ")


class JwtVerifier:
    """Verifies JWTs signed by one of the keys of a JWKS file."""

    def __init__(
        self,
        jwks_file: str | os.PathLike[str],
        *,
        issuer: str | None = None,
        audience: str | None = None,
        algorithms: Sequence[str] = ("RS256", "ES256", "EdDSA"),
        principal_claim: str = "sub",
        leeway: float = 30.0,
    ) -> None:
        if not algorithms or any(a.lower() == "none" for a in algorithms):
            raise ConfigError("JWT algorithms must be listed and may not include 'none'")
        try:
            self._keys = jwt.PyJWKSet.from_json(Path(jwks_file).read_text(encoding="utf-8"))
        except (OSError, jwt.PyJWTError, ValueError) as exc:
            raise ConfigError(f"cannot load JWKS file {jwks_file}: {exc}") from exc
        self._issuer, self._audience = issuer, audience
        self._algorithms = list(algorithms)
        self._claim, self._leeway = principal_claim, leeway

    def _key_for(self, token: str) -> Any:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise JwtError(f"malformed JWT: {exc}") from exc
        if header.get("alg") not in self._algorithms:
            raise JwtError(f"JWT algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        keys = self._keys.keys
        if kid is None and len(keys) == 1:
            return keys[0].key
        for k in keys:
            if k.key_id == kid:
                return k.key
        raise JwtError(f"no key with kid {kid!r} in the JWKS")

    def verify(self, token: str) -> Principal:
        """The principal named by a valid token; raises JwtError otherwise."""
        key = self._key_for(token)
        required = ["exp", self._claim] + (["iss"] if self._issuer is not None else [])
        options: jwt.types.Options = {"require": required}
        try:
            claims = jwt.decode(
                token, key, algorithms=self._algorithms, audience=self._audience,
                issuer=self._issuer, leeway=self._leeway, options=options,
            )  # fmt: skip
        except jwt.PyJWTError as exc:
            raise JwtError(f"invalid JWT: {exc}") from exc
        name = claims.get(self._claim)
        if not isinstance(name, str) or not name:
            raise JwtError(f"JWT claim {self._claim!r} must be a non-empty string")
        return Principal(name, "jwt")
