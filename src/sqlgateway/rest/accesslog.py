"""ASGI middleware writing one structured access-log record per HTTP request.

The record goes to the ``sqlgateway.access`` logger with extras ``method``, ``path``,
``query``, ``status``, ``bytes``, ``duration_ms``, ``client`` and ``route`` (the route-table
template, e.g. ``/v4/sessions/:session_handle``); :mod:`sqlgateway.logsetup` renders it as text
or JSON and turns it off with ``sql-gateway.log.access: false``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sqlgateway.config import Settings
from sqlgateway.logsetup import ACCESS_LOGGER, access_log_enabled
from sqlgateway.rest.routes import ENDPOINTS, ROUTE_KEY, Endpoint

log = logging.getLogger(ACCESS_LOGGER)


class RouteTemplates:
    """Request path -> route-table template (``/v2/sessions/:session_handle``), so latency series
    stay bounded: unknown paths share the label ``unmatched``."""

    def __init__(self, endpoints: Iterable[Endpoint] = ENDPOINTS) -> None:
        self._by_len: dict[int, list[tuple[str, ...]]] = {}
        for e in endpoints:
            for prefix in [f"v{int(v)}" for v in e.versions] + ([""] if e.unprefixed else []):
                segments = ((prefix,) if prefix else ()) + e.segments
                self._by_len.setdefault(len(segments), []).append(segments)

    def label(self, path: str) -> str:
        segments = tuple(s for s in path.split("/") if s)
        for template in self._by_len.get(len(segments), []):
            if all(t.startswith(":") or t == s for t, s in zip(template, segments, strict=True)):
                return "/" + "/".join(template)
        if path in _EXTRA_PATHS:
            return path
        for prefix in ("/console/", "/openapi/"):
            if path.startswith(prefix):
                return prefix + "*"
        return "unmatched"


_EXTRA_PATHS = frozenset({"/metrics", "/console", "/console/", "/openapi", "/openapi/"})


class AccessLogMiddleware:
    """Times each HTTP request and logs it after the response has been sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.templates = RouteTemplates()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, int] = {"status": 500, "bytes": 0}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = int(message["status"])
            elif message["type"] == "http.response.body":
                state["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get(ROUTE_KEY) or self.templates.label(str(scope.get("path", "")))
            _log_request(scope, state, route, time.perf_counter() - started)


def _log_request(scope: Scope, state: dict[str, int], route: str, seconds: float) -> None:
    client = scope.get("client")
    fields: dict[str, Any] = {
        "method": scope.get("method", ""),
        "path": scope.get("path", ""),
        "query": scope.get("query_string", b"").decode("latin-1"),
        "status": state["status"],
        "bytes": state["bytes"],
        "duration_ms": round(seconds * 1000, 3),
        "client": f"{client[0]}:{client[1]}" if client else "-",
        "route": route,
    }
    target = fields["path"] + (f"?{fields['query']}" if fields["query"] else "")
    log.info(
        '%s "%s %s" %d %dB %.1fms',
        fields["client"], fields["method"], target, fields["status"], fields["bytes"],
        fields["duration_ms"], extra=fields,
    )  # fmt: skip


def middleware(settings: Settings, service: object) -> Callable[[ASGIApp], ASGIApp] | None:
    """Factory used by the server; ``None`` when ``sql-gateway.log.access`` is off."""
    if not access_log_enabled(settings):
        return None
    return AccessLogMiddleware
