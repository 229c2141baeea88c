"""The ASGI application: Flink's router (method + path, versions, 404s), request parsing and
error rendering around the handlers, plus extra (non-Flink) routes such as the console.

The Flink table is matched by hand rather than with Starlette's router because Flink's rules
differ (a wrong method is a 404, not a 405; a trailing slash is accepted; parameter errors are
Flink-worded 400s). Extra routes are ordinary Starlette routes tried when nothing else matches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import parse_qs, unquote

import anyio.to_thread
from starlette.routing import BaseRoute, Match

from sqlgateway import config
from sqlgateway.config import Settings
from sqlgateway.errors import BadRequestError, GatewayError, LimitExceededError, NotFoundError
from sqlgateway.rest import handlers
from sqlgateway.rest.errors import error_body, not_found, server_side_errors, single_string_errors
from sqlgateway.rest.handlers import Request
from sqlgateway.rest.messages import parse_body
from sqlgateway.rest.routes import ENDPOINTS, ROUTE_KEY, Endpoint
from sqlgateway.rest.versions import BY_PREFIX, DEFAULT, ApiVersion
from sqlgateway.service.gateway import GatewayService

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_PARAM_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "session_handle": handlers.parse_uuid,
    "operation_handle": handlers.parse_uuid,
    "token": handlers.parse_long,
    "identifier": lambda key, text: unquote(text),
}

Handler = Callable[[Request], bytes]
_Candidate = tuple[Endpoint, tuple[str, ...], str]
# endpoint, version, raw path parameters, route template with its version prefix
RouteMatch = tuple[Endpoint, ApiVersion, dict[str, str], str]


class _Table:
    """(method, segment count) -> candidate (endpoint, version) pairs, per prefix kind."""

    def __init__(self) -> None:
        # candidates carry their path segments and template (computed once, not per request)
        self.versioned: dict[tuple[ApiVersion, str, int], list[_Candidate]] = {}
        self.unprefixed: dict[tuple[str, int], list[_Candidate]] = {}
        for e in ENDPOINTS:
            candidate = (e, e.segments, e.template)
            n = len(e.segments)
            for v in e.versions:
                self.versioned.setdefault((v, e.method, n), []).append(candidate)
            if e.unprefixed:
                self.unprefixed.setdefault((e.method, n), []).append(candidate)

    def match(self, method: str, path: str) -> RouteMatch | None:
        """The endpoint, version, raw path parameters and route template (metrics label)."""
        segments = [s for s in path.split("/") if s] if path not in ("", "/") else []
        if not segments:
            return None
        version = BY_PREFIX.get(segments[0])
        if version is not None:
            rest = segments[1:]
            candidates = self.versioned.get((version, method, len(rest)), [])
            prefix = version.prefix
        else:
            rest = segments
            version = DEFAULT
            candidates = self.unprefixed.get((method, len(rest)), [])
            prefix = ""
        for e, segments_of_e, template in candidates:
            params = _bind(segments_of_e, rest)
            if params is not None:
                return e, version, params, prefix + template
        return None


def _bind(template: Sequence[str], segments: Sequence[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for t, s in zip(template, segments, strict=True):
        if t.startswith(":"):
            params[t[1:]] = s
        elif t != s:
            return None
    return params


class GatewayApp:
    """The Flink SQL Gateway REST endpoint as an ASGI app.

    Handlers are blocking functions. Cheap ones run on the event loop; the others on AnyIO's
    worker threads, except where a service check (the route's ``inline_if``) says that this
    particular call will not block. A fetch waits for its operation (long-poll) without holding
    a thread."""

    def __init__(
        self, settings: Settings, service: GatewayService, extra_routes: Sequence[BaseRoute] = ()
    ) -> None:
        self.settings = settings
        self.service = service
        self._table = _Table()
        self._extra = list(extra_routes)
        self._max_body = settings.get(config.MAX_CONTENT_LENGTH)
        self._fetch_wait = settings.get(config.FETCH_MAX_WAIT)
        cors = settings.get(config.CORS_ORIGIN).encode()
        self._headers = [
            (b"content-type", b"application/json; charset=UTF-8"),
            (b"access-control-allow-origin", cors),
            (b"connection", b"keep-alive"),
        ]
        self._runners = {id(e): self._runner(e) for e in ENDPOINTS}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self._lifespan(receive, send)
            return
        found = self._table.match(scope["method"], scope["path"])
        if found is None:
            await self._extra_route(scope, receive, send)
            return
        endpoint, version, raw_params, scope[ROUTE_KEY] = found
        request: Request | None = None
        try:
            try:
                body = await self._read_body(receive)
                request = self._request(scope, endpoint, version, raw_params, body)
                payload = await self._runners[id(endpoint)](request)
            except Exception as exc:  # every failure becomes Flink's error envelope
                await self._send_error(send, exc, endpoint.shape)
                return
            await self._send(send, 200, payload)
        finally:
            if request is not None and request.after_response:
                # after the transport's flush (rest/coalesce.py), which was scheduled first
                loop = asyncio.get_running_loop()
                for deferred in request.after_response:
                    loop.call_soon(deferred)

    async def _extra_route(self, scope: Scope, receive: Receive, send: Send) -> None:
        for route in self._extra:
            match, child = route.matches(scope)
            if match is Match.FULL:
                scope.update(child)
                await route.handle(scope, receive, send)
                return
        await self._send_error(send, not_found(_request_uri(scope)), "A")

    def _runner(self, endpoint: Endpoint) -> Runner:
        handler: Handler = getattr(handlers, endpoint.handler)
        if not endpoint.blocking:
            return _inline(handler)
        if endpoint.inline_if == "fetch_ready":
            return self._fetch
        check = _CHECKS.get(endpoint.inline_if)
        if check is None:
            return _on_thread(handler)

        async def run(request: Request) -> bytes:
            if check(self.service, request):
                return handler(request)
            return await anyio.to_thread.run_sync(handler, request)

        return run

    async def _fetch(self, request: Request) -> bytes:
        """Long-poll for the operation on the loop, then serve the page inline when it is in
        memory (or the answer is NOT_READY or an error), else on a worker thread."""
        handlers.row_format_of(request)  # a bad rowFormat is answered before any waiting
        service, wait = self.service, request.fetch_wait
        session, operation, token = request.session, request.operation, request.params["token"]
        if wait > 0:
            await _until_done(service, request, wait)
        if service.fetch_ready(session, operation, token, request.principal):
            request.fetch_wait = 0.0  # already waited: a still-running operation is NOT_READY
            return handlers.fetch_results(request)
        return await anyio.to_thread.run_sync(handlers.fetch_results, request)

    def _request(
        self,
        scope: Scope,
        endpoint: Endpoint,
        version: ApiVersion,
        raw_params: dict[str, str],
        body: bytes,
    ) -> Request:
        params = {k: _PARAM_PARSERS.get(k, _identity)(k, v) for k, v in raw_params.items()}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        return Request(
            service=self.service,
            version=version,
            params=params,
            query=query,
            body=parse_body(endpoint.request_body, body),
            principal=_principal(scope),
            fetch_wait=self._fetch_wait,
        )

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                raise LimitExceededError(
                    f"Request body of more than {self._max_body} bytes refused "
                    "(rest.server.max-content-length).",
                    http_status=413,
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _send(self, send: Send, status: int, payload: bytes) -> None:
        headers = [*self._headers, (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    async def _send_error(self, send: Send, exc: BaseException, shape: str) -> None:
        status, messages = render_error(exc, shape)
        await self._send(send, status, error_body(messages))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def render_error(exc: BaseException, shape: str) -> tuple[int, list[str]]:
    """Status and ``errors`` list for any exception, by the endpoint's error shape."""
    if isinstance(exc, NotFoundError):
        return 404, [exc.message]
    if isinstance(exc, BadRequestError):
        return 400, single_string_errors(exc)
    if isinstance(exc, GatewayError):
        if exc.flat or exc.http_status != 500:
            return exc.http_status, [exc.message]
        if shape == "B":
            return 500, single_string_errors(exc)
        return 500, server_side_errors(exc)
    log.error("unexpected error while handling a request", exc_info=exc)
    return 500, server_side_errors(exc)


def _identity(key: str, value: str) -> str:
    return value


Runner = Callable[[Request], Awaitable[bytes]]

# inline_if name -> the service check that allows running the handler on the event loop
_CHECKS: dict[str, Callable[[GatewayService, Request], bool]] = {
    "opens_cheaply": lambda svc, r: svc.opens_cheaply(r.body.string_map("properties")),
    "session_is_cheap": lambda svc, r: svc.session_is_cheap(r.session, r.principal),
}


def _inline(handler: Handler) -> Runner:
    async def run(request: Request) -> bytes:
        return handler(request)

    return run


def _on_thread(handler: Handler) -> Runner:
    async def run(request: Request) -> bytes:
        return await anyio.to_thread.run_sync(handler, request)

    return run


async def _until_done(service: GatewayService, request: Request, wait: float) -> None:
    """Wait up to ``wait`` seconds for the operation to end, without a thread."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def wake() -> None:  # on the thread that ends the operation
        with contextlib.suppress(RuntimeError):  # the loop is already closed (shutdown)
            loop.call_soon_threadsafe(_resolve, done)

    unregister = service.when_done(request.session, request.operation, wake, request.principal)
    if unregister is None:
        return
    timer = loop.call_later(wait, _resolve, done)
    try:
        await done
    finally:
        timer.cancel()
        unregister()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _principal(scope: Scope) -> str | None:
    state = scope.get("state")
    if isinstance(state, dict):
        p = state.get("principal")
        return str(p) if p is not None else None
    return None


def _request_uri(scope: Scope) -> str:
    raw = scope.get("raw_path") or scope["path"].encode()
    uri = raw.decode("latin-1")
    qs = scope.get("query_string", b"")
    return f"{uri}?{qs.decode('latin-1')}" if qs else uri


def create_app(
    settings: Settings,
    service: GatewayService,
    extra_routes: Sequence[BaseRoute] = (),
    middleware: Sequence[Callable[[ASGIApp], ASGIApp]] = (),
) -> ASGIApp:
    """The gateway's ASGI app; ``middleware`` wraps it outermost-last."""
    app: ASGIApp = GatewayApp(settings, service, extra_routes)
    for wrap in middleware:
        app = wrap(app)
    return app
