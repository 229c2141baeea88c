"""A lean, synchronous Flink SQL Gateway REST client for latency measurements.

One keep-alive ``http.client`` connection, no JSON parsing on the hot path beyond what is needed
to follow the protocol (handles, ``resultType``, ``nextResultUri``). Every call is timed with
``perf_counter_ns`` around request + full response read.
"""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

try:
    import orjson

    def loads(data: bytes) -> object:
        return orjson.loads(data)

except ImportError:  # pragma: no cover - orjson is a project dependency
    import json

    def loads(data: bytes) -> object:
        return json.loads(data)


JSON_HEADERS = {"Content-Type": "application/json"}
_RESULT_TYPE = re.compile(rb'"resultType"\s*:\s*"([A-Z_]+)"')
_NEXT_URI = b'"nextResultUri":"'
ROW_MARK = b'{"kind":"'


class GatewayError(RuntimeError):
    """A non-200 answer (or a protocol violation) from the gateway."""

    def __init__(self, status: int, path: str, body: bytes) -> None:
        self.status = status
        self.path = path
        self.body = body
        super().__init__(f"HTTP {status} for {path}: {first_error_line(body)}")


def first_error_line(body: bytes) -> str:
    """The most telling line of an ``{"errors": [...]}`` body (the root cause when present)."""
    try:
        data = loads(body)
    except ValueError:
        return body[:300].decode("utf-8", "replace")
    if not isinstance(data, dict) or not data.get("errors"):
        return body[:300].decode("utf-8", "replace")
    text = "\n".join(str(e) for e in data["errors"])
    causes = [ln for ln in text.splitlines() if ln.startswith("Caused by:")]
    line = causes[-1] if causes else text.splitlines()[0] if text else ""
    return line[:300]


@dataclass
class Page:
    """One fetch answer, parsed just enough to follow the protocol."""

    result_type: str
    next_uri: str | None
    body: bytes
    elapsed_ns: int
    rows: int = field(init=False)

    def __post_init__(self) -> None:
        self.rows = self.body.count(ROW_MARK)  # counted once: it is a scan of the whole body


def parse_page(body: bytes, elapsed_ns: int) -> Page:
    """Fast path: ``resultType`` is the first field and ``nextResultUri`` the last (Flink's field
    order); falls back to a full JSON parse when the body does not look like that."""
    m = _RESULT_TYPE.search(body, 0, 64)
    tail = body.rfind(_NEXT_URI, max(0, len(body) - 400))
    if m is not None and tail < 0 and m.group(1) == b"EOS":
        return Page("EOS", None, body, elapsed_ns)
    uri = body[tail + len(_NEXT_URI) : -2]
    if m is not None and tail >= 0 and body.endswith(b'"}') and b'"' not in uri:
        return Page(m.group(1).decode(), uri.decode(), body, elapsed_ns)
    data = loads(body)
    if not isinstance(data, dict) or "resultType" not in data:
        raise GatewayError(200, "fetch", body)
    return Page(str(data["resultType"]), data.get("nextResultUri"), body, elapsed_ns)


@dataclass
class Timed:
    """Latency samples (ns) of one kind of request."""

    samples: list[int] = field(default_factory=list)


class GatewayClient:
    """Speaks the REST protocol over one keep-alive connection."""

    def __init__(self, url: str, version: str = "v3", timeout: float = 600.0) -> None:
        parts = urlsplit(url if "://" in url else "http://" + url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 8083
        self.base = parts.path.rstrip("/")
        self.version = version
        self.timeout = timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        self.last_ns = 0

    def close(self) -> None:
        self.conn.close()

    def call(self, method: str, path: str, body: bytes | None = None) -> bytes:
        """One request; returns the body of a 200 answer, raises ``GatewayError`` otherwise.
        ``self.last_ns`` holds the wall time of the exchange."""
        full = self.base + path
        t0 = time.perf_counter_ns()
        try:
            self.conn.request(method, full, body=body, headers=JSON_HEADERS)
            resp = self.conn.getresponse()
            data = resp.read()
        except (http.client.HTTPException, ConnectionError):
            self.conn.close()  # reconnect once: the server may have closed a keep-alive socket
            self.conn.request(method, full, body=body, headers=JSON_HEADERS)
            resp = self.conn.getresponse()
            data = resp.read()
        self.last_ns = time.perf_counter_ns() - t0
        if resp.status != 200:
            raise GatewayError(resp.status, full, data)
        return data

    def _v(self, path: str) -> str:
        return f"/{self.version}{path}"

    def info(self) -> dict[str, object]:
        data = loads(self.call("GET", self._v("/info")))
        return data if isinstance(data, dict) else {}

    def open_session(self, properties: dict[str, str] | None = None) -> str:
        body = b"{}" if not properties else _dumps({"properties": properties})
        return str(_field(self.call("POST", self._v("/sessions"), body), "sessionHandle"))

    def close_session(self, session: str) -> None:
        self.call("DELETE", self._v(f"/sessions/{session}"))

    def execute(self, session: str, statement: str) -> str:
        body = _dumps({"statement": statement})
        path = self._v(f"/sessions/{session}/statements")
        return str(_field(self.call("POST", path, body), "operationHandle"))

    def close_operation(self, session: str, operation: str) -> None:
        self.call("DELETE", self._v(f"/sessions/{session}/operations/{operation}/close"))

    def first_uri(self, session: str, operation: str, row_format: str) -> str:
        path = f"/sessions/{session}/operations/{operation}/result/0"
        if self.version != "v1":
            path += f"?rowFormat={row_format}"
        return self._v(path)

    def fetch(self, uri: str) -> Page:
        data = self.call("GET", uri)
        return parse_page(data, self.last_ns)


def _dumps(obj: object) -> bytes:
    try:
        import orjson as _oj

        return _oj.dumps(obj)
    except ImportError:  # pragma: no cover
        import json

        return json.dumps(obj).encode()


def _field(body: bytes, name: str) -> object:
    data = loads(body)
    if not isinstance(data, dict) or name not in data:
        raise GatewayError(200, name, body)
    return data[name]


@dataclass
class DrainStats:
    """What following ``nextResultUri`` until EOS looked like."""

    rows: int = 0
    data_pages: int = 0
    empty_pages: int = 0
    not_ready: int = 0
    fetch_calls: int = 0
    response_bytes: int = 0
    first_fetch_ns: int = 0
    first_row_ns: int = 0
    total_ns: int = 0
    fetch_ns: int = 0  # time inside fetch requests (server + transfer), client work excluded
    max_page_rows: int = 0
    next_uri: str | None = None  # where to go on when stopped before EOS


PageHook = Callable[[Page], None]


def drain(
    client: GatewayClient,
    uri: str,
    poll_sleep: float,
    on_page: PageHook | None = None,
    deadline: float | None = None,
    until_rows: int | None = None,
) -> DrainStats:
    """Fetch from ``uri`` following ``nextResultUri`` until EOS (or ``deadline``, or once
    ``until_rows`` rows arrived), sleeping ``poll_sleep`` seconds after NOT_READY or an empty
    page, like the reference client."""
    st = DrainStats()
    t0 = time.perf_counter_ns()
    next_uri: str | None = uri
    while next_uri is not None:
        page = client.fetch(next_uri)
        _account(st, page, t0)
        if on_page is not None:
            on_page(page)
        next_uri = page.next_uri
        if page.result_type == "EOS" or next_uri is None:
            break
        if deadline is not None and time.monotonic() >= deadline:
            break
        if until_rows is not None and st.rows >= until_rows:
            break
        if (page.result_type == "NOT_READY" or page.rows == 0) and poll_sleep > 0:
            time.sleep(poll_sleep)
    st.total_ns = time.perf_counter_ns() - t0
    st.next_uri = next_uri
    return st


def _account(st: DrainStats, page: Page, t0: int) -> None:
    st.fetch_calls += 1
    st.fetch_ns += page.elapsed_ns
    st.response_bytes += len(page.body)
    if st.fetch_calls == 1:
        st.first_fetch_ns = page.elapsed_ns
    if page.result_type == "NOT_READY":
        st.not_ready += 1
        return
    n = page.rows
    if n == 0:
        if page.result_type == "PAYLOAD":
            st.empty_pages += 1
        return
    if st.rows == 0:
        st.first_row_ns = time.perf_counter_ns() - t0
    st.rows += n
    st.data_pages += 1
    st.max_page_rows = max(st.max_page_rows, n)
