"""Prometheus metrics at ``/metrics`` (outside Flink's route table).

* :class:`GatewayCollector` reads the service's plain counters (``service.stats``, a
  ``GatewayStats``) at scrape time: sessions, operations by status, statement latency,
  rows/bytes served, data/empty/not-ready pages, engine errors.
* :class:`HttpMetricsMiddleware` times every HTTP request by method, route template and status.

Each service gets its own ``CollectorRegistry`` (:func:`metrics_for`), so several gateways in one
process (tests) never share series. The server calls :func:`routes` and :func:`middleware`.
"""

from __future__ import annotations

import bisect
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.gc_collector import GCCollector
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sqlgateway import __version__, config
from sqlgateway.config import Settings
from sqlgateway.rest.accesslog import RouteTemplates
from sqlgateway.rest.routes import ROUTE_KEY

PREFIX = "sqlgateway"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                   10.0, 30.0, 60.0)  # fmt: skip

# (stats attribute, metric name, help) for plain monotonic counters
_COUNTERS = (
    ("sessions_opened", "sessions_opened", "Sessions opened since start."),
    ("sessions_closed", "sessions_closed", "Sessions closed by a client since start."),
    ("sessions_expired", "sessions_expired", "Sessions closed for being idle too long."),
    ("statements_executed", "statements_executed", "Statements submitted for execution."),
    ("engine_errors", "engine_errors", "Statements or fetches that failed in the engine."),
    ("rows_served", "rows_served", "Result rows sent to clients."),
    ("bytes_served", "bytes_served", "Bytes of result pages sent to clients."),
)
_PAGE_KINDS = (("pages_data", "data"), ("pages_empty", "empty"), ("pages_not_ready", "not_ready"))


def _num(stats: object, name: str) -> float:
    value = getattr(stats, name, 0)
    return float(value) if isinstance(value, int | float) else 0.0


class LatencyHistogram:
    """Cumulative histogram fed with raw observations (the service's drained latency log)."""

    def __init__(self, buckets: Iterable[float] = LATENCY_BUCKETS) -> None:
        self.bounds = sorted(buckets)
        self.counts = [0] * (len(self.bounds) + 1)  # last slot: above every bound (+Inf)
        self.total = 0.0
        self._lock = threading.Lock()

    def observe_all(self, values: Iterable[float]) -> None:
        with self._lock:
            for value in values:
                self.counts[bisect.bisect_left(self.bounds, value)] += 1
                self.total += value

    def buckets(self) -> list[tuple[str, float]]:
        with self._lock:
            out, running = [], 0
            for bound, count in zip([*self.bounds, float("inf")], self.counts, strict=True):
                running += count
                out.append(("+Inf" if bound == float("inf") else repr(bound), float(running)))
            return out

    def sum(self) -> float:
        with self._lock:
            return self.total


class GatewayCollector(Collector):
    """Turns ``service.stats`` into Prometheus metric families at each scrape."""

    def __init__(self, service: object) -> None:
        self._service: Callable[[], object | None] = (
            weakref.ref(service) if _weakrefable(service) else _constant(service)
        )
        self.latency = LatencyHistogram()

    def _stats(self) -> object | None:
        service = self._service()
        return getattr(service, "stats", None) if service is not None else None

    def collect(self) -> Iterator[Metric]:
        stats = self._stats()
        if stats is None:
            return
        yield from _counter_families(stats)
        yield _sessions_open(self._service(), stats)
        yield _gauge("worker_threads", "Operation worker threads alive.", self._service())
        yield _operations_by_status(stats)
        current = _operations_current(self._service())
        if current is not None:
            yield current
        yield _build_info(self._service())
        yield _pages(stats)
        drain = getattr(stats, "drain_latencies", None)
        if callable(drain):
            self.latency.observe_all(drain())
        yield HistogramMetricFamily(
            f"{PREFIX}_statement_latency_seconds",
            "Time from submitting a statement until its operation finished executing.",
            buckets=self.latency.buckets(),
            sum_value=self.latency.sum(),
        )


def _constant(obj: object) -> Callable[[], object | None]:
    def get() -> object | None:
        return obj

    return get


def _weakrefable(obj: object) -> bool:
    try:
        weakref.ref(obj)
    except TypeError:
        return False
    return True


def _counter_families(stats: object) -> Iterator[Metric]:
    for attr, name, doc in _COUNTERS:
        yield CounterMetricFamily(f"{PREFIX}_{name}", doc, value=_num(stats, attr))


def _sessions_open(service: object, stats: object) -> Metric:
    count = getattr(service, "session_count", None)
    if isinstance(count, int):
        value = float(count)
    else:  # derived from the counters when the service keeps no live count
        ended = _num(stats, "sessions_closed") + _num(stats, "sessions_expired")
        value = _num(stats, "sessions_opened") - ended
    return GaugeMetricFamily(f"{PREFIX}_sessions_open", "Sessions open now.", value=value)


def _gauge(name: str, doc: str, service: object) -> Metric:
    return GaugeMetricFamily(f"{PREFIX}_{name}", doc, value=_num(service, name))


def _operations_by_status(stats: object) -> Metric:
    family = CounterMetricFamily(
        f"{PREFIX}_operations", "Operations that entered each status.", labels=["status"]
    )
    by_status = getattr(stats, "operations_by_status", {})
    if isinstance(by_status, Mapping):
        for status, count in sorted(by_status.items()):
            family.add_metric([str(status)], float(count))
    return family


def _operations_current(service: object) -> Metric | None:
    """Operations per status right now, when the service can count them
    (``operation_status_counts() -> Mapping[str, int]``)."""
    counts = getattr(service, "operation_status_counts", None)
    if not callable(counts):
        return None
    family = GaugeMetricFamily(
        f"{PREFIX}_operations_current", "Operations in each status now.", labels=["status"]
    )
    for status, count in sorted(dict(counts()).items()):
        family.add_metric([str(status)], float(count))
    return family


def _build_info(service: object) -> Metric:
    settings = getattr(service, "settings", None)
    engine = settings.get(config.ENGINE) if isinstance(settings, Settings) else "unknown"
    family = GaugeMetricFamily(
        f"{PREFIX}_build_info", "Version and engine of this gateway.", labels=["version", "engine"]
    )
    family.add_metric([__version__, str(engine)], 1.0)
    return family


def _pages(stats: object) -> Metric:
    family = CounterMetricFamily(
        f"{PREFIX}_result_pages",
        "Fetch-result answers: pages with rows (data), empty PAYLOAD pages, NOT_READY.",
        labels=["kind"],
    )
    for attr, kind in _PAGE_KINDS:
        family.add_metric([kind], _num(stats, attr))
    return family


class GatewayMetrics:
    """The registry of one gateway: service counters, HTTP latency, process metrics."""

    def __init__(self, service: object) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.collector = GatewayCollector(service)
        self.registry.register(self.collector)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.http_latency = Histogram(
            f"{PREFIX}_http_request_duration_seconds",
            "HTTP request latency by method, route template and status code.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)

    async def endpoint(self, request: Request) -> Response:
        return Response(self.render(), media_type=CONTENT_TYPE_LATEST)

    def routes(self) -> list[BaseRoute]:
        return [Route("/metrics", self.endpoint, methods=["GET"], name="metrics")]


_BY_SERVICE: dict[int, GatewayMetrics] = {}
_BY_SERVICE_LOCK = threading.Lock()


def metrics_for(service: object) -> GatewayMetrics:
    """The (single) GatewayMetrics of ``service``; created on first use."""
    key = id(service)
    with _BY_SERVICE_LOCK:
        found = _BY_SERVICE.get(key)
        if found is None:
            found = _BY_SERVICE[key] = GatewayMetrics(service)
            if _weakrefable(service):
                weakref.finalize(service, _BY_SERVICE.pop, key, None)
        return found


def routes(service: object) -> list[BaseRoute]:
    """``GET /metrics`` for ``service`` (Prometheus text format)."""
    return metrics_for(service).routes()


class HttpMetricsMiddleware:
    """Observes ``sqlgateway_http_request_duration_seconds`` for every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.histogram = metrics.http_latency
        self.templates = RouteTemplates()
        # (method, route, status) -> labelled child: labels() costs a lock and validation
        self._children: dict[tuple[str, str, int], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            # the gateway app leaves the matched template in the scope; other routes: by path
            route = scope.get(ROUTE_KEY) or self.templates.label(str(scope.get("path", "")))
            self._child(str(scope.get("method", "")), route, status).observe(
                time.perf_counter() - started
            )

    def _child(self, method: str, route: str, status: int) -> Any:
        key = (method, route, status)
        child = self._children.get(key)
        if child is None:
            child = self.histogram.labels(method, route, str(status))
            if len(self._children) < 4096:  # methods are client-chosen: stay bounded
                self._children[key] = child
        return child


def middleware(settings: Settings, service: object) -> Callable[[ASGIApp], ASGIApp]:
    """Factory used by the server: wraps the app in :class:`HttpMetricsMiddleware`."""
    metrics = metrics_for(service)

    def wrap(app: ASGIApp) -> ASGIApp:
        return HttpMetricsMiddleware(app, metrics)

    return wrap
