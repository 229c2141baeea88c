"""``GatewayClient`` against a real sqlgateway server (127.0.0.1, ephemeral port)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sqlgateway.client import (
    ApiVersion,
    GatewayClient,
    GatewayConnectionError,
    GatewayHTTPError,
    ResultType,
    RowFormat,
)
from tests.conftest import RunningGateway


@pytest.fixture
def client(gateway: RunningGateway) -> Iterator[GatewayClient]:
    with GatewayClient(gateway.url) as c:
        yield c


def test_negotiates_the_highest_version(client: GatewayClient) -> None:
    assert client.api_versions() == ["V1", "V2", "V3", "V4"]
    assert client.version is ApiVersion.V4
    assert client.info()["productName"] == "Apache Flink"


def test_session_lifecycle_and_run(client: GatewayClient) -> None:
    session = client.open_session({"execution.runtime-mode": "batch"}, name="t")
    assert client.get_session_config(session)["execution.runtime-mode"] == "batch"
    client.heartbeat(session)
    result = client.run(session, "SELECT 1 AS c1, 'hello' AS c2;")
    assert [c.name for c in result.columns] == ["c1", "c2"]
    assert [r.fields for r in result.rows] == [["1", "hello"]]
    assert result.is_query_result is True
    assert client.close_session(session) == "CLOSED"
    with pytest.raises(GatewayHTTPError) as info:
        client.get_session_config(session)
    assert "does not exist" in info.value.root_cause


def test_pages_follow_next_result_uri_until_eos(client: GatewayClient) -> None:
    session = client.open_session()
    operation = client.execute(session, "SELECT * FROM (VALUES (1), (2), (3)) AS t(x)")
    pages = list(client.iter_results(session, operation, RowFormat.JSON))
    assert pages[-1].result_type is ResultType.EOS
    assert all(p.next_uri for p in pages[:-1])
    assert sorted(r.fields[0] for p in pages for r in p.rows) == [1, 2, 3]
    assert client.close_operation(session, operation) == "CLOSED"
    assert client.close_operation(session, operation) == "CLOSED"
    client.close_session(session)


def test_v1_client_gets_json_rows(gateway: RunningGateway) -> None:
    with GatewayClient(gateway.url, api_version=ApiVersion.V1) as client:
        session = client.open_session()
        result = client.run(session, "SELECT 1 AS c")
        assert [r.fields for r in result.rows] == [[1]]
        client.close_session(session)


def test_statement_error_has_a_root_cause(client: GatewayClient) -> None:
    session = client.open_session()
    with pytest.raises(GatewayHTTPError) as info:
        client.run(session, "SELECT * FROM no_such_table")
    assert info.value.status == 500
    assert "no_such_table" in info.value.root_cause
    assert "\tat " not in info.value.root_cause
    client.close_session(session)


def test_complete_returns_a_list(client: GatewayClient) -> None:
    session = client.open_session()
    assert isinstance(client.complete(session, "SELECT * FR", 11), list)
    client.close_session(session)


def test_unreachable_gateway() -> None:
    with (
        GatewayClient("http://127.0.0.1:9", timeout=2) as client,
        pytest.raises(GatewayConnectionError),
    ):
        client.api_versions()
