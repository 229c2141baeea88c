"""The PyPI DB-API 2.0 driver for the Flink SQL Gateway (``py-flink-sql-gateway``, module
``flink_gateway``) end to end against a real gateway on 127.0.0.1."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import RunningGateway, start_gateway

flink_gateway = pytest.importorskip(
    "flink_gateway", reason="pip install py-flink-sql-gateway (the DB-API driver)"
)


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    # pages of 7 rows: every result below 100 rows spans many PAYLOAD pages
    g = start_gateway({"sql-gateway.result.page-max-rows": "7"})
    yield g
    g.stop()


@pytest.fixture(params=["v1", "v2", "v3", "v4"])
def conn(request: pytest.FixtureRequest, gateway: RunningGateway) -> Iterator[Any]:
    connection = flink_gateway.connect(gateway.url, api_version=request.param)
    yield connection
    connection.close()


def test_module_is_dbapi_2(gateway: RunningGateway) -> None:
    assert flink_gateway.apilevel == "2.0"
    with flink_gateway.connect(gateway.url) as connection:
        assert connection.client.get_api_versions() == ["V1", "V2", "V3", "V4"]
        info = connection.client.get_info()
        assert info.product_name == "Apache Flink"


def test_multi_page_result_arrives_complete_and_in_order(conn: Any) -> None:
    values = ", ".join(f"({i}, 'row-{i}')" for i in range(1, 51))
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM (VALUES {values}) AS t(n, s)")
    assert [d[0] for d in cur.description] == ["n", "s"]
    first = cur.fetchmany(5)
    rest = cur.fetchall()
    rows = first + rest
    assert rows == [(i, f"row-{i}") for i in range(1, 51)]
    assert cur.fetchone() is None
    cur.close()


def test_types_are_decoded_from_the_json_row_format(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute(
        "SELECT CAST(7 AS INT) AS i, CAST(9000000000 AS BIGINT) AS big, CAST(1.5 AS DOUBLE) AS d,"
        " CAST(-1.25 AS DECIMAL(10,2)) AS dec, TRUE AS b, 'txt' AS s, DATE '2024-01-02' AS dt,"
        " TIMESTAMP '2024-01-02 12:34:56.789' AS ts, CAST(NULL AS INT) AS n"
    )
    row = cur.fetchone()
    assert row == (
        7, 9000000000, 1.5, Decimal("-1.25"), True, "txt", datetime.date(2024, 1, 2),
        datetime.datetime(2024, 1, 2, 12, 34, 56, 789000), None,
    )  # fmt: skip
    codes = {d[0]: d[1] for d in cur.description}
    assert codes["i"] == flink_gateway.NUMBER and codes["i"] == "INTEGER"
    assert codes["big"] == "BIGINT"
    assert codes["dec"] == flink_gateway.NUMBER
    assert (cur.description[3][4], cur.description[3][5]) == (10, 2)  # precision, scale
    assert codes["s"] == flink_gateway.STRING
    assert codes["dt"] == flink_gateway.DATETIME and codes["ts"] == flink_gateway.DATETIME
    assert cur.fetchone() is None


def test_sql_errors_raise_with_the_server_cause(conn: Any) -> None:
    cur = conn.cursor()
    with pytest.raises(flink_gateway.OperationalError) as info:
        cur.execute("SELEC 1")
    text = str(info.value)
    assert "fetch results failed: 500" in text
    assert "Failed to execute the operation" in text
    cur.execute("SELECT 1 AS still_usable")  # the session survives the error
    assert cur.fetchall() == [(1,)]


def test_set_changes_the_session_configuration(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute("SET 'dbapi.test.key' = 'on'")
    assert [d[0] for d in cur.description] == ["result"]
    config = conn.client.get_session_config(conn.session_handle)
    assert config["dbapi.test.key"] == "on"
    cur.execute("SET")
    listing = dict(cur.fetchall())
    assert listing["dbapi.test.key"] == "on"
    assert list(listing) == sorted(listing), "SET lists keys sorted"
    cur.execute("RESET 'dbapi.test.key'")
    assert "dbapi.test.key" not in conn.client.get_session_config(conn.session_handle)


def test_unknown_session_is_an_error(gateway: RunningGateway) -> None:
    client = flink_gateway.FlinkSqlGatewayClient(gateway.url, api_version="v2")
    try:
        with pytest.raises(flink_gateway.FlinkSqlGatewayError, match="does not exist"):
            client.get_session_config("00000000-0000-0000-0000-000000000000")
    finally:
        client.close()
