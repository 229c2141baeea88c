"""Turns an ``Authorization`` header into a :class:`Principal`, using the configured stores."""

from __future__ import annotations

import base64
import binascii

from sqlgateway.config import ConfigError, Settings
from sqlgateway.security import options as opt
from sqlgateway.security.credentials import PasswordStore, Principal, TokenStore
from sqlgateway.security.jwt_auth import JwtError, JwtVerifier, looks_like_jwt


class AuthenticationError(Exception):
    """Credentials are missing or wrong; the message is safe to show to the client."""


class Authenticator:
    """Bearer tokens (opaque or JWT) and HTTP Basic, each enabled by configuring its source."""

    def __init__(
        self,
        tokens: TokenStore | None = None,
        passwords: PasswordStore | None = None,
        jwt_verifier: JwtVerifier | None = None,
        realm: str = "sqlgateway",
    ) -> None:
        if tokens is None and passwords is None and jwt_verifier is None:
            raise ConfigError(
                "authentication is enabled but no tokens-file, password-file or jwt.jwks-file "
                "is configured"
            )
        self.tokens, self.passwords, self.jwt = tokens, passwords, jwt_verifier
        self.realm = realm

    @classmethod
    def from_settings(cls, settings: Settings) -> Authenticator | None:
        """The authenticator the settings ask for, or None when authentication is off."""
        if not settings.get(opt.AUTH_ENABLED):
            return None
        tokens_file = settings.get(opt.AUTH_TOKENS_FILE)
        password_file = settings.get(opt.AUTH_PASSWORD_FILE)
        jwks_file = settings.get(opt.JWT_JWKS_FILE)
        verifier = None
        algorithms: tuple[str, ...] = settings.get(opt.JWT_ALGORITHMS)
        if jwks_file:
            verifier = JwtVerifier(
                jwks_file,
                issuer=settings.get(opt.JWT_ISSUER),
                audience=settings.get(opt.JWT_AUDIENCE),
                algorithms=algorithms,
                principal_claim=settings.get(opt.JWT_PRINCIPAL_CLAIM),
                leeway=settings.get(opt.JWT_LEEWAY),
            )
        return cls(
            TokenStore(tokens_file) if tokens_file else None,
            PasswordStore(password_file) if password_file else None,
            verifier,
            settings.get(opt.AUTH_REALM),
        )

    def challenges(self) -> list[str]:
        """``WWW-Authenticate`` values for a 401 answer, one per enabled scheme."""
        out = []
        if self.tokens is not None or self.jwt is not None:
            out.append(f'Bearer realm="{self.realm}"')
        if self.passwords is not None:
            out.append(f'Basic realm="{self.realm}", charset="UTF-8"')
        return out

    def authenticate(self, authorization: str | None) -> Principal:
        """The principal proven by the header value; raises AuthenticationError otherwise.
        May be slow (bcrypt/argon2): call it off the event loop."""
        if not authorization:
            raise AuthenticationError("Authentication required: no Authorization header.")
        scheme, _, value = authorization.strip().partition(" ")
        scheme, value = scheme.lower(), value.strip()
        if scheme == "bearer" and value:
            return self._bearer(value)
        if scheme == "basic" and value and self.passwords is not None:
            return self._basic(value)
        raise AuthenticationError(
            f"Authentication failed: unsupported authorization scheme {scheme.title()!r}."
        )

    def _bearer(self, token: str) -> Principal:
        if self.jwt is not None and looks_like_jwt(token):
            try:
                return self.jwt.verify(token)
            except JwtError as exc:
                raise AuthenticationError(f"Authentication failed: {exc}.") from exc
        if self.tokens is not None:
            principal = self.tokens.authenticate(token)
            if principal is not None:
                return principal
        raise AuthenticationError("Authentication failed: invalid bearer token.")

    def _basic(self, value: str) -> Principal:
        assert self.passwords is not None
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise AuthenticationError(
                "Authentication failed: malformed Basic credentials."
            ) from exc
        user, sep, password = decoded.partition(":")
        if not sep:
            raise AuthenticationError("Authentication failed: malformed Basic credentials.")
        principal = self.passwords.authenticate(user, password)
        if principal is None:
            raise AuthenticationError("Authentication failed: invalid user name or password.")
        return principal
