"""Structured logs of a real `sqlgateway serve` process: JSON access lines, switch-off, levels."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx

from sqlgateway.server import READY_LINE


def serve_and_log(
    *dynamic: str, requests: tuple[str, ...] = ("/v1/info", "/nope?x=1")
) -> list[str]:
    """Start the gateway, send ``requests`` (GET), stop it; return every line it printed."""
    args = [sys.executable, "-m", "sqlgateway", "serve", "-Dsql-gateway.endpoint.rest.port=0",
            *(f"-D{d}" for d in dynamic)]  # fmt: skip
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if READY_LINE in line:
                url = line.split(READY_LINE, 1)[1].split()[0]
                with httpx.Client(base_url=url, timeout=10) as c:
                    for path in requests:
                        c.get(path)
                break
        else:
            raise AssertionError("gateway did not start:\n" + "\n".join(lines))
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    return lines + out.splitlines()


def json_records(lines: list[str]) -> list[dict[str, Any]]:
    out = []
    for line in lines:
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_json_access_log_has_one_structured_record_per_request() -> None:
    records = json_records(
        serve_and_log("sql-gateway.log.format=json", "sql-gateway.log.access=true")
    )
    access = [r for r in records if r["logger"] == "sqlgateway.access"]
    assert [(r["method"], r["path"], r["query"], r["status"]) for r in access] == [
        ("GET", "/v1/info", "", 200),
        ("GET", "/nope", "x=1", 404),
    ]
    info = access[0]
    assert info["route"] == "/v1/info"
    assert info["bytes"] > len('{"productName":"Apache Flink","version":""}')
    assert info["duration_ms"] >= 0
    assert info["client"].startswith("127.0.0.1:")
    assert info["level"] == "INFO" and info["ts"].endswith("Z")


def test_access_log_off_writes_no_access_lines() -> None:
    records = json_records(
        serve_and_log("sql-gateway.log.format=json", "sql-gateway.log.access=false")
    )
    assert not [r for r in records if r["logger"] == "sqlgateway.access"]


def test_text_format_access_line() -> None:
    lines = serve_and_log("sql-gateway.log.access=true", requests=("/v2/api_versions",))
    access = [line for line in lines if " sqlgateway.access: " in line]
    assert len(access) == 1
    assert '"GET /v2/api_versions" 200' in access[0]
