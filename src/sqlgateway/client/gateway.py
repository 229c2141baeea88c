"""``GatewayClient``: a small synchronous client for any Flink SQL Gateway REST endpoint."""

from __future__ import annotations

import base64
import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import GatewayConnectionError, GatewayHTTPError, GatewayProtocolError
from .types import ApiVersion, ResultPage, ResultType, RowFormat, StatementResult

DEFAULT_ENDPOINT = "http://127.0.0.1:8083"
_JSON_HEADERS = {"Content-Type": "application/json; charset=UTF-8"}


@dataclass(frozen=True)
class Credentials:
    """HTTP credentials: a bearer ``token`` wins over ``user``/``password`` (basic auth)."""

    token: str | None = None
    user: str | None = None
    password: str | None = None

    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header for these credentials (empty when none are set)."""
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.user is not None:
            raw = f"{self.user}:{self.password or ''}".encode()
            return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
        return {}


@dataclass(frozen=True)
class PollPolicy:
    """Sleep between fetches that returned no rows: ``initial`` doubling up to ``maximum``."""

    initial: float = 0.01
    maximum: float = 0.25
    factor: float = 2.0

    def next_delay(self, delay: float) -> float:
        """The delay after ``delay`` (0 means "start again at ``initial``")."""
        return self.initial if delay <= 0 else min(self.maximum, delay * self.factor)


StopCheck = Callable[[], bool]


def normalize_endpoint(endpoint: str) -> str:
    """Accept ``host:port`` as well as ``http(s)://host:port[/base]``; strip trailing ``/``."""
    endpoint = endpoint.strip()
    if "://" not in endpoint:
        endpoint = "http://" + endpoint
    return endpoint.rstrip("/")


class GatewayClient:
    """Blocking REST client for the Flink SQL Gateway protocol (API v1-v4).

    The API version is negotiated lazily like the Flink SQL client does (``GET
    /v1/api_versions``, highest known version) unless ``api_version`` is given. The client is
    safe to share between threads (httpx connection pool). Use as a context manager or call
    :meth:`close`.
    """

    def __init__(
        self,
        endpoint: str = DEFAULT_ENDPOINT,
        *,
        credentials: Credentials | None = None,
        api_version: ApiVersion | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoint = normalize_endpoint(endpoint)
        headers = {"User-Agent": "sqlgateway-client", **(credentials or Credentials()).headers()}
        self._http = httpx.Client(
            base_url=self.endpoint, headers=headers, timeout=timeout, transport=transport
        )
        self._version = api_version
        self._lock = threading.Lock()

    # -- plumbing --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connection pool (sessions are not closed)."""
        self._http.close()

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, body: Any = None, **params: str) -> dict[str, Any]:
        """Send one request (``path`` relative to the endpoint); return the decoded JSON body.

        Raises :class:`GatewayHTTPError` for non-2xx answers and
        :class:`GatewayConnectionError` when the gateway cannot be reached.
        """
        try:
            response = self._http.request(
                method,
                path,
                json=body if body is not None else {},
                headers=_JSON_HEADERS,
                params=params or None,
            )
        except httpx.HTTPError as exc:
            raise GatewayConnectionError(f"{method} {self.endpoint}{path}: {exc}") from exc
        if not response.is_success:
            raise GatewayHTTPError(response.status_code, _error_strings(response), method, path)
        try:
            body = response.json() if response.content else {}
        except ValueError as exc:
            raise GatewayProtocolError(f"{method} {path}: answer is not JSON") from exc
        if not isinstance(body, dict):
            raise GatewayProtocolError(f"{method} {path}: answer is not a JSON object")
        return body

    @property
    def version(self) -> ApiVersion:
        """The API version in use (negotiated on first access)."""
        with self._lock:
            if self._version is None:
                self._version = self.negotiate_version()
            return self._version

    def negotiate_version(self) -> ApiVersion:
        """``GET /v1/api_versions`` and pick the highest version known to this client."""
        body = self.request("GET", "/v1/api_versions")
        chosen = ApiVersion.highest_known(list(body.get("versions") or []))
        return chosen or ApiVersion.V1

    def _path(self, path: str) -> str:
        return self.version.prefix + path

    # -- info ------------------------------------------------------------------------------

    def api_versions(self) -> list[str]:
        """The versions the gateway supports, e.g. ``["V1", "V2", "V3", "V4"]``."""
        return list(self.request("GET", "/v1/api_versions").get("versions") or [])

    def info(self) -> dict[str, str]:
        """``GET /info``: ``{"productName": ..., "version": ...}``."""
        return dict(self.request("GET", self._path("/info")))

    # -- sessions --------------------------------------------------------------------------

    def open_session(
        self, properties: Mapping[str, str] | None = None, name: str | None = None
    ) -> str:
        """Open a session and return its handle."""
        body: dict[str, Any] = {"properties": dict(properties or {})}
        if name is not None:
            body["sessionName"] = name
        answer = self.request("POST", self._path("/sessions"), body)
        return _field(answer, "sessionHandle")

    def get_session_config(self, session: str) -> dict[str, str]:
        """The session's full effective configuration."""
        body = self.request("GET", self._path(f"/sessions/{session}"))
        return {str(k): str(v) for k, v in (body.get("properties") or {}).items()}

    def heartbeat(self, session: str) -> None:
        """Keep the session alive."""
        self.request("POST", self._path(f"/sessions/{session}/heartbeat"))

    def configure_session(self, session: str, statement: str) -> None:
        """Run a configuring statement (SET, CREATE, USE, ...) synchronously (v2+)."""
        body = {"statement": statement, "executionTimeout": 0}
        self.request("POST", self._path(f"/sessions/{session}/configure-session"), body)

    def close_session(self, session: str) -> str:
        """Close the session (and all its operations); returns the status (``CLOSED``)."""
        return str(self.request("DELETE", self._path(f"/sessions/{session}")).get("status", ""))

    def complete(self, session: str, statement: str, position: int) -> list[str]:
        """Completion candidates at ``position`` (0-based) of ``statement`` (v2+)."""
        body = {"statement": statement, "position": position}
        path = self._path(f"/sessions/{session}/complete-statement")
        return [str(c) for c in self.request("GET", path, body).get("candidates") or []]

    # -- operations ------------------------------------------------------------------------

    def execute(
        self,
        session: str,
        statement: str,
        execution_config: Mapping[str, str] | None = None,
    ) -> str:
        """Submit one statement; return the operation handle (errors show up when fetching)."""
        body: dict[str, Any] = {"statement": statement, "executionTimeout": 0}
        if execution_config:
            body["executionConfig"] = dict(execution_config)
        path = self._path(f"/sessions/{session}/statements")
        return _field(self.request("POST", path, body), "operationHandle")

    def status(self, session: str, operation: str) -> str:
        """The operation status (``RUNNING``, ``FINISHED``, ``ERROR``, ...)."""
        return self._op_call("GET", session, operation, "status")

    def cancel(self, session: str, operation: str) -> str:
        """Cancel an unfinished operation (illegal once FINISHED: use :meth:`close_operation`)."""
        return self._op_call("POST", session, operation, "cancel")

    def close_operation(self, session: str, operation: str) -> str:
        """Close the operation, stopping a running query job; always legal."""
        return self._op_call("DELETE", session, operation, "close")

    def _op_call(self, method: str, session: str, operation: str, action: str) -> str:
        path = self._path(f"/sessions/{session}/operations/{operation}/{action}")
        return str(self.request(method, path).get("status", ""))

    # -- results ---------------------------------------------------------------------------

    def fetch(
        self,
        session: str,
        operation: str,
        token: int = 0,
        row_format: RowFormat = RowFormat.PLAIN_TEXT,
    ) -> ResultPage:
        """Fetch one page of results by token (``rowFormat`` is only sent for v2+)."""
        path = self._path(f"/sessions/{session}/operations/{operation}/result/{token}")
        if self.version is ApiVersion.V1:
            return _page(self.request("GET", path))
        return _page(self.request("GET", path, rowFormat=row_format.value))

    def fetch_uri(self, uri: str) -> ResultPage:
        """Fetch the page at a ``nextResultUri`` (query string included)."""
        return _page(self.request("GET", uri))

    def iter_results(
        self,
        session: str,
        operation: str,
        row_format: RowFormat = RowFormat.PLAIN_TEXT,
        poll: PollPolicy | None = None,
        stop: StopCheck | None = None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> Iterator[ResultPage]:
        """Yield every page (NOT_READY and empty ones too) until EOS, following nextResultUri.

        After a page without rows the next request waits (``poll`` backoff). Iteration ends
        early, without error, when ``stop()`` becomes true.
        """
        poll = poll or PollPolicy()
        page = self.fetch(session, operation, 0, row_format)
        delay = 0.0
        while True:
            yield page
            if page.is_eos or page.next_uri is None or (stop is not None and stop()):
                return
            if page.rows:
                delay = 0.0
            else:
                delay = poll.next_delay(delay)
                sleep(delay)
                if stop is not None and stop():
                    return
            page = self.fetch_uri(page.next_uri)

    def run(
        self,
        session: str,
        statement: str,
        row_format: RowFormat = RowFormat.PLAIN_TEXT,
        poll: PollPolicy | None = None,
    ) -> StatementResult:
        """Execute a (bounded) statement, collect all rows until EOS and close the operation."""
        operation = self.execute(session, statement)
        result = StatementResult(operation)
        try:
            for page in self.iter_results(session, operation, row_format, poll):
                if page.result_type is ResultType.NOT_READY:
                    continue
                result.columns = page.columns or result.columns
                result.rows.extend(page.rows)
                result.is_query_result = page.is_query_result
                result.job_id = page.job_id
                result.result_kind = page.result_kind
        finally:
            self._close_quietly(session, operation)
        return result

    def _close_quietly(self, session: str, operation: str) -> None:
        with contextlib.suppress(GatewayHTTPError, GatewayConnectionError):
            self.close_operation(session, operation)


def _field(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise GatewayProtocolError(f"answer has no {key!r}: {body}")
    return value


def _page(body: dict[str, Any]) -> ResultPage:
    try:
        return ResultPage.from_json(body)
    except (ValueError, TypeError, AttributeError) as exc:
        raise GatewayProtocolError(f"malformed fetch-results answer: {exc}") from exc


def _error_strings(response: httpx.Response) -> list[str]:
    """The ``errors`` list of an error answer, or its raw text as a single string."""
    try:
        body = response.json()
    except ValueError:
        return [response.text or response.reason_phrase]
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return [str(e) for e in body["errors"]]
    return [response.text]
