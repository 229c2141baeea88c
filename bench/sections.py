"""The measurements. Each section takes a ``Ctx`` and returns a filled ``Section``; a
``VerificationError`` (wrong data from the gateway) propagates and fails the whole run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.aclient import AsyncConn, handle_of, run_async, select_cycle
from bench.client import DrainStats, GatewayClient, GatewayError, Page, drain
from bench.procmon import ProcMonitor, client_cpu_seconds
from bench.stats import Section, median, percentile, summary_ms
from bench.workloads import VerificationError, Verifier, Workload, check_full_rows100k


@dataclass
class Ctx:
    """Everything a section needs to know about the target and the run."""

    url: str
    version: str
    flavour: str
    quick: bool
    poll_sleep: float
    workloads: dict[str, Workload]
    monitor: ProcMonitor | None = None
    long_poll_url: str | None = None
    long_poll_wait: str = ""
    clients: int = 64
    runs: int = 200
    load_seconds: float = 30.0
    idle_sessions: int = 100_000
    stream_seconds: float = 20.0
    extras: dict[str, str] = field(default_factory=dict)

    def client(self, url: str | None = None) -> GatewayClient:
        return GatewayClient(url or self.url, self.version)

    def host_port(self, url: str | None = None) -> tuple[str, int, str]:
        parts = urlsplit(url or self.url)
        return parts.hostname or "127.0.0.1", parts.port or 8083, parts.path.rstrip("/")


# ---- helpers ----------------------------------------------------------------------------------


def run_statement(c: GatewayClient, session: str, sql: str, ctx: Ctx) -> DrainStats:
    """Execute ``sql`` and fetch it to EOS (setup statements); raises on a failing statement."""
    op = c.execute(session, sql)
    st = drain(c, c.first_uri(session, op, "JSON"), ctx.poll_sleep)
    c.close_operation(session, op)
    return st


def setup_session(c: GatewayClient, wl: Workload, ctx: Ctx) -> str:
    session = c.open_session()
    for sql in wl.setup:
        run_statement(c, session, sql, ctx)
    return session


# ---- SELECT 1 / SHOW CATALOGS cycles ------------------------------------------------------------


def latency_cycle(ctx: Ctx, key: str, title: str) -> Section:
    """open -> execute -> fetch until EOS -> close session, ``runs`` times after 2 warm-ups."""
    sec = Section(key, title)
    wl = ctx.workloads[key]
    runs = ctx.runs
    c = ctx.client()
    samples: dict[str, list[int]] = {
        k: [] for k in ("open", "execute", "fetch", "first_fetch", "fetch_to_eos", "close", "total")
    }
    calls: list[int] = []
    not_ready: list[int] = []
    mon = ctx.monitor
    cpu0 = scpu0 = 0.0
    for i in range(2 + runs):
        if i == 2:
            cpu0, scpu0 = client_cpu_seconds(), mon.cpu_seconds() if mon else 0.0
        one = _one_cycle(c, wl, ctx)
        if i >= 2:
            for k, v in one.items():
                if k == "fetch_calls":
                    calls.append(v[0])
                elif k == "not_ready":
                    not_ready.append(v[0])
                else:
                    samples[k].extend(v)
    c.close()
    sec.distributions = {k: summary_ms(v) for k, v in samples.items()}
    sec.metrics = {
        "runs": runs,
        "cycle_median_ms": sec.distributions["total"]["median"],
        "cycle_p99_ms": sec.distributions["total"]["p99"],
        "open_median_ms": sec.distributions["open"]["median"],
        "execute_median_ms": sec.distributions["execute"]["median"],
        "fetch_median_ms": sec.distributions["fetch"]["median"],
        "close_median_ms": sec.distributions["close"]["median"],
        "fetch_calls_median": median(calls),
        "not_ready_median": median(not_ready),
        "client_cpu_ms_per_cycle": round((client_cpu_seconds() - cpu0) * 1000 / runs, 3),
    }
    if mon:
        sec.metrics["server_cpu_ms_per_cycle"] = round((mon.cpu_seconds() - scpu0) * 1000 / runs, 3)
    return sec


def _one_cycle(c: GatewayClient, wl: Workload, ctx: Ctx) -> dict[str, list[int]]:
    fetch_ns: list[int] = []
    verifier = Verifier(wl)

    def on_page(page: Page) -> None:
        fetch_ns.append(page.elapsed_ns)
        verifier(page)

    t0 = time.perf_counter_ns()
    session = c.open_session()
    t_open = c.last_ns
    op = c.execute(session, wl.query)
    t_exec = c.last_ns
    st = drain(c, c.first_uri(session, op, "JSON"), ctx.poll_sleep, on_page)
    c.close_session(session)
    t_close = c.last_ns
    total = time.perf_counter_ns() - t0
    verifier.finish()
    if st.rows < 1:
        raise VerificationError(f"{wl.query!r} returned no rows")
    return {
        "open": [t_open], "execute": [t_exec], "fetch": fetch_ns, "first_fetch": [fetch_ns[0]],
        "fetch_to_eos": [st.total_ns], "close": [t_close], "total": [total],
        "fetch_calls": [st.fetch_calls], "not_ready": [st.not_ready],
    }  # fmt: skip


# ---- 100k rows ----------------------------------------------------------------------------------


def rows100k(ctx: Ctx) -> Section:
    """100,000 rows (INT, STRING, DECIMAL(10,2)) to EOS in JSON and PLAIN_TEXT."""
    sec = Section("rows100k", "100,000 rows to EOS (JSON, PLAIN_TEXT)")
    wl = ctx.workloads["rows100k"]
    c = ctx.client()
    session = setup_session(c, wl, ctx)
    runs = 2 if ctx.quick else 7
    for fmt in ("JSON", "PLAIN_TEXT"):
        totals: list[float] = []
        last = DrainStats()
        for i in range(2 + runs):
            bodies: list[bytes] = []
            last, seconds = _timed_query(c, session, wl, fmt, ctx, bodies)
            _verify_bodies(wl, bodies)
            if i == 0:
                check_full_rows100k(bodies, ctx.flavour)
            if i >= 2:
                totals.append(seconds)
        _rows_metrics(sec, fmt.lower(), totals, last)
    c.close_session(session)
    c.close()
    return sec


def _timed_query(
    c: GatewayClient, session: str, wl: Workload, fmt: str, ctx: Ctx, bodies: list[bytes]
) -> tuple[DrainStats, float]:
    """execute -> EOS, collecting page bodies (verified after the clock stops)."""

    def keep(page: Page) -> None:
        bodies.append(page.body)

    t0 = time.perf_counter()
    op = c.execute(session, wl.query)
    st = drain(c, c.first_uri(session, op, fmt), ctx.poll_sleep, keep)
    seconds = time.perf_counter() - t0
    c.close_operation(session, op)
    return st, seconds


def _verify_bodies(wl: Workload, bodies: list[bytes]) -> None:
    from bench.client import parse_page

    verifier = Verifier(wl)
    for body in bodies:
        verifier(parse_page(body, 0))
    verifier.finish()


def _rows_metrics(sec: Section, fmt: str, totals: list[float], st: DrainStats) -> None:
    sec.distributions[f"{fmt}_total"] = summary_ms([int(t * 1e9) for t in totals])
    med = median(totals)
    sec.metrics.update(
        {
            f"{fmt}_median_s": round(med, 4),
            f"{fmt}_p99_s": round(percentile(totals, 99), 4),
            f"{fmt}_rows_per_s": round(st.rows / med) if med else None,
            f"{fmt}_rows": st.rows,
            f"{fmt}_data_pages": st.data_pages,
            f"{fmt}_empty_pages": st.empty_pages,
            f"{fmt}_not_ready": st.not_ready,
            f"{fmt}_max_page_rows": st.max_page_rows,
            f"{fmt}_response_mb": round(st.response_bytes / 1e6, 2),
            f"{fmt}_first_row_ms": round(st.first_row_ns / 1e6, 2),
        }
    )


# ---- 10 M rows ----------------------------------------------------------------------------------


def rows10m(ctx: Ctx) -> Section:
    """Many rows of 9 mixed columns to EOS, verified inline; server RSS sampled throughout."""
    wl = ctx.workloads["rows10m"]
    sec = Section("rows10m", f"{wl.rows:,} rows x 9 mixed columns to EOS (JSON)")
    c = ctx.client()
    session = setup_session(c, wl, ctx)
    mon = ctx.monitor
    rss_before = mon.rss_mb() if mon else None
    peak_reset = mon.reset_peak() if mon else False
    if mon:
        mon.start_sampling()
    cpu0, scpu0 = client_cpu_seconds(), mon.cpu_seconds() if mon else 0.0
    verifier = Verifier(wl)
    t0 = time.perf_counter()
    op = c.execute(session, wl.query)
    st = drain(c, c.first_uri(session, op, "JSON"), ctx.poll_sleep, verifier)
    seconds = time.perf_counter() - t0
    cpu1, scpu1 = client_cpu_seconds(), mon.cpu_seconds() if mon else 0.0
    sampled = mon.stop_sampling() if mon else None
    c.close_operation(session, op)
    c.close_session(session)
    c.close()
    verifier.finish()
    sec.metrics = {
        "rows": st.rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(st.rows / seconds),
        "rows_per_s_in_fetch": round(st.rows / (st.fetch_ns / 1e9)) if st.fetch_ns else None,
        "first_row_ms": round(st.first_row_ns / 1e6, 1),
        "data_pages": st.data_pages,
        "max_page_rows": st.max_page_rows,
        "response_mb": round(st.response_bytes / 1e6, 1),
        "client_cpu_s": round(cpu1 - cpu0, 2),
        "client_cpu_us_per_row": round((cpu1 - cpu0) * 1e6 / max(1, st.rows), 3),
    }
    if mon:
        sec.metrics.update(
            {
                "server_cpu_s": round(scpu1 - scpu0, 2),
                "server_cpu_us_per_row": round((scpu1 - scpu0) * 1e6 / max(1, st.rows), 3),
                "rss_before_mb": round(rss_before or 0, 1),
                "rss_peak_sampled_mb": round(sampled or 0, 1),
                "rss_peak_hwm_mb": round(mon.hwm_mb(), 1) if peak_reset else None,
                "rss_after_mb": round(mon.rss_mb(), 1),
            }
        )
    return sec


# ---- 64 concurrent clients -----------------------------------------------------------------------


def concurrency(ctx: Ctx) -> Section:
    """``clients`` connections each running SELECT 1 cycles back to back for ``load_seconds``."""
    sec = Section("concurrency", f"{ctx.clients} concurrent clients, SELECT 1 cycles")
    mon = ctx.monitor
    host, port, base = ctx.host_port()
    stmt = b'{"statement":"SELECT 1"}'
    result = run_async(lambda: _load(host, port, base, ctx, stmt, mon))
    sec.metrics = result
    if result.get("errors"):
        sec.note = f"{result['errors']} cycles failed; first error: {result.get('first_error')}"
    return sec


async def _load(
    host: str, port: int, base: str, ctx: Ctx, stmt: bytes, mon: ProcMonitor | None
) -> dict[str, float | int | str | None]:
    warm, dur = 1.0, ctx.load_seconds
    loop = asyncio.get_running_loop()
    t_start = loop.time() + warm
    t_end = t_start + dur
    lat: list[float] = []
    errors: list[str] = []
    marks: dict[str, float] = {}

    async def worker() -> None:
        conn = AsyncConn(host, port, base)
        while True:
            t0 = loop.time()
            if t0 >= t_end:
                break
            try:
                rows = await select_cycle(conn, ctx.version, stmt, ctx.poll_sleep)
                if rows != 1:
                    raise VerificationError(f"SELECT 1 cycle returned {rows} rows")
            except (GatewayError, OSError, asyncio.IncompleteReadError) as exc:
                errors.append(str(exc))
                await conn.close()
                conn = AsyncConn(host, port, base)
                continue
            t1 = loop.time()
            if t0 >= t_start and t1 <= t_end:
                lat.append(t1 - t0)
        await conn.close()

    async def marker() -> None:
        await asyncio.sleep(warm)
        marks["cpu0"], marks["scpu0"] = client_cpu_seconds(), mon.cpu_seconds() if mon else 0.0
        await asyncio.sleep(dur)
        marks["cpu1"], marks["scpu1"] = client_cpu_seconds(), mon.cpu_seconds() if mon else 0.0

    await asyncio.gather(marker(), *(worker() for _ in range(ctx.clients)))
    return _load_metrics(lat, errors, marks, dur, mon is not None)


def _load_metrics(
    lat: list[float], errors: list[str], marks: dict[str, float], dur: float, has_mon: bool
) -> dict[str, float | int | str | None]:
    ms = [x * 1000 for x in lat]
    out: dict[str, float | int | str | None] = {
        "clients_seconds": dur,
        "cycles": len(lat),
        "cycles_per_s": round(len(lat) / dur, 1),
        "p50_ms": round(median(ms), 2),
        "p90_ms": round(percentile(ms, 90), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2) if ms else None,
        "errors": len(errors),
        "first_error": errors[0][:200] if errors else None,
        "client_cpu_pct": round(100 * (marks["cpu1"] - marks["cpu0"]) / dur, 1),
    }
    out["client_cpu_ms_per_cycle"] = round(
        1000 * (marks["cpu1"] - marks["cpu0"]) / max(1, len(lat)), 3
    )
    if has_mon:
        out["server_cpu_pct"] = round(100 * (marks["scpu1"] - marks["scpu0"]) / dur, 1)
        out["server_cpu_ms_per_cycle"] = round(
            1000 * (marks["scpu1"] - marks["scpu0"]) / max(1, len(lat)), 3
        )
    return out


# ---- idle sessions -------------------------------------------------------------------------------


def idle_sessions(ctx: Ctx) -> Section:
    """Open ``idle_sessions`` sessions (16 connections), measure time and server RSS, close all."""
    n = ctx.idle_sessions
    sec = Section("idle_sessions", f"{n:,} idle sessions")
    mon = ctx.monitor
    host, port, base = ctx.host_port()
    rss0 = mon.rss_mb() if mon else None
    t0 = time.perf_counter()
    handles, lat = run_async(lambda: _open_many(host, port, base, ctx.version, n, 16))
    open_s = time.perf_counter() - t0
    rss1 = mon.rss_mb() if mon else None
    _check_a_session(ctx, handles)
    t1 = time.perf_counter()
    run_async(lambda: _close_many(host, port, base, ctx.version, handles, 16))
    close_s = time.perf_counter() - t1
    ms = [x * 1000 for x in lat]
    sec.metrics = {
        "sessions": len(handles),
        "open_total_s": round(open_s, 2),
        "opens_per_s": round(n / open_s),
        "open_median_ms": round(median(ms), 3),
        "open_p99_ms": round(percentile(ms, 99), 3),
        "close_total_s": round(close_s, 2),
    }
    if mon and rss0 is not None and rss1 is not None:
        sec.metrics.update(
            {
                "rss_before_mb": round(rss0, 1),
                "rss_with_sessions_mb": round(rss1, 1),
                "kb_per_session": round((rss1 - rss0) * 1024 / n, 2),
                "rss_after_close_mb": round(mon.rss_mb(), 1),
            }
        )
    return sec


def _check_a_session(ctx: Ctx, handles: list[str]) -> None:
    if len(set(handles)) != len(handles):
        raise VerificationError("the gateway handed out duplicate session handles")
    c = ctx.client()
    c.call("GET", f"/{ctx.version}/sessions/{handles[len(handles) // 2]}")
    c.close()


async def _open_many(
    host: str, port: int, base: str, version: str, n: int, conns: int
) -> tuple[list[str], list[float]]:
    loop = asyncio.get_running_loop()
    handles: list[str] = []
    lat: list[float] = []
    todo = iter(range(n))

    async def worker() -> None:
        conn = AsyncConn(host, port, base)
        for _ in todo:
            t0 = loop.time()
            handles.append(handle_of(await conn.call("POST", f"/{version}/sessions", b"{}")))
            lat.append(loop.time() - t0)
        await conn.close()

    await asyncio.gather(*(worker() for _ in range(conns)))
    return handles, lat


async def _close_many(
    host: str, port: int, base: str, version: str, handles: list[str], conns: int
) -> None:
    todo = iter(handles)

    async def worker() -> None:
        conn = AsyncConn(host, port, base)
        for h in todo:
            await conn.call("DELETE", f"/{version}/sessions/{h}")
        await conn.close()

    await asyncio.gather(*(worker() for _ in range(conns)))


# ---- streaming -----------------------------------------------------------------------------------


def streaming(ctx: Ctx) -> Section:
    """An unbounded datagen query polled for ``stream_seconds``: empty pages per data page."""
    sec = Section("streaming", "streaming query: empty pages per non-empty page")
    wl = ctx.workloads["streaming"]
    first = _stream_once(ctx, ctx.url, wl, sec)
    if sec.status != "ok" or first is None:
        return sec
    _stream_metrics(sec, "", first)
    if ctx.long_poll_url:
        second = _stream_once(ctx, ctx.long_poll_url, wl, sec)
        if second is not None:
            _stream_metrics(sec, "longpoll_", second)
            sec.metrics["longpoll_fetch_max_wait"] = ctx.long_poll_wait
    return sec


STREAM_STARTUP_S = 180


def _stream_once(ctx: Ctx, url: str, wl: Workload, sec: Section) -> DrainStats | None:
    c = ctx.client(url)
    session = c.open_session()
    try:
        for sql in wl.setup:
            run_statement(c, session, sql, ctx)
    except GatewayError as exc:
        sec.skip(f"the target does not run the streaming source: {exc}")
        c.close_session(session)
        return None
    op = c.execute(session, wl.query)
    # start-up (a Flink job takes seconds to start) is reported apart from the steady state
    startup = drain(c, c.first_uri(session, op, "JSON"), ctx.poll_sleep, None,
                    time.monotonic() + STREAM_STARTUP_S, until_rows=1)  # fmt: skip
    st = DrainStats()
    if startup.rows and startup.next_uri:
        deadline = time.monotonic() + ctx.stream_seconds
        st = drain(c, startup.next_uri, ctx.poll_sleep, None, deadline)
    c.close_operation(session, op)
    c.close_session(session)
    c.close()
    if st.rows == 0:
        sec.fail(f"the streaming query produced no rows within {STREAM_STARTUP_S} s")
        return None
    prefix = "longpoll_" if url != ctx.url else ""
    sec.metrics[f"{prefix}startup_s"] = round(startup.total_ns / 1e9, 2)
    return st


def _stream_metrics(sec: Section, prefix: str, st: DrainStats) -> None:
    data = max(st.data_pages, 1)
    sec.metrics.update(
        {
            f"{prefix}seconds": round(st.total_ns / 1e9, 1),
            f"{prefix}rows": st.rows,
            f"{prefix}data_pages": st.data_pages,
            f"{prefix}empty_pages": st.empty_pages,
            f"{prefix}not_ready": st.not_ready,
            f"{prefix}empty_per_data_page": round((st.empty_pages + st.not_ready) / data, 2),
            f"{prefix}fetch_calls": st.fetch_calls,
        }
    )


SECTIONS: dict[str, Callable[[Ctx], Section]] = {
    "select1": lambda ctx: latency_cycle(ctx, "select1", "SELECT 1 cycle"),
    "show_catalogs": lambda ctx: latency_cycle(ctx, "show_catalogs", "SHOW CATALOGS cycle"),
    "rows100k": rows100k,
    "rows10m": rows10m,
    "concurrency": concurrency,
    "idle_sessions": idle_sessions,
    "streaming": streaming,
}
