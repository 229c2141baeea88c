"""Engine behaviour on the local target (a mini-cluster per job inside the engine's JVM)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import orjson
import pytest

from sqlgateway.engine.base import EngineSession
from sqlgateway.engine.flink import FlinkEngine
from sqlgateway.errors import ExecutionError, cause_chain
from sqlgateway.model import ResultKind, RowFormat

from .conftest import op, open_session, run, wait_for

UNBOUNDED = (
    "CREATE TEMPORARY TABLE {name} (k INT, v BIGINT) WITH ('connector' = 'datagen', "
    "'rows-per-second' = '20', 'fields.k.min' = '1', 'fields.k.max' = '3')"
)


@pytest.fixture
def session(engine: FlinkEngine) -> Iterator[EngineSession]:
    s = open_session(engine, **{"table.local-time-zone": "UTC", "parallelism.default": "1"})
    yield s
    s.close()


def test_query_result_shape(session: EngineSession) -> None:
    fetched = run(session, "SELECT 1")
    r = fetched.result
    assert r.is_query and r.kind is ResultKind.SUCCESS_WITH_CONTENT
    assert r.job_id is not None and re.fullmatch(r"[0-9a-f]{32}", r.job_id)
    assert [c.to_json() for c in r.columns] == [
        {"name": "EXPR$0", "logicalType": {"type": "INTEGER", "nullable": False}, "comment": None}
    ]
    assert fetched.rows_json == b'{"kind":"INSERT","fields":[1]}'
    assert fetched.rows_plain == b'{"kind":"INSERT","fields":["1"]}'
    # The SQL client sends a trailing semicolon.
    assert run(session, "SELECT 7;").rows_json == b'{"kind":"INSERT","fields":[7]}'


def test_set_reset_and_statement_overrides(session: EngineSession) -> None:
    assert run(session, "SET 'pipeline.name' = 'job-a'").rows_json == (
        b'{"kind":"INSERT","fields":["OK"]}'
    )
    assert session.get_config()["pipeline.name"] == "job-a"
    listing = run(session, "SET", {"x.only.here": "1"})
    rows = [r["fields"] for r in orjson.loads(b"[" + listing.rows_json + b"]")]
    assert rows == sorted(rows)
    assert ["x.only.here", "1"] in rows and ["pipeline.name", "job-a"] in rows
    assert "x.only.here" not in session.get_config()
    run(session, "RESET 'pipeline.name'")
    assert "pipeline.name" not in session.get_config()
    assert session.get_config()["table.local-time-zone"] == "UTC"
    run(session, "RESET")
    assert "table.local-time-zone" not in session.get_config()  # RESET restores gateway defaults


def test_session_config_and_unsupported_deploy(engine: FlinkEngine, session: EngineSession) -> None:
    conf = session.get_config()
    assert conf["table.local-time-zone"] == "UTC"  # open-time property
    assert conf["execution.target"] == "local"
    assert "/sql-gateway-" in conf["table.resources.download-dir"]
    with pytest.raises(ExecutionError, match="application-mode"):
        engine.deploy_script(session, "SELECT 1;", None, {})


def test_illegal_set_value_is_not_kept(session: EngineSession) -> None:
    with pytest.raises(ExecutionError) as info:
        run(session, "SET 'table.sql-dialect' = 'unknown'")
    assert cause_chain(info.value)[-1].java_class == "java.lang.IllegalArgumentException"
    assert "table.sql-dialect" not in session.get_config()


def test_runtime_mode_per_statement(session: EngineSession) -> None:
    fetched = run(session, "SELECT 2", {"execution.runtime-mode": "batch"})
    assert fetched.rows_json == b'{"kind":"INSERT","fields":[2]}'


def test_statement_set_and_insert_job_ids(session: EngineSession) -> None:
    run(session, "CREATE TEMPORARY TABLE snk (a INT) WITH ('connector' = 'blackhole')")
    single = run(session, "INSERT INTO snk VALUES (1)")
    assert [c.name for c in single.result.columns] == ["job id"]
    assert not single.result.is_query and single.result.job_id
    assert single.rows_json == b'{"kind":"INSERT","fields":["%s"]}' % single.result.job_id.encode()
    assert run(session, "BEGIN STATEMENT SET").result.kind is ResultKind.SUCCESS
    assert run(session, "INSERT INTO snk VALUES (2)").rows_json.endswith(b'["OK"]}')
    with pytest.raises(ExecutionError, match="Only 'INSERT/CREATE TABLE AS'"):
        run(session, "SELECT 1")
    end = run(session, "END")
    assert end.result.job_id and end.result.kind is ResultKind.SUCCESS_WITH_CONTENT
    with pytest.raises(ExecutionError, match="No Statement Set to submit"):
        run(session, "END")


def test_configure_session(session: EngineSession) -> None:
    session.configure(op(), "SET 'a.b' = 'c'")
    assert session.get_config()["a.b"] == "c"
    session.configure(op(), "CREATE TEMPORARY VIEW cv AS SELECT 1 AS x")
    assert run(session, "SELECT x FROM cv").rows_json == b'{"kind":"INSERT","fields":[1]}'
    with pytest.raises(ExecutionError) as info:
        session.configure(op(), "SELECT 1")
    root = cause_chain(info.value)[-1]
    assert root.java_class == "java.lang.UnsupportedOperationException"
    assert root.message.startswith("Unsupported statement for configuring session: SELECT 1\n")


def test_completion_from_flink_parser(session: EngineSession) -> None:
    assert session.complete("SELECT * FR", 11) == ["FROM"]
    assert "TABLE" in session.complete("CREATE TA", 9)


def test_session_isolation(engine: FlinkEngine, session: EngineSession) -> None:
    other = open_session(engine)
    try:
        run(session, "CREATE TEMPORARY VIEW only_here AS SELECT 1 AS x")
        run(session, "SET 'iso.key' = 'one'")
        with pytest.raises(ExecutionError, match="only_here"):
            run(other, "SELECT * FROM only_here")
        assert "iso.key" not in other.get_config()
        run(other, "CREATE DATABASE other_db")
        assert b"other_db" not in run(session, "SHOW DATABASES").rows_json
    finally:
        other.close()


def test_sessions_run_statements_concurrently(engine: FlinkEngine) -> None:
    sessions = [open_session(engine) for _ in range(3)]
    results: dict[int, list[list[int]]] = {}

    def work(i: int) -> None:
        data = run(sessions[i], f"SELECT {i} AS n, x FROM (VALUES (1), (2)) AS t(x)").rows_json
        results[i] = sorted(r["fields"] for r in orjson.loads(b"[" + data + b"]"))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        assert results == {i: [[i, 1], [i, 2]] for i in range(3)}
    finally:
        for s in sessions:
            s.close()


def test_streaming_changelog_and_close_cancels(session: EngineSession) -> None:
    run(session, UNBOUNDED.format(name="src"))
    result = session.execute(op(), "SELECT k, COUNT(*) AS c FROM src GROUP BY k", {})
    assert result.is_query and result.job_id
    kinds: set[str] = set()
    empty = 0
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and not {"UPDATE_BEFORE", "UPDATE_AFTER"} <= kinds:
            batch = result.source.next_batch(1000, 0.2)
            assert batch is not None, "an unbounded result never ends"
            if len(batch) == 0:
                empty += 1
                continue
            for row in orjson.loads(b"[" + batch.encode(RowFormat.JSON) + b"]"):
                kinds.add(row["kind"])
        assert {"INSERT", "UPDATE_BEFORE", "UPDATE_AFTER"} <= kinds
    finally:
        started = time.monotonic()
        result.source.close()
        assert time.monotonic() - started < 2  # close never blocks on the cluster
    assert result.source.next_batch(10) is None


def test_cancel_interrupts_execute(session: EngineSession) -> None:
    """cancel() while execute() runs: execute returns promptly (cancelled, or already done) and
    the session stays usable."""
    handle = op()
    errors: list[BaseException] = []

    def execute() -> None:
        try:
            session.execute(handle, "SELECT 1", {})
        except ExecutionError as exc:
            errors.append(exc)

    t = threading.Thread(target=execute)
    t.start()
    time.sleep(0.05)
    session.cancel(handle)
    t.join(120)
    assert not t.is_alive()
    # Either the statement was interrupted, or it had already submitted its job.
    if errors:
        assert "cancel" in str(errors[0]).lower()
    assert wait_for(lambda: run(session, "SELECT 3").rows_json.endswith(b"[3]}"), 60)


def test_errors_carry_java_classes(session: EngineSession) -> None:
    with pytest.raises(ExecutionError) as info:
        run(session, "SELECT * FROM no_such_table")
    chain = cause_chain(info.value)
    assert chain[0].java_class == "org.apache.flink.table.api.ValidationException"
    assert chain[-1].java_class == "org.apache.calcite.sql.validate.SqlValidatorException"
    with pytest.raises(ExecutionError, match="REMOVE JAR"):
        run(session, "REMOVE JAR '/tmp/none.jar'")


def test_show_jobs_needs_a_cluster(session: EngineSession) -> None:
    with pytest.raises(ExecutionError, match="No ClusterClientFactory found"):
        run(session, "SHOW JOBS")


def test_create_catalog_is_per_session(engine: FlinkEngine, session: EngineSession) -> None:
    run(session, "CREATE CATALOG mem WITH ('type' = 'generic_in_memory')")
    run(session, "USE CATALOG mem")
    run(session, "CREATE DATABASE d1")
    assert run(session, "SHOW CURRENT CATALOG").rows_json == b'{"kind":"INSERT","fields":["mem"]}'
    assert b'"d1"' in run(session, "SHOW DATABASES").rows_json
    other = open_session(engine)
    try:
        assert b"mem" not in run(other, "SHOW CATALOGS").rows_json
    finally:
        other.close()


def test_json_cannot_encode_non_string_map_keys(session: EngineSession) -> None:
    result = session.execute(op(), "SELECT MAP[1, 'a'] AS m", {})
    try:
        batch = None
        while batch is None or len(batch) == 0:
            batch = result.source.next_batch(10, 0.5)
            assert batch is not None
        assert batch.encode(RowFormat.PLAIN_TEXT) == b'{"kind":"INSERT","fields":["{1=a}"]}'
        with pytest.raises(ExecutionError, match="Could not map response to JSON"):
            batch.encode(RowFormat.JSON)
    finally:
        result.source.close()
