"""ASGI middleware writing one structured access-log record per HTTP request.

The record goes to the ``sqlgateway.access`` logger with extras ``method``, ``path``,
``query``, ``status``, ``bytes``, ``duration_ms``, ``client`` and ``route`` (the matched route
template, or ``-``); :mod:`sqlgateway.logsetup` renders it as text or JSON and turns it off with
``sql-gateway.log.access: false``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sqlgateway.logsetup import ACCESS_LOGGER

log = logging.getLogger(ACCESS_LOGGER)


def route_template(scope: Scope) -> str | None:
    """The path template of the route that handled the request (set by Starlette's router)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


class AccessLogMiddleware:
    """Times each HTTP request and logs it after the response has been sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
            _log_request(scope, state, time.perf_counter() - started)


def _log_request(scope: Scope, state: dict[str, int], seconds: float) -> None:
    client = scope.get("client")
    fields: dict[str, Any] = {
        "method": scope.get("method", ""),
        "path": scope.get("path", ""),
        "query": scope.get("query_string", b"").decode("latin-1"),
        "status": state["status"],
        "bytes": state["bytes"],
        "duration_ms": round(seconds * 1000, 3),
        "client": f"{client[0]}:{client[1]}" if client else "-",
        "route": route_template(scope) or "-",
    }
    target = fields["path"] + (f"?{fields['query']}" if fields["query"] else "")
    log.info(
        '%s "%s %s" %d %dB %.1fms',
        fields["client"], fields["method"], target, fields["status"], fields["bytes"],
        fields["duration_ms"], extra=fields,
    )  # fmt: skip
