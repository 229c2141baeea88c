"""The route set per version equals Flink's REST snapshots (with the documented deltas), and
every endpoint x version answers Flink's error shapes."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from sqlgateway.rest.routes import ENDPOINTS
from sqlgateway.rest.versions import ApiVersion
from tests.conftest import REFERENCE, RunningGateway

DATA = REFERENCE / "data"

# Differences between the stored snapshot revisions and Flink 2.3's registered handlers
# (PROTOCOL.md §2 and data/SOURCES.md): the stored v2 file predates the rename of the query
# parameter to rowFormat, the v3 file predates modify-cron-expression, and the v4 file predates
# the deploy-script handler.
ADDED = {
    3: {("DELETE", "/workflow/embedded-scheduler/modify-cron-expression", (), ())},
    4: {("POST", "/sessions/:session_handle/scripts", ("session_handle",), ())},
}
RENAMED_QUERY = {"row_format": "rowFormat"}


def snapshot_routes(version: int) -> set[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    calls = json.loads((DATA / f"sql_gateway_rest_api_v{version}.snapshot").read_text())["calls"]
    out = set()
    for c in calls:
        path = tuple(p["key"] for p in c["path-parameters"]["pathParameters"])
        query = tuple(
            RENAMED_QUERY.get(q["key"], q["key"]) for q in c["query-parameters"]["queryParameters"]
        )
        out.add((c["method"], c["url"], path, query))
    return out | ADDED.get(version, set())


def our_routes(version: int) -> set[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    out = set()
    for e in ENDPOINTS:
        if e.exists_in(ApiVersion(version)):
            params = tuple(s[1:] for s in e.segments if s.startswith(":"))
            out.add((e.method, e.path, params, e.query_params))
    return out


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_route_set_matches_flink_snapshot(version: int) -> None:
    assert our_routes(version) == snapshot_routes(version)


def _concrete(path: str) -> str:
    return (
        path.replace(":session_handle", str(uuid.uuid4()))
        .replace(":operation_handle", str(uuid.uuid4()))
        .replace(":token", "0")
        .replace(":identifier", "cat.db.mt")
    )


VALID_BODY = {
    "CompleteStatementRequestBody": '{"statement": "SELECT 1", "position": 1}',
    "RefreshMaterializedTableRequestBody": '{"isPeriodic": false}',
}

CASES = [(e, v) for e in ENDPOINTS for v in ApiVersion if e.exists_in(v)]


@pytest.mark.parametrize(
    ("endpoint", "version"), CASES, ids=[f"{e.method}-v{v.value}{e.path}" for e, v in CASES]
)
def test_error_shape_every_endpoint(gateway: RunningGateway, endpoint, version) -> None:  # type: ignore[no-untyped-def]
    """Unknown handles, bad handles and bad bodies give Flink's envelopes on every route."""
    path = f"/v{version.value}" + _concrete(endpoint.path)
    with gateway.client() as c:
        body_text = VALID_BODY.get(endpoint.request_body, "{}").encode()
        r = c.request(endpoint.method, path, content=body_text)
        assert r.headers["content-type"] == "application/json; charset=UTF-8"
        body = r.json()
        if endpoint.handler in ("api_versions", "info", "open_session"):
            assert r.status_code == 200
        elif endpoint.handler == "close_operation":
            assert r.status_code == 500  # the session is unknown
        else:
            assert r.status_code == 500, r.text
            assert set(body) == {"errors"} and all(isinstance(e, str) for e in body["errors"])
            if endpoint.shape == "A":
                assert body["errors"][0] == "Internal server error."
                assert body["errors"][1].startswith("<Exception on server side:\n")
                assert body["errors"][1].endswith("\nEnd of exception on server side>")
            else:
                assert len(body["errors"]) == 1
                assert body["errors"][0].startswith(
                    "org.apache.flink.runtime.rest.handler.RestHandlerException: "
                )
        if ":session_handle" in endpoint.path:
            bad = path.replace(path.split("/")[3], "not-a-uuid", 1)
            r = c.request(endpoint.method, bad)
            assert r.status_code == 400
            assert (
                'Cannot resolve path parameter (session_handle) from value "not-a-uuid".'
                in r.json()["errors"][0]
            )
        if endpoint.request_body != "EmptyRequestBody":
            r = c.request(endpoint.method, path, content=b"[1,")
            assert r.status_code == 400
            assert (
                f"Request did not match expected format {endpoint.request_body}."
                in (r.json()["errors"][0])
            )
        wrong = "PUT"
        r = c.request(wrong, path)
        assert r.status_code == 404
        assert r.json() == {"errors": [f"Not found: {path}"]}


@pytest.mark.parametrize(
    "path",
    [
        "/v5/info",
        "/V1/info",
        "/nope",
        "/nope?x=1",
        "/v1/sessions/00000000-0000-0000-0000-000000000000/configure-session",
        "/v3/sessions/00000000-0000-0000-0000-000000000000/scripts",
        "/v4/sessions/00000000-0000-0000-0000-000000000000/materialized-tables/x/refresh",
        "/sessions/00000000-0000-0000-0000-000000000000/materialized-tables/x/refresh",
        "/workflow/embedded-scheduler/create",
        "/v4/workflow/embedded-scheduler/create",
    ],
)
def test_not_found(gateway: RunningGateway, path: str) -> None:
    with gateway.client() as c:
        r = c.post(path)
        assert r.status_code == 404
        assert r.json() == {"errors": [f"Not found: {path}"]}
        assert r.headers["access-control-allow-origin"] == "*"


def test_wrong_method_is_404(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        for method, path in [("GET", "/v1/sessions"), ("PUT", "/v2/info"), ("DELETE", "/info")]:
            r = c.request(method, path)
            assert (r.status_code, r.json()) == (404, {"errors": [f"Not found: {path}"]})


def test_trailing_slash_and_unprefixed_default_v4(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = c.post("/sessions/").json()["sessionHandle"]
        oh = c.post(f"/v1/sessions/{sh}/statements/", json={"statement": "SELECT 1"}).json()[
            "operationHandle"
        ]
        r = httpx.get(f"{gateway.url}/sessions/{sh}/operations/{oh}/result/0", timeout=10)
        while r.json()["resultType"] == "NOT_READY":
            r = httpx.get(f"{gateway.url}/sessions/{sh}/operations/{oh}/result/0", timeout=10)
        assert r.json()["nextResultUri"].startswith(f"/v4/sessions/{sh}/")
        assert r.json()["nextResultUri"].endswith("/result/1?rowFormat=JSON")
