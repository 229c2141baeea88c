"""One socket write per HTTP response.

uvicorn's httptools protocol writes a response as two transport writes: the status line with the
headers, then the body. With ``TCP_NODELAY`` (server.bind_socket) that is two system calls, two
TCP segments and two wake-ups of the client per response. The transport handed to the protocol
here gathers the writes made within one event-loop iteration (the app sends the start and the
body messages without waiting in between) and passes them on together.
"""

from __future__ import annotations

import asyncio
from typing import Any

# Above this many bytes the pieces are written one by one (joining would copy a big body).
JOIN_LIMIT = 64 * 1024


class CoalescingTransport:
    """A transport proxy that delays ``write`` to the end of the current loop iteration."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)
        self._size += len(data)

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def _flush(self) -> None:
        pending, size = self._pending, self._size
        if not pending:
            return
        self._pending, self._size = [], 0
        if len(pending) == 1:
            self._transport.write(pending[0])
        elif size <= JOIN_LIMIT:
            self._transport.write(b"".join(pending))
        else:
            for chunk in pending:
                self._transport.write(chunk)

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def coalescing_protocol() -> type[asyncio.Protocol] | None:
    """uvicorn's httptools protocol with a :class:`CoalescingTransport`; None without httptools."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return None

    class CoalescingHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport: Any) -> None:
            proxy: Any = CoalescingTransport(transport, self.loop)
            super().connection_made(proxy)

    return CoalescingHttpToolsProtocol
