"""Server CPU cost per request, measured in-process (no sockets, no client), for A/B work on a
machine too busy for wall-clock figures.

    python bench/inproc.py [--cycles 500] [-Dkey=value ...]

Builds the gateway exactly as ``sqlgateway serve`` does (``server.build``) and drives its ASGI app
directly: for each request kind, process CPU time (all threads: event loop, worker pool, DuckDB)
divided by the number of requests. The SELECT 1 cycle is open -> execute -> fetch until EOS ->
close, polling without sleeping. What this leaves out is the HTTP server (uvicorn/httptools parse
and socket I/O), which the network benchmark (bench/run.py) includes.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from sqlgateway import config, server

Send = Callable[[dict[str, Any]], Awaitable[None]]


def _scope(method: str, path: str) -> dict[str, Any]:
    path, _, query = path.partition("?")
    return {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": "", "scheme": "http",
        "http_version": "1.1", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 2),
        "headers": [(b"host", b"bench"), (b"content-type", b"application/json")],
        "state": {},
    }  # fmt: skip


class InProc:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def call(self, method: str, path: str, body: bytes = b"") -> bytes:
        out: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            out.append(message)

        await self.app(_scope(method, path), receive, send)
        status = out[0]["status"]
        data = b"".join(m.get("body", b"") for m in out[1:])
        if status != 200:
            raise RuntimeError(f"{method} {path}: {status} {data[:200]!r}")
        return data

    async def cycle(self, statement: bytes) -> int:
        sh = orjson.loads(await self.call("POST", "/v3/sessions", b"{}"))["sessionHandle"]
        path = f"/v3/sessions/{sh}/statements"
        oh = orjson.loads(await self.call("POST", path, statement))["operationHandle"]
        uri: str | None = f"/v3/sessions/{sh}/operations/{oh}/result/0?rowFormat=JSON"
        fetches = 0
        while uri is not None:
            page = orjson.loads(await self.call("GET", uri))
            fetches += 1
            if page["resultType"] == "EOS":
                break
            uri = page.get("nextResultUri")
            if page["resultType"] == "NOT_READY":
                await asyncio.sleep(0.0005)
        await self.call("DELETE", f"/v3/sessions/{sh}")
        return fetches


async def measure(app: Any, cycles: int) -> dict[str, float]:
    c = InProc(app)
    out: dict[str, float] = {}
    sh = orjson.loads(await c.call("POST", "/v3/sessions", b"{}"))["sessionHandle"]
    simple = {
        "GET /v1/info (inline)": ("GET", "/v1/info", b""),
        "heartbeat (inline)": ("POST", f"/v3/sessions/{sh}/heartbeat", b""),
        "get session config (thread)": ("GET", f"/v3/sessions/{sh}", b""),
    }
    for label, (method, path, body) in simple.items():
        out[label] = await _per_call(functools.partial(c.call, method, path, body), cycles)
    handles: list[str] = []

    async def open_one() -> None:
        handles.append(orjson.loads(await c.call("POST", "/v3/sessions", b"{}"))["sessionHandle"])

    out["open session"] = await _per_call(open_one, cycles)
    it = iter(handles)
    out["close session"] = await _per_call(lambda: c.call("DELETE", f"/v3/sessions/{next(it)}"),
                                           cycles)  # fmt: skip
    for sql in ("SELECT 1", "SHOW CATALOGS"):
        stmt = orjson.dumps({"statement": sql})
        out[f"{sql} cycle"] = await _per_call(functools.partial(c.cycle, stmt), cycles)
    return out


async def _per_call(fn: Callable[[], Awaitable[Any]], n: int) -> float:
    for _ in range(min(20, n)):
        await fn()
    c0 = time.process_time()
    for _ in range(n):
        await fn()
    return (time.process_time() - c0) / n * 1e6


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cycles", type=int, default=500)
    p.add_argument("-D", dest="dynamic", action="append", default=[], metavar="KEY=VALUE")
    args = p.parse_args()
    dyn = {"sql-gateway.endpoint.rest.port": "0", **config.parse_dynamic(args.dynamic)}
    gw = server.build(config.load(dynamic=dyn))
    try:
        results = asyncio.run(measure(gw.app, args.cycles))
    finally:
        gw.service.close()
        gw.sock.close()
    for label, us in results.items():
        print(f"{label:32s} {us:9.1f} us CPU")


if __name__ == "__main__":
    main()
