"""Options of the security and limits features (declared with ``config.register``).

Authentication is off by default (Flink's gateway has none); TLS is off until a certificate is
configured; the DuckDB SQL sandbox is on by default.
"""

from __future__ import annotations

from typing import Any

from sqlgateway.config import Option, parse_bool, parse_duration, register


def parse_list(text: str) -> tuple[str, ...]:
    """``a;b`` or ``a,b`` (YAML lists are flattened to ``;``) -> non-empty stripped items."""
    parts = str(text).replace(",", ";").split(";")
    return tuple(p.strip() for p in parts if p.strip())


def _optional(text: str) -> str | None:
    return text if text.strip() else None


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be >= 0")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise ValueError("must be >= 0")
    return value


def _client_auth(text: str) -> str:
    value = text.strip().lower()
    if value not in ("none", "optional", "required"):
        raise ValueError("must be none, optional or required")
    return value


AUTH_ENABLED = Option(
    "sql-gateway.security.auth.enabled", parse_bool, "false",
    "Require credentials on every request (bearer token, HTTP Basic or JWT).",
)  # fmt: skip
AUTH_TOKENS_FILE = Option(
    "sql-gateway.security.auth.tokens-file", _optional, "",
    "File of 'principal:hash' lines for bearer tokens (sha256:<hex> or an argon2 hash); "
    "create lines with 'sqlgateway auth token'.",
)  # fmt: skip
AUTH_PASSWORD_FILE = Option(
    "sql-gateway.security.auth.password-file", _optional, "",
    "File of 'user:hash' lines for HTTP Basic (bcrypt $2b$ or argon2 $argon2id$ hashes); "
    "create lines with 'sqlgateway auth password'.",
)  # fmt: skip
AUTH_REALM = Option(
    "sql-gateway.security.auth.realm", str, "sqlgateway", "Realm named in WWW-Authenticate."
)
JWT_JWKS_FILE = Option(
    "sql-gateway.security.auth.jwt.jwks-file", _optional, "",
    "JSON Web Key Set file with the keys that sign accepted JWT bearer tokens (enables JWT).",
)  # fmt: skip
JWT_ISSUER = Option(
    "sql-gateway.security.auth.jwt.issuer", _optional, "",
    "Required 'iss' claim of JWTs (unset: not checked).",
)  # fmt: skip
JWT_AUDIENCE = Option(
    "sql-gateway.security.auth.jwt.audience", _optional, "",
    "Required 'aud' claim of JWTs (unset: tokens carrying an audience are refused).",
)  # fmt: skip
JWT_ALGORITHMS = Option(
    "sql-gateway.security.auth.jwt.algorithms", parse_list, "RS256;ES256;EdDSA",
    "Accepted JWT signature algorithms (never 'none'; HMAC only if listed).",
)  # fmt: skip
JWT_PRINCIPAL_CLAIM = Option(
    "sql-gateway.security.auth.jwt.principal-claim", str, "sub",
    "Claim whose value names the principal.",
)  # fmt: skip
JWT_LEEWAY = Option(
    "sql-gateway.security.auth.jwt.leeway", parse_duration, "30 s",
    "Clock skew tolerated on exp/nbf/iat.",
)  # fmt: skip

SSL_CERT_FILE = Option(
    "sql-gateway.security.ssl.cert-file", _optional, "",
    "PEM certificate (chain) of the server; setting it turns HTTPS on.",
)  # fmt: skip
SSL_KEY_FILE = Option(
    "sql-gateway.security.ssl.key-file", _optional, "", "PEM private key of the server."
)
SSL_KEY_PASSWORD = Option(
    "sql-gateway.security.ssl.key-password", _optional, "", "Password of the private key."
)
SSL_CLIENT_CA_FILE = Option(
    "sql-gateway.security.ssl.client-ca-file", _optional, "",
    "PEM CA bundle that client certificates must chain to (mutual TLS).",
)  # fmt: skip
SSL_CLIENT_AUTH = Option(
    "sql-gateway.security.ssl.client-auth", _client_auth, "required",
    "With a client CA: none, optional or required client certificates.",
)  # fmt: skip

STATEMENT_MAX_LENGTH = Option(
    "sql-gateway.limits.statement.max-length", _non_negative_int, "1048576",
    "Longest SQL statement accepted, in characters (0: unlimited).",
)  # fmt: skip
RATE_PER_SECOND = Option(
    "sql-gateway.limits.rate.requests-per-second", _non_negative_float, "0",
    "Sustained requests per second allowed per principal (per client address without auth); "
    "0 disables rate limiting.",
)  # fmt: skip
RATE_BURST = Option(
    "sql-gateway.limits.rate.burst", _non_negative_int, "0",
    "Requests a principal may send at once above the rate (0: twice the rate, at least 1).",
)  # fmt: skip

AUTH_FAILURES_PER_SECOND = Option(
    "sql-gateway.limits.auth-failures.per-second", _non_negative_float, "1",
    "Failed authentications a client address may make per second once it used its burst of "
    "10; further requests get 429 without their credentials being checked (0: no limit).",
)  # fmt: skip

SANDBOX_ENABLED = Option(
    "sql-gateway.security.sandbox.enabled", parse_bool, "true",
    "Confine embedded DuckDB SQL: no file access outside the allowed directories, no network, "
    "no extension install/load, configuration locked.",
)  # fmt: skip
SANDBOX_ALLOWED_DIRECTORIES = Option(
    "sql-gateway.security.sandbox.allowed-directories", parse_list, "",
    "Directories SQL may read and write (read_csv, COPY, ATTACH, filesystem tables), "
    "';'-separated.",
)  # fmt: skip

AUDIT_FILE = Option(
    "sql-gateway.security.audit.file", _optional, "",
    "Append one JSON line per statement to this file ('-' for standard error); unset: no audit.",
)  # fmt: skip

SECURITY_OPTIONS: tuple[Option[Any], ...] = (
    AUTH_ENABLED, AUTH_TOKENS_FILE, AUTH_PASSWORD_FILE, AUTH_REALM,
    JWT_JWKS_FILE, JWT_ISSUER, JWT_AUDIENCE, JWT_ALGORITHMS, JWT_PRINCIPAL_CLAIM, JWT_LEEWAY,
    SSL_CERT_FILE, SSL_KEY_FILE, SSL_KEY_PASSWORD, SSL_CLIENT_CA_FILE, SSL_CLIENT_AUTH,
    STATEMENT_MAX_LENGTH, RATE_PER_SECOND, RATE_BURST, AUTH_FAILURES_PER_SECOND,
    SANDBOX_ENABLED, SANDBOX_ALLOWED_DIRECTORIES, AUDIT_FILE,
)  # fmt: skip

register(*SECURITY_OPTIONS)
