"""Schemathesis against the gateway's own OpenAPI description (GET /openapi/v{N}.json).

A 5xx is acceptable only where Flink documents one: status 500 declared for the operation, a
Flink error envelope ``{"errors": [...]}``, and a gateway/Flink exception in the text — never an
unexpected Python exception (rendered as ``python.<Type>``) nor any other 5xx status.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.conftest import RunningGateway, start_gateway


@pytest.fixture(scope="module")
def fuzz_gateway() -> Iterator[RunningGateway]:
    g = start_gateway({"sql-gateway.result.page-max-rows": "50"})
    yield g
    g.stop()


@pytest.fixture(scope="module")
def live_sessions(fuzz_gateway: RunningGateway) -> list[str]:
    with fuzz_gateway.client() as c:
        return [c.post("/v1/sessions", json={}).json()["sessionHandle"] for _ in range(2)]


def _schema_for(g: RunningGateway, version: int) -> Any:
    doc = httpx.get(f"{g.url}/openapi/v{version}.json").json()
    doc["servers"] = [{"url": f"{g.url}/v{version}"}]
    schema = schemathesis.openapi.from_dict(doc)
    schema.config.update(base_url=f"{g.url}/v{version}")
    return schema


def check_response(case: Any, response: Any) -> None:
    status = response.status_code
    declared = {str(code) for code in case.operation.definition.raw.get("responses", {})}
    if status < 500:
        return
    detail = f"{case.method} {case.formatted_path} -> {status}: {response.text[:800]}"
    assert status == 500 and "500" in declared, detail
    body = response.json()
    assert list(body) == ["errors"] and all(isinstance(e, str) for e in body["errors"]), detail
    text = "\n".join(body["errors"])
    assert "python." not in text, "undocumented server error: " + detail
    assert "org.apache.flink" in text or text.startswith("Internal server error."), detail


def _use_live_session(case: Any, sessions: list[str]) -> None:
    params = case.path_parameters or {}
    handle = str(params.get("session_handle", ""))
    if handle and handle[:1] in "01234567":  # about half the cases hit a real session
        params["session_handle"] = sessions[int(handle[:1], 16) % len(sessions)]


FUZZ = settings(
    max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def fuzz(schema: Any, sessions: list[str]) -> int:
    """Run every operation of ``schema`` with generated cases; returns the number of calls."""
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @FUZZ
        def run(case: Any) -> None:
            nonlocal calls
            _use_live_session(case, sessions)
            check_response(case, case.call(timeout=30))
            calls += 1

        run()
    return calls


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_no_undocumented_server_errors(
    fuzz_gateway: RunningGateway, live_sessions: list[str], version: int
) -> None:
    schema = _schema_for(fuzz_gateway, version)
    assert fuzz(schema, live_sessions) >= 3 * len(list(schema.get_all_operations()))
    with fuzz_gateway.client() as c:  # the gateway is still healthy afterwards
        assert c.get("/v1/info").status_code == 200
