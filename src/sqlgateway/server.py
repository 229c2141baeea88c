"""Build and run the gateway: settings -> engine -> service -> ASGI app -> uvicorn.

Shutdown (SIGINT/SIGTERM): stop accepting, interrupt running statements, close sessions, exit
within ``sql-gateway.shutdown.timeout`` (+1 s hard stop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import uvicorn

from sqlgateway import __version__, config
from sqlgateway.config import ConfigError, Settings
from sqlgateway.engine import create_engine
from sqlgateway.rest.app import ASGIApp, create_app
from sqlgateway.rest.coalesce import coalescing_protocol
from sqlgateway.security.tls import tls_enabled, uvicorn_ssl_options
from sqlgateway.service.gateway import GatewayService

log = logging.getLogger(__name__)

READY_LINE = "sqlgateway: REST endpoint listening on"


@dataclass
class Gateway:
    """A built gateway: its service, app and bound socket (not yet serving)."""

    settings: Settings
    service: GatewayService
    app: ASGIApp
    sock: socket.socket

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def host(self) -> str:
        return str(self.sock.getsockname()[0])

    @property
    def url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "::"):
            host = self.settings.get(config.REST_ADDRESS)
        scheme = "https" if tls_enabled(self.settings) else "http"  # security: TLS
        return f"{scheme}://{'[' + host + ']' if ':' in host else host}:{self.port}"


def bind_socket(settings: Settings) -> socket.socket:
    """Bind the first free port of ``bind-port`` (or ``port``) on the bind address."""
    host = settings.get(config.REST_BIND_ADDRESS) or settings.get(config.REST_ADDRESS)
    ports = settings.get(config.REST_BIND_PORT) or (settings.get(config.REST_PORT),)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    last_error: OSError | None = None
    for port in ports:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit TCP_NODELAY. asyncio/uvloop only set it themselves on sockets
        # created with proto=IPPROTO_TCP; without it the body write (sent after the headers)
        # waits for the client's delayed ACK: ~40 ms per keep-alive request.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        sock.listen(2048)
        sock.setblocking(False)
        return sock
    raise ConfigError(f"cannot bind {host} on port(s) {_ports_text(ports)}: {last_error}")


def _ports_text(ports: Sequence[int]) -> str:
    return str(ports[0]) if len(ports) == 1 else f"{ports[0]}-{ports[-1]}"


def extension_routes(service: GatewayService) -> list[Any]:
    """Non-Flink routes (console, metrics, OpenAPI) from the optional modules that are present.
    A module that fails to load is logged and skipped: the Flink endpoint must still start."""
    from sqlgateway.rest.routes import ENDPOINTS

    calls: list[tuple[str, Callable[[Any], list[Any]]]] = [
        ("sqlgateway.rest.console", lambda m: m.routes()),
        ("sqlgateway.rest.metrics", lambda m: m.routes(service)),
        ("sqlgateway.rest.openapi", lambda m: m.routes(ENDPOINTS)),
    ]
    routes: list[Any] = []
    for module, call in calls:
        try:
            mod = __import__(module, fromlist=["routes"])
        except ModuleNotFoundError as exc:
            log.debug("extension %s not installed: %s", module, exc)
            continue
        try:
            routes.extend(call(mod))
        except Exception:
            log.exception("extension %s could not be loaded; continuing without it", module)
    return routes


def middleware(settings: Settings, service: GatewayService) -> list[Callable[[ASGIApp], ASGIApp]]:
    """The ASGI middleware, innermost first: metrics, authentication, access log. Imported
    unconditionally so that a broken install fails at start-up instead of running without
    authentication (fail closed)."""
    from sqlgateway.rest import accesslog, auth, metrics

    out: list[Callable[[ASGIApp], ASGIApp]] = []
    for factory in (metrics.middleware, auth.middleware, accesslog.middleware):
        wrap = factory(settings, service)
        if wrap is not None:
            out.append(wrap)
    return out


def build(settings: Settings) -> Gateway:
    """Engine, service, app and socket, ready to serve."""
    sock = bind_socket(settings)
    try:
        engine = create_engine(settings)
    except ConfigError:
        sock.close()
        raise
    except Exception as exc:  # e.g. an unusable database file: one clear line, no traceback
        sock.close()
        name = settings.get(config.ENGINE)
        raise ConfigError(f"cannot start the {name} engine: {type(exc).__name__}: {exc}") from exc
    service = GatewayService(settings, engine)
    app = create_app(settings, service, extension_routes(service), middleware(settings, service))
    return Gateway(settings, service, app, sock)


def uvicorn_config(gateway: Gateway, **overrides: Any) -> uvicorn.Config:
    kwargs: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "lifespan": "off",
        "timeout_graceful_shutdown": 1,
        "timeout_keep_alive": 30,
        "server_header": False,
        "proxy_headers": False,
        "date_header": False,
    }
    with contextlib.suppress(ImportError):
        import uvloop  # noqa: F401

        kwargs["loop"] = "uvloop"
    with contextlib.suppress(ImportError):
        import httptools  # noqa: F401

        # httptools, writing each response with one socket write (see rest/coalesce.py)
        kwargs["http"] = coalescing_protocol() or "httptools"
    kwargs.update(uvicorn_ssl_options(gateway.settings))  # security: HTTPS / mutual TLS
    kwargs.update(overrides)
    return uvicorn.Config(gateway.app, **kwargs)


def serve(settings: Settings, **uvicorn_overrides: Any) -> int:
    """Run the gateway in the foreground until SIGINT/SIGTERM; returns the exit code."""
    gateway = build(settings)
    server = uvicorn.Server(uvicorn_config(gateway, **uvicorn_overrides))
    engine_name = settings.get(config.ENGINE)
    print(f"{READY_LINE} {gateway.url} (engine {engine_name}, sqlgateway {__version__})",
          flush=True)  # fmt: skip

    def on_signal(signum: int, frame: Any) -> None:
        log.info("signal %s: shutting down", signum)
        server.should_exit = True

    with _signals(on_signal), asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(server.serve(sockets=[gateway.sock]))
        # connections are drained; interrupt statements and close sessions, bounded in time
        threading.Thread(target=_hard_stop_after, args=(settings,), daemon=True).start()
        gateway.service.close()
    gateway.sock.close()
    log.info("gateway stopped")
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # Native engine threads (DuckDB, the JVM) may still be unwinding interrupted statements;
    # leaving without running interpreter teardown avoids aborts in their destructors.
    os._exit(0)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (uvicorn[standard] brings it): faster hops between threads and
    the loop. ``asyncio.run`` would ignore uvicorn's own ``loop`` setting."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _hard_stop_after(settings: Settings) -> None:
    timeout = settings.get(config.SHUTDOWN_TIMEOUT)
    threading.Event().wait(timeout)
    sys.stderr.write("sqlgateway: shutdown took too long, exiting\n")
    sys.stderr.flush()
    os._exit(0)


@contextlib.contextmanager
def _signals(handler: Callable[[int, Any], None]) -> Any:
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in previous:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
