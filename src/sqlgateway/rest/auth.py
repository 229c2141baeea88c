"""``AuthMiddleware``: authentication, rate limits and request-size limits, as pure ASGI.

Order of checks for every HTTP request (each failure answers Flink's error envelope
``{"errors": ["..."]}`` with ``application/json; charset=UTF-8`` and never reaches the app):

1. authentication (only when ``sql-gateway.security.auth.enabled``): 401 + ``WWW-Authenticate``;
   a client address with too many failed attempts gets 429 before its credentials are checked;
2. request rate per principal (``sql-gateway.limits.rate.requests-per-second``): 429 +
   ``Retry-After``;
3. body size (``rest.server.max-content-length``): 413, checked on ``Content-Length`` and while
   the body streams in (the body is buffered, then replayed to the app);
4. statement length of statement-carrying requests (``sql-gateway.limits.statement.max-length``):
   413.

The principal's name is stored as ``scope["state"]["principal"]`` (None when authentication is
off), which the app passes to every ``GatewayService`` call so sessions stay bound to their owner;
the full ``Principal`` (name and method) is ``scope["sqlgateway.principal"]``.

``middleware(settings, service)`` is the factory ``sqlgateway.server`` looks up.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread
import orjson

from sqlgateway import config
from sqlgateway.config import Settings
from sqlgateway.security import options as opt
from sqlgateway.security.authenticator import AuthenticationError, Authenticator
from sqlgateway.security.credentials import Principal
from sqlgateway.security.ratelimit import RateLimiter

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PRINCIPAL_KEY = "sqlgateway.principal"
JSON_UTF8 = b"application/json; charset=UTF-8"
_STATEMENT_SUFFIXES = ("/statements", "/configure-session", "/complete-statement", "/scripts")


class RequestRefused(Exception):
    """A request is answered by the middleware itself with this status, message and headers."""

    def __init__(
        self, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or []


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


def principal_of(scope: Scope) -> Principal | None:
    """The authenticated principal of a request scope (None when auth is off)."""
    principal = scope.get(PRINCIPAL_KEY)
    return principal if isinstance(principal, Principal) else None


class AuthMiddleware:
    """Authentication, rate limiting and size limits in front of the gateway app."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        authenticator: Authenticator | None = None,
    ) -> None:
        self.app = app
        self.authenticator = authenticator or Authenticator.from_settings(settings)
        rate = settings.get(opt.RATE_PER_SECOND)
        self.limiter = RateLimiter(rate, settings.get(opt.RATE_BURST)) if rate > 0 else None
        failures = settings.get(opt.AUTH_FAILURES_PER_SECOND)
        self.failures = RateLimiter(failures, 10) if failures > 0 and self.authenticator else None
        self.max_body = settings.get(config.MAX_CONTENT_LENGTH)
        self.max_statement = settings.get(opt.STATEMENT_MAX_LENGTH)
        self.cors = settings.get(config.CORS_ORIGIN).encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        try:
            principal = await self._authenticate(scope)
            self._rate_limit(scope, principal)
            if scope["type"] == "http" and not self._within_limits(scope):
                receive = await self._buffered(scope, receive)
        except RequestRefused as refused:
            await self._refuse(scope, send, refused)
            return
        scope.setdefault("state", {})["principal"] = principal.name if principal else None
        scope[PRINCIPAL_KEY] = principal
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: Scope) -> Principal | None:
        auth = self.authenticator
        if auth is None:
            return None
        header = _header(scope, b"authorization")
        address = _address(scope)
        if self.failures is not None and (wait := self.failures.wait_time(address)) > 0:
            raise RequestRefused(
                429,
                f"Too many failed authentication attempts from {address} "
                f"({opt.AUTH_FAILURES_PER_SECOND.key}). Retry after {wait:.2f} s.",
                [(b"retry-after", str(max(1, math.ceil(wait))).encode())],
            )
        try:
            return await anyio.to_thread.run_sync(auth.authenticate, header)
        except AuthenticationError as exc:
            if self.failures is not None:
                self.failures.acquire(address)
            challenges = [(b"www-authenticate", c.encode("latin-1")) for c in auth.challenges()]
            raise RequestRefused(401, str(exc), challenges) from exc

    def _rate_limit(self, scope: Scope, principal: Principal | None) -> None:
        if self.limiter is None:
            return
        key = principal.name if principal is not None else _address(scope)
        wait = self.limiter.acquire(key)
        if wait > 0:
            raise RequestRefused(
                429,
                f"Too many requests from '{key}': the limit is {self.limiter.rate:g} per second "
                f"({opt.RATE_PER_SECOND.key}). Retry after {wait:.2f} s.",
                [(b"retry-after", str(max(1, math.ceil(wait))).encode())],
            )

    def _too_large(self) -> RequestRefused:
        return RequestRefused(
            413,
            f"content length exceeded {self.max_body} bytes. "
            f"Try to raise [{config.MAX_CONTENT_LENGTH.key}]",
        )

    def _within_limits(self, scope: Scope) -> bool:
        """The declared body is within both size limits, so it needs no buffering: the HTTP
        server delivers no more than ``Content-Length`` bytes, and a request with neither
        ``Content-Length`` nor ``Transfer-Encoding`` has no body."""
        length: bytes | None = None
        for key, value in scope.get("headers", ()):
            name = key.lower()
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                return False
        if length is None:
            return True
        if not length.isdigit():
            return False
        limit = self.max_body if self.max_statement <= 0 else min(self.max_body, self.max_statement)
        return int(length) <= limit

    async def _buffered(self, scope: Scope, receive: Receive) -> Receive:
        """Read the whole body (refusing it past the limit) and return a replaying receive."""
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_body:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return _replay([message], receive)
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_body:
                raise self._too_large()
            chunks.append(body)
            if not message.get("more_body", False):
                break
        data = b"".join(chunks)
        self._check_statement(scope, data)
        return _replay([{"type": "http.request", "body": data, "more_body": False}], receive)

    def _check_statement(self, scope: Scope, body: bytes) -> None:
        """Refuse a too-long ``statement``/``script``; JSON escapes make characters <= bytes,
        so only bodies longer than the limit need parsing."""
        limit = self.max_statement
        if limit <= 0 or len(body) <= limit:
            return
        if not str(scope.get("path", "")).rstrip("/").endswith(_STATEMENT_SUFFIXES):
            return
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return  # the app answers its own 400
        if not isinstance(data, dict):
            return
        for field in ("statement", "script"):
            text = data.get(field)
            if isinstance(text, str) and len(text) > limit:
                raise RequestRefused(
                    413,
                    f"The {field} has {len(text)} characters, more than the limit of {limit} "
                    f"({opt.STATEMENT_MAX_LENGTH.key}).",
                )

    async def _refuse(self, scope: Scope, send: Send, refused: RequestRefused) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": refused.message[:120]})
            return
        body = orjson.dumps({"errors": [refused.message]})
        headers = [
            (b"content-type", JSON_UTF8),
            (b"content-length", str(len(body)).encode()),
            (b"access-control-allow-origin", self.cors),
            *refused.headers,
        ]
        if refused.status == 413:
            headers.append((b"connection", b"close"))  # the unread body is not drained
        await send({"type": "http.response.start", "status": refused.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive callable that yields ``messages`` first, then defers to the real one."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def middleware(settings: Settings, service: object = None) -> Callable[[ASGIApp], ASGIApp]:
    """Factory used by ``sqlgateway.server``: wraps the app in :class:`AuthMiddleware`.
    Building it validates the credential files now (a bad file fails start-up), and makes sure
    the DuckDB SQL sandbox is applied before the first request (idempotent)."""
    authenticator = Authenticator.from_settings(settings)
    engine = getattr(service, "engine", None)
    if engine is not None:
        from sqlgateway.engine.duckdb.sandbox import ensure_sandbox

        ensure_sandbox(engine, settings)

    def wrap(app: ASGIApp) -> ASGIApp:
        return AuthMiddleware(app, settings, authenticator)

    return wrap
