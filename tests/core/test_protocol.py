"""CHECKLIST items on sessions, operations and result paging, against a real server."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.conftest import RunningGateway
from tests.helpers import error_text, execute, fetch_all, open_session, run, wait_status

LONG_QUERY = "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3"


def result_uri(sh: str, oh: str, token: int, v: str = "v2", fmt: str | None = "JSON") -> str:
    q = f"?rowFormat={fmt}" if fmt else ""
    return f"/{v}/sessions/{sh}/operations/{oh}/result/{token}{q}"


# ---- sessions ---------------------------------------------------------------------------------


def test_session_lifecycle(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        r = c.post("/v2/sessions", json={"sessionName": "s", "properties": {"k1": "v1"}})
        sh = r.json()["sessionHandle"]
        assert str(uuid.UUID(sh)) == sh
        props = c.get(f"/v2/sessions/{sh}").json()["properties"]
        assert props["k1"] == "v1"
        assert "table.resources.download-dir" in props  # not only user-set keys
        run(c, sh, "SET 'k2' = 'v2'")
        assert c.get(f"/v2/sessions/{sh}").json()["properties"]["k2"] == "v2"
        assert c.post(f"/v2/sessions/{sh}/heartbeat").text == "{}"
        assert c.delete(f"/v2/sessions/{sh}").text == '{"status":"CLOSED"}'
        again = c.delete(f"/v2/sessions/{sh}")
        assert again.status_code == 500
        assert f"Session '{sh}' does not exist." in error_text(again)
        assert len(again.json()["errors"]) == 1


def test_empty_body_and_unknown_fields(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        assert c.post("/v1/sessions", content=b"").status_code == 200
        sh = open_session(c)
        r = c.post(f"/v3/sessions/{sh}/statements", json={"statement": "SELECT 1", "bogus": 1})
        oh = r.json()["operationHandle"]
        assert fetch_all(c, sh, oh).rows == [[1]]
        r = c.post(f"/v3/sessions/{sh}/statements", json={"executionConfig": None})
        assert wait_status(c, sh, r.json()["operationHandle"]) == "ERROR"
        bad = c.post("/v3/sessions", content=b"[]")
        assert bad.status_code == 400
        assert "Request did not match expected format OpenSessionRequestBody." in error_text(bad)


def test_max_sessions(gateway_factory) -> None:  # type: ignore[no-untyped-def]
    g = gateway_factory({"sql-gateway.session.max-num": "2"})
    with g.client() as c:
        open_session(c)
        open_session(c)
        r = c.post("/v1/sessions")
        assert r.status_code == 500
        assert r.json()["errors"][0] == "Internal server error."
        assert "the count of active sessions exceeds the max count: 2" in error_text(r)


def test_idle_sessions_expire(gateway_factory) -> None:  # type: ignore[no-untyped-def]
    g = gateway_factory(
        {"sql-gateway.session.idle-timeout": "300ms", "sql-gateway.session.check-interval": "50ms"}
    )
    with g.client() as c:
        idle = open_session(c)
        busy = open_session(c)
        oh = execute(c, busy, "SELECT 42")
        for _ in range(12):  # every call naming the session resets its idle timer
            time.sleep(0.05)
            assert c.get(f"/v3/sessions/{busy}/operations/{oh}/status").status_code == 200
        assert c.get(f"/v3/sessions/{idle}").status_code == 500
        assert c.get(f"/v3/sessions/{busy}").status_code == 200
        assert g.service.stats.sessions_expired >= 1


# ---- operations -------------------------------------------------------------------------------


def test_statement_error_returns_handle_then_500_on_fetch(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, "SELEC 1")
        assert wait_status(c, sh, oh) == "ERROR"
        r = c.get(result_uri(sh, oh, 0))
        assert r.status_code == 500
        text = error_text(r)
        assert f"Failed to execute the operation {oh}." in text
        assert "SqlParserException" in text or "ValidationException" in text


def test_cancel_and_close_semantics(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, LONG_QUERY)
        time.sleep(0.2)
        r = c.post(f"/v3/sessions/{sh}/operations/{oh}/cancel")
        assert r.json() == {"status": "CANCELED"}
        r = c.get(result_uri(sh, oh, 0))
        assert r.status_code == 500
        assert f"Can not fetch results from the {oh} in CANCELED status." in error_text(r)
        done = execute(c, sh, "SELECT 1")
        assert wait_status(c, sh, done) == "FINISHED"
        r = c.post(f"/v3/sessions/{sh}/operations/{done}/cancel")
        assert r.status_code == 500 and len(r.json()["errors"]) == 1
        assert "Failed to convert the Operation Status from FINISHED to CANCELED" in error_text(r)
        for _ in range(2):
            r = c.delete(f"/v3/sessions/{sh}/operations/{done}/close")
            assert r.json() == {"status": "CLOSED"}
        r = c.get(f"/v3/sessions/{sh}/operations/{done}/status")
        assert r.status_code == 500
        assert "Can not find the submitted operation in the OperationManager" in error_text(r)


def test_close_running_statement_interrupts_it(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, LONG_QUERY)
        time.sleep(0.1)
        started = time.monotonic()
        assert c.delete(f"/v3/sessions/{sh}/operations/{oh}/close").json() == {"status": "CLOSED"}
        # the session's next statement runs as soon as the interrupted one has stopped
        assert run(c, sh, "SELECT 7").rows == [[7]]
        assert time.monotonic() - started < 5


def test_statements_of_a_session_run_in_order(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        run(c, sh, "CREATE TABLE ordered_t (i INT)")
        handles = [execute(c, sh, f"INSERT INTO ordered_t VALUES ({i})") for i in range(20)]
        for h in handles:
            assert wait_status(c, sh, h) == "FINISHED"
        rows = run(c, sh, "SELECT count(*), sum(i) FROM ordered_t").rows
        assert [int(x) for x in rows[0]] == [20, sum(range(20))]


def test_close_session_closes_operations(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, LONG_QUERY)
        assert c.delete(f"/v3/sessions/{sh}").status_code == 200
        r = c.get(f"/v3/sessions/{sh}/operations/{oh}/status")
        assert r.status_code == 500
        assert f"Session '{sh}' does not exist." in error_text(r)


def test_execution_timeout_interrupts(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, LONG_QUERY, executionTimeout=300)
        assert wait_status(c, sh, oh, timeout=10) == "TIMEOUT"
        r = c.get(result_uri(sh, oh, 0))
        assert r.status_code == 500
        assert "in TIMEOUT status" in error_text(r)
        quick = execute(c, sh, "SELECT 5", executionTimeout=10_000)
        assert fetch_all(c, sh, quick).rows == [[5]]


def test_execution_config_applies_to_one_statement(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, "SET", executionConfig={"x.y": "z"})
        listing = dict(fetch_all(c, sh, oh).rows)
        assert listing["x.y"] == "z"
        assert "x.y" not in c.get(f"/v3/sessions/{sh}").json()["properties"]


# ---- fetching -------------------------------------------------------------------------------


def test_token_rules(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, "SELECT * FROM range(3)")
        assert wait_status(c, sh, oh) == "FINISHED"
        r = c.get(result_uri(sh, oh, 5))
        assert r.status_code == 500
        assert "Expecting token to be 0, but found 5." in error_text(r)
        p0 = c.get(result_uri(sh, oh, 0)).json()
        assert p0["resultType"] == "PAYLOAD"
        assert p0["nextResultUri"].endswith("/result/1?rowFormat=JSON")
        again = c.get(result_uri(sh, oh, 0)).json()  # retry of the previous token is safe
        assert again == p0
        r = c.get(result_uri(sh, oh, 3))
        assert "Expecting token to be 1 or 0, but found 3." in error_text(r)
        assert c.get(result_uri(sh, oh, -1)).status_code == 500
        eos = c.get(result_uri(sh, oh, 1)).json()
        assert eos["resultType"] == "EOS" and "nextResultUri" not in eos
        assert eos["results"]["data"] == [] and eos["results"]["columns"]
        assert c.get(result_uri(sh, oh, 1)).json() == eos
        after = c.get(result_uri(sh, oh, 0)).json()
        assert after["resultType"] == "PAYLOAD" and after["results"]["data"] == []
        assert c.get(result_uri(sh, oh, "abc")).status_code == 400  # type: ignore[arg-type]


def test_row_format_parameter(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, "SELECT 1 AS x")
        wait_status(c, sh, oh)
        r = c.get(result_uri(sh, oh, 0, fmt="XML"))
        assert r.status_code == 400
        assert 'Cannot resolve query parameter (rowFormat) from value "XML".' in error_text(r)
        r = c.get(result_uri(sh, oh, 0, fmt="plain_text")).json()
        assert r["results"]["rowFormat"] == "PLAIN_TEXT"
        assert r["nextResultUri"].endswith("?rowFormat=PLAIN_TEXT")
        assert r["results"]["data"][0]["fields"] == ["1"]
        r = c.get(result_uri(sh, oh, 0, fmt=None)).json()  # absent: JSON
        assert r["results"]["rowFormat"] == "JSON" and r["nextResultUri"].endswith("=JSON")
        v1 = c.get(result_uri(sh, oh, 0, v="v1", fmt="PLAIN_TEXT")).json()  # v1 ignores it
        assert v1["results"]["rowFormat"] == "JSON"
        assert v1["nextResultUri"] == f"/v1/sessions/{sh}/operations/{oh}/result/1"
        dup = c.get(f"/v2/sessions/{sh}/operations/{oh}/result/1?rowFormat=JSON&rowFormat=JSON")
        assert dup.status_code == 400


def test_static_results_shapes(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        res = run(c, sh, "SET 'a.b' = 'c'")
        assert (res.result_kind, res.is_query, res.job_id) == ("SUCCESS", False, None)
        assert res.columns[0]["name"] == "result" and res.rows == [["OK"]]
        listing = run(c, sh, "SET")
        keys = [r[0] for r in listing.rows]
        assert keys == sorted(keys) and "a.b" in keys
        assert [col["name"] for col in listing.columns] == ["key", "value"]
        q = run(c, sh, "SELECT 1")
        assert q.is_query is True and len(q.job_id or "") == 32
        assert q.result_kind == "SUCCESS_WITH_CONTENT"


def test_pages_hold_at_most_page_max_rows(gateway_factory) -> None:  # type: ignore[no-untyped-def]
    g = gateway_factory({"sql-gateway.result.page-max-rows": "1000"})
    with g.client() as c:
        sh = open_session(c)
        res = run(c, sh, "SELECT i FROM range(4500) t(i)")
        sizes = [len(p["results"]["data"]) for p in res.pages if p["resultType"] == "PAYLOAD"]
        assert max(sizes) <= 1000
        assert sorted(r[0] for r in res.rows) == list(range(4500))


@pytest.mark.parametrize("fmt", ["JSON", "PLAIN_TEXT"])
def test_large_values_exact(gateway: RunningGateway, fmt: str) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(
            c, sh,
            "SELECT CAST(-9007199254740993 AS BIGINT) AS b, "
            "CAST('12345678901234567890.1234567890' AS DECIMAL(38,10)) AS d",
        )  # fmt: skip
        assert wait_status(c, sh, oh) == "FINISHED"
        raw = c.get(result_uri(sh, oh, 0, fmt=fmt)).text  # compared as text: no float parsing
        if fmt == "JSON":
            assert '"fields":[-9007199254740993,12345678901234567890.123456789]' in raw
        else:
            assert '"fields":["-9007199254740993","12345678901234567890.1234567890"]' in raw


def test_fetch_long_poll_avoids_not_ready(gateway_factory) -> None:  # type: ignore[no-untyped-def]
    """With sql-gateway.result.fetch-max-wait the fetch waits for the statement instead of
    answering NOT_READY; the response shapes stay Flink's."""
    slow = "SELECT count(*) AS n FROM range(300000000) t(i) WHERE i % 3 = 0"
    plain = gateway_factory({"sql-gateway.result.fetch-max-wait": "0"})
    polling = gateway_factory({"sql-gateway.result.fetch-max-wait": "20 s"})
    with plain.client() as c:
        sh = open_session(c)
        first = c.get(result_uri(sh, execute(c, sh, slow), 0)).json()
        assert first["resultType"] == "NOT_READY"  # Flink's default: answer at once
    with polling.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, slow)
        res = fetch_all(c, sh, oh, v="v2")
        assert [p["resultType"] for p in res.pages] == ["PAYLOAD", "EOS"]
        assert res.rows == [[100000000]]


def test_map_with_non_string_keys_cannot_be_json(gateway: RunningGateway) -> None:
    """Flink's JSON format supports only string map keys: the fetch fails with Flink's bare
    message, while PLAIN_TEXT renders the map."""
    with gateway.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, "SELECT MAP[1, 'a', 2, 'b'] AS m")
        assert wait_status(c, sh, oh) == "FINISHED"
        r = c.get(result_uri(sh, oh, 0))
        assert r.status_code == 500
        assert r.json() == {"errors": ["Internal server error. Could not map response to JSON."]}
        oh = execute(c, sh, "SELECT MAP[1, 'a', 2, 'b'] AS m")
        assert fetch_all(c, sh, oh, row_format="PLAIN_TEXT").rows == [["{1=a, 2=b}"]]


def test_v3_materialized_table_refresh(gateway: RunningGateway) -> None:
    """POST /v3/…/materialized-tables/:identifier/refresh answers an operation whose result is
    the refresh job's id; the table then holds the query's current rows."""
    with gateway.client() as c:
        sh = open_session(c)
        run(c, sh, "CREATE TABLE mt_src (id INT, ds STRING)")
        run(c, sh, "INSERT INTO mt_src VALUES (1, '2024-01-01')")
        run(
            c, sh,
            "CREATE MATERIALIZED TABLE mt1 PARTITIONED BY (ds) FRESHNESS = INTERVAL '1' HOUR "
            "AS SELECT id, ds FROM mt_src",
        )  # fmt: skip
        run(c, sh, "INSERT INTO mt_src VALUES (2, '2024-01-01')")
        ident = "`default_catalog`.`default_database`.`mt1`"
        r = c.post(
            f"/v3/sessions/{sh}/materialized-tables/{ident}/refresh",
            json={"isPeriodic": False, "staticPartitions": {"ds": "2024-01-01"}},
        )
        assert r.status_code == 200, r.text
        res = fetch_all(c, sh, r.json()["operationHandle"])
        # Flink's refresh row: job id + cluster info (MaterializedTableManager)
        assert [col["name"] for col in res.columns] == ["job id", "cluster info"]
        assert len(res.rows[0][0]) == 32
        assert sorted(run(c, sh, "SELECT id FROM mt1").rows) == [[1], [2]]
        r = c.post(f"/v3/sessions/{sh}/materialized-tables/x/refresh", json={"isPeriodic": None})
        assert r.status_code == 400
        r = c.post(f"/v3/sessions/{uuid.uuid4()}/materialized-tables/x/refresh", json={})
        assert r.status_code in (400, 500)
