"""A minimal protocol client for tests (deliberately independent of sqlgateway.client)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Result:
    columns: list[dict[str, Any]] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    result_kind: str | None = None
    is_query: bool | None = None
    job_id: str | None = None


def open_session(c: httpx.Client, v: str = "v3", **body: Any) -> str:
    r = c.post(f"/{v}/sessions", json=body)
    assert r.status_code == 200, r.text
    return str(r.json()["sessionHandle"])


def execute(c: httpx.Client, sh: str, statement: str, v: str = "v3", **extra: Any) -> str:
    r = c.post(f"/{v}/sessions/{sh}/statements", json={"statement": statement, **extra})
    assert r.status_code == 200, r.text
    return str(r.json()["operationHandle"])


def wait_status(c: httpx.Client, sh: str, oh: str, v: str = "v3", timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        status = str(c.get(f"/{v}/sessions/{sh}/operations/{oh}/status").json()["status"])
        if status not in ("INITIALIZED", "PENDING", "RUNNING") or time.monotonic() > deadline:
            return status
        time.sleep(0.005)


def fetch_all(
    c: httpx.Client, sh: str, oh: str, v: str = "v3", row_format: str = "JSON",
    timeout: float = 60,
) -> Result:  # fmt: skip
    """Follow nextResultUri from token 0 until EOS; raise on an error status."""
    uri: str | None = f"/{v}/sessions/{sh}/operations/{oh}/result/0?rowFormat={row_format}"
    out = Result()
    deadline = time.monotonic() + timeout
    while uri is not None:
        r = c.get(uri)
        if r.status_code != 200:
            raise AssertionError(f"{r.status_code}: {r.text[:2000]}")
        body = r.json()
        out.pages.append(body)
        if body["resultType"] == "NOT_READY":
            time.sleep(0.002)
        else:
            out.columns = body["results"]["columns"]
            out.result_kind = body["resultKind"]
            out.is_query = body["isQueryResult"]
            out.job_id = body.get("jobID")
            for row in body["results"]["data"]:
                out.kinds.append(row["kind"])
                out.rows.append(row["fields"])
        uri = body.get("nextResultUri")
        if time.monotonic() > deadline:
            raise AssertionError("fetch did not reach EOS in time")
    return out


def run(c: httpx.Client, sh: str, statement: str, v: str = "v3", **kw: Any) -> Result:
    return fetch_all(c, sh, execute(c, sh, statement, v), v, **kw)


def error_text(r: httpx.Response) -> str:
    return "\n".join(r.json()["errors"])
