"""Replays recorded HTTP traffic of a real Flink client against our gateway.

Requests are sent exactly as recorded (method, path, content-type, body — including the ``{}``
bodies on GET/DELETE), with recorded session/operation handles replaced by ours. Result fetches
cannot be replayed token by token (how many NOT_READY/empty pages a server answers depends on
timing), so each recorded fetch of an operation is sent to *our* current ``nextResultUri`` for
that operation; when ours reaches EOS first, the remaining recorded fetches re-request our EOS
token, and when the recording ends first, ours is polled on to EOS (``extra`` exchanges).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FETCH = re.compile(r"/operations/([0-9a-f-]{36})/result/")


@dataclass
class Exchange:
    index: int
    method: str
    path: str
    body: str
    status: int
    json: Any

    @property
    def fetch_op(self) -> str | None:
        m = FETCH.search(self.path)
        return m.group(1) if m else None


@dataclass
class Ours:
    recorded: Exchange | None  # None: an extra poll after the recording ended
    path: str
    status: int
    json: Any


@dataclass
class OperationPages:
    statement: str
    recorded: list[dict[str, Any]] = field(default_factory=list)
    ours: list[dict[str, Any]] = field(default_factory=list)
    recorded_errors: list[Any] = field(default_factory=list)
    our_errors: list[str] = field(default_factory=list)
    our_error_bodies: list[Any] = field(default_factory=list)


def load(path: Path) -> list[Exchange]:
    out = []
    for i, line in enumerate(path.read_text().splitlines()):
        rec = json.loads(line)
        req, resp = rec["request"], rec["response"]
        body = resp["body_raw"]
        out.append(Exchange(i, req["method"], req["path"], req.get("body") or "",
                            resp["status"], json.loads(body) if body else None))  # fmt: skip
    return out


class Replayer:
    def __init__(self, client: httpx.Client, exchanges: list[Exchange]) -> None:
        self.client = client
        self.exchanges = exchanges
        self.handles: dict[str, str] = {}
        self.next_uri: dict[str, str] = {}  # recorded op handle -> our next fetch URI
        self.at_eos: set[str] = set()
        self.results: list[Ours] = []
        self.operations: dict[str, OperationPages] = {}

    def run(self) -> None:
        for ex in self.exchanges:
            if ex.fetch_op is not None:
                self._fetch(ex, ex.fetch_op)
            else:
                self._plain(ex)

    def translate(self, text: str) -> str:
        return UUID.sub(lambda m: self.handles.get(m.group(0), m.group(0)), text)

    def _send(self, method: str, path: str, body: str) -> httpx.Response:
        headers = {"content-type": "application/json; charset=UTF-8"}
        return self.client.request(method, path, content=body.encode(), headers=headers)

    def _plain(self, ex: Exchange) -> None:
        r = self._send(ex.method, self.translate(ex.path), ex.body)
        body = r.json() if r.content else None
        self.results.append(Ours(ex, self.translate(ex.path), r.status_code, body))
        if r.status_code != 200 or not isinstance(body, dict) or not isinstance(ex.json, dict):
            return
        for key in ("sessionHandle", "operationHandle"):
            if key in body and key in ex.json:
                self.handles[ex.json[key]] = body[key]
        if "operationHandle" in ex.json:
            statement = json.loads(ex.body)["statement"]
            self.operations[ex.json["operationHandle"]] = OperationPages(statement)

    def _fetch(self, ex: Exchange, op: str) -> None:
        pages = self.operations[op]
        if ex.status != 200:
            pages.recorded_errors.append(ex.json)
        elif ex.json.get("resultType") != "NOT_READY":
            pages.recorded.append(ex.json)
        path = self.next_uri.get(op, self.translate(ex.path))
        self._fetch_ours(ex, op, path)
        if ex.status != 200 or ex.json.get("resultType") == "EOS":
            self._drain(op, lambda: True)  # the client stopped here: ours must get there too
        elif pages.recorded:  # the client saw rows by now: poll ours as it would have
            self._drain(op, lambda: len(rows(pages.ours)) < len(rows(pages.recorded)))

    def _fetch_ours(self, ex: Exchange | None, op: str, path: str) -> None:
        r = self._send("GET", path, ex.body if ex else "{}")
        body = r.json()
        self.results.append(Ours(ex, path, r.status_code, body))
        pages = self.operations[op]
        if r.status_code != 200:
            pages.our_errors.append("\n".join(body.get("errors", [])))
            pages.our_error_bodies.append(body)
            self.at_eos.add(op)
            return
        if body["resultType"] == "NOT_READY":
            self.next_uri[op] = body["nextResultUri"]
            return
        if op not in self.at_eos:
            pages.ours.append(body)
        if body["resultType"] == "EOS":
            self.at_eos.add(op)
            self.next_uri[op] = path
        else:
            self.next_uri[op] = body["nextResultUri"]

    def _drain(self, op: str, behind: Callable[[], bool], timeout: float = 30) -> None:
        """Poll our server for ``op`` (extra exchanges) while ``behind()`` and not at EOS."""
        deadline = time.monotonic() + timeout
        pages = self.operations[op]
        while op not in self.at_eos and time.monotonic() < deadline:
            if (pages.ours or pages.our_errors) and not behind():
                return
            self._fetch_ours(None, op, self.next_uri[op])
            time.sleep(0.01)


def rows(pages: list[dict[str, Any]]) -> list[tuple[str, list[Any]]]:
    return [(r["kind"], r["fields"]) for p in pages for r in p["results"]["data"]]


def columns(pages: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return [(c["name"], c["logicalType"]) for c in pages[-1]["results"]["columns"]]


def key_shape(value: Any, depth: int = 3) -> Any:
    """Nested key structure of a JSON value (lists reduced to their first element's shape)."""
    if depth == 0:
        return "..."
    if isinstance(value, dict):
        return {k: key_shape(v, depth - 1) for k, v in value.items()}
    if isinstance(value, list):
        return [key_shape(value[0], depth - 1)] if value else []
    return type(value).__name__


def materialized(changelog: list[tuple[str, list[Any]]]) -> list[list[Any]]:
    """The rows a changelog leaves behind (+I/+U add a row, -U/-D retract one)."""
    out: list[list[Any]] = []
    for kind, fields in changelog:
        if kind in ("INSERT", "UPDATE_AFTER"):
            out.append(fields)
        else:
            out.remove(fields)
    return out
