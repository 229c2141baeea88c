"""A minimal asyncio HTTP/1.1 keep-alive client for the many-clients workloads.

Hand-rolled on purpose: on a 2-core machine the load generator competes with the server for
CPU, so it must cost as little as possible per request (no header objects, no JSON parsing
beyond what the protocol needs). Uses uvloop when it is installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from bench.client import ROW_MARK, GatewayError

_CL = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)
_HANDLE = re.compile(rb'"(?:sessionHandle|operationHandle)"\s*:\s*"([0-9a-fA-F-]{36})"')
_RTYPE = re.compile(rb'"resultType"\s*:\s*"([A-Z_]+)"')
_NEXT = re.compile(rb'"nextResultUri"\s*:\s*"([^"]+)"')

T = TypeVar("T")


class AsyncConn:
    """One keep-alive connection; requests on it are strictly sequential."""

    def __init__(self, host: str, port: int, base: str = "") -> None:
        self.host = host
        self.port = port
        self.base = base
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self._host_hdr = f"Host: {host}:{port}\r\n".encode()

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()

    async def call(self, method: str, path: str, body: bytes = b"") -> bytes:
        if self.writer is None or self.reader is None:
            await self.connect()
        assert self.writer is not None and self.reader is not None
        head = (
            f"{method} {self.base}{path} HTTP/1.1\r\n".encode()
            + self._host_hdr
            + b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
        )
        self.writer.write(head + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        m = _CL.search(raw)
        if m is None:
            raise GatewayError(0, path, b"response without content-length: " + raw[:200])
        data = await self.reader.readexactly(int(m.group(1)))
        status = int(raw[9:12])
        if status != 200:
            raise GatewayError(status, path, data)
        return data


def handle_of(body: bytes) -> str:
    m = _HANDLE.search(body)
    if m is None:
        raise GatewayError(200, "handle", body)
    return m.group(1).decode()


async def select_cycle(conn: AsyncConn, version: str, statement: bytes, poll_sleep: float) -> int:
    """open -> execute -> fetch until EOS -> close session; returns rows seen."""
    sh = handle_of(await conn.call("POST", f"/{version}/sessions", b"{}"))
    oh = handle_of(await conn.call("POST", f"/{version}/sessions/{sh}/statements", statement))
    uri: str | None = f"/{version}/sessions/{sh}/operations/{oh}/result/0?rowFormat=JSON"
    rows = 0
    while uri is not None:
        body = await conn.call("GET", uri)
        rt = _RTYPE.search(body, 0, 64)
        kind = rt.group(1) if rt else b""
        n = body.count(ROW_MARK)
        rows += n
        if kind == b"EOS":
            break
        nxt = _NEXT.search(body, max(0, len(body) - 400))
        uri = nxt.group(1).decode() if nxt else None
        if (kind == b"NOT_READY" or n == 0) and poll_sleep > 0:
            await asyncio.sleep(poll_sleep)
    await conn.call("DELETE", f"/{version}/sessions/{sh}")
    return rows


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on uvloop when available (cheaper per request), else asyncio."""
    try:
        import uvloop

    except ImportError:
        return asyncio.run(factory())
    return uvloop.run(factory())
