"""The engine contract on real DuckDB: queries, SET/RESET, errors, cancel, streaming."""

from __future__ import annotations

import threading
import time

import pytest

from sqlgateway.engine.duckdb.engine import DuckDBEngine, DuckDBSession
from sqlgateway.errors import ExecutionError
from sqlgateway.model import ResultKind, new_operation_handle

from .conftest import drain, rows, run


def test_select_streams_with_job_id(session: DuckDBSession) -> None:
    res = run(session, "SELECT range AS x FROM range(12000);")
    assert res.is_query and res.kind is ResultKind.SUCCESS_WITH_CONTENT
    assert res.job_id is not None and len(res.job_id) == 32
    assert [c.name for c in res.columns] == ["x"]
    first = res.source.next_batch(100)
    assert first is not None and len(first) == 100
    assert len(drain(res)) == 11900


def test_starts_in_default_catalog_and_database(session: DuckDBSession) -> None:
    assert rows(session, "SELECT CURRENT_CATALOG, CURRENT_DATABASE()") == [
        ["default_catalog", "default_database"]
    ]


def test_set_reset_and_listing(session: DuckDBSession) -> None:
    res = run(session, "SET 'pipeline.name' = 'ref-job'")
    assert res.kind is ResultKind.SUCCESS and drain(res) == [["OK"]]
    listing = run(session, "SET")
    assert [c.name for c in listing.columns] == ["key", "value"]
    items = drain(listing)
    assert ["pipeline.name", "ref-job"] in items
    assert [k for k, _ in items] == sorted(k for k, _ in items)
    download = dict((k, v) for k, v in items)["table.resources.download-dir"]
    assert download.endswith(f"sql-gateway-{session.handle}")
    drain(run(session, "RESET 'pipeline.name'"))
    assert "pipeline.name" not in session.get_config()
    assert session.get_config()["table.local-time-zone"] == "UTC"


def test_illegal_set_value_is_not_kept(session: DuckDBSession) -> None:
    with pytest.raises(ExecutionError, match="No enum constant .*SqlDialect.UNKNOWN"):
        run(session, "SET 'table.sql-dialect' = 'unknown'")
    assert "table.sql-dialect" not in session.get_config()


def test_execution_config_applies_to_one_statement(session: DuckDBSession) -> None:
    items = drain(run(session, "SET", **{"x.y": "z"}))
    assert ["x.y", "z"] in items
    assert "x.y" not in session.get_config()


def test_reset_all_restores_session_properties(engine: DuckDBEngine) -> None:
    import uuid

    sess = engine.open_session(uuid.uuid4(), None, {"k1": "v1"})  # type: ignore[arg-type]
    drain(run(sess, "SET 'k1' = 'changed'"))
    drain(run(sess, "SET 'k2' = 'x'"))
    drain(run(sess, "RESET"))
    cfg = sess.get_config()
    assert cfg["k1"] == "v1" and "k2" not in cfg


@pytest.mark.parametrize(
    ("sql", "java_class", "message"),
    [
        ("SELEC 1", "org.apache.flink.table.api.SqlParserException", "SQL parse failed."),
        ("SELECT * FROM no_such_table", "org.apache.flink.table.api.ValidationException",
         "Object 'no_such_table' not found"),
        ("SELECT 1; SELECT 2", "java.lang.IllegalArgumentException",
         "only single statement supported"),
        ("SET 'a' = ", "org.apache.flink.table.api.SqlParserEOFException",
         'Encountered "<EOF>" at line 1, column 10.'),
    ],
)  # fmt: skip
def test_statement_errors(session: DuckDBSession, sql: str, java_class: str, message: str) -> None:
    with pytest.raises(ExecutionError) as info:
        run(session, sql)
    assert info.value.java_class == java_class
    assert message in info.value.message


def test_missing_statement_is_a_null_pointer(session: DuckDBSession) -> None:
    with pytest.raises(ExecutionError) as info:
        session.execute(new_operation_handle(), None, {})  # type: ignore[arg-type]
    assert info.value.java_class == "java.lang.NullPointerException"


def test_runtime_error_surfaces_on_fetch(session: DuckDBSession) -> None:
    res = run(session, "SELECT CAST('x' AS INT)")
    with pytest.raises(ExecutionError) as info:
        res.source.next_batch(10)
    assert info.value.message == "Error while retrieving result."
    cause = info.value.__cause__
    assert isinstance(cause, ExecutionError) and "'x'" in cause.message
    assert res.source.next_batch(10) is None


def test_cancel_interrupts_running_statement(session: DuckDBSession) -> None:
    handle = new_operation_handle()
    heavy = "SELECT SUM(a.range * b.range % 7) FROM range(200000) a, range(200000) b"
    threading.Timer(0.2, lambda: session.cancel(handle)).start()
    start = time.monotonic()
    with pytest.raises(ExecutionError):
        session.execute(handle, heavy, {})
    assert time.monotonic() - start < 5


def test_close_stops_a_result_and_later_fetches_end(session: DuckDBSession) -> None:
    res = run(session, "SELECT range FROM range(100000000)")
    assert res.source.next_batch(10) is not None
    res.source.close()
    assert res.source.next_batch(10) is None


def test_query_overlaps_with_next_statement(session: DuckDBSession) -> None:
    first = run(session, "SELECT range FROM range(50000)")
    second = run(session, "SELECT 42")
    assert drain(second) == [[42]]
    assert len(drain(first)) == 50000


def test_configure_accepts_ddl_and_rejects_queries(session: DuckDBSession) -> None:
    session.configure(new_operation_handle(), "SET 'table.exec.resource.default-parallelism' = '1'")
    session.configure(new_operation_handle(), "CREATE TABLE cfg_t (a INT)")
    assert session.get_config()["table.exec.resource.default-parallelism"] == "1"
    with pytest.raises(ExecutionError) as info:
        session.configure(new_operation_handle(), "SELECT 1")
    assert info.value.java_class == "java.lang.UnsupportedOperationException"
    assert info.value.message.startswith(
        "Unsupported statement for configuring session: SELECT 1\n"
        "The configureSession API only supports executing statements of type SET, RESET, "
    )
    with pytest.raises(ExecutionError, match="Configure session only accepts a single"):
        session.configure(new_operation_handle(), "SET 'a'='b'; SET 'c'='d'")


def test_insert_is_a_job(session: DuckDBSession) -> None:
    drain(run(session, "CREATE TABLE ins_t (a INT)"))
    res = run(session, "INSERT INTO ins_t VALUES (1), (2)")
    assert not res.is_query and [c.name for c in res.columns] == ["job id"]
    (job_id,) = drain(res)[0]
    assert res.job_id == job_id and len(job_id) == 32
    assert rows(session, "SELECT count(*) FROM ins_t") == [[2]]


def test_sessions_share_the_database(engine: DuckDBEngine, session: DuckDBSession) -> None:
    import uuid

    drain(run(session, "CREATE TABLE shared_t AS SELECT 7 AS v"))
    other = engine.open_session(uuid.uuid4(), None, {})  # type: ignore[arg-type]
    assert rows(other, "SELECT v FROM shared_t") == [[7]]


def test_complete_statement_lists_tables(session: DuckDBSession) -> None:
    drain(run(session, "CREATE TABLE orders (id INT)"))
    drain(run(session, "CREATE TEMPORARY VIEW order_view AS SELECT 1 AS x"))
    assert session.complete("SELECT * FROM ord", 17) == ["order_view", "orders"]
    assert session.complete("SELECT * FR", 11) == ["FROM"]


def test_sensitive_values_are_masked(engine: DuckDBEngine) -> None:
    import uuid

    sess = engine.open_session(uuid.uuid4(), None, {"my.password": "p4ss"})  # type: ignore[arg-type]
    drain(run(sess, "SET 'sql-gateway.security.auth.token' = 'abc'"))
    assert sess.get_config()["my.password"] == "******"
    listing = dict((k, v) for k, v in drain(run(sess, "SET")))
    assert listing["sql-gateway.security.auth.token"] == "******"
    assert listing["table.local-time-zone"] == "UTC"


def test_cancel_before_the_statement_starts(session: DuckDBSession) -> None:
    handle = new_operation_handle()
    session.cancel(handle)
    with pytest.raises(ExecutionError, match="cancelled"):
        session.execute(handle, "SELECT SUM(range) FROM range(10)", {})
    assert rows(session, "SELECT 1") == [[1]]


def test_cancel_racing_the_start_of_a_query_always_stops_it(session: DuckDBSession) -> None:
    heavy = "SELECT SUM(a.range * b.range % 7) FROM range(300000) a, range(300000) b"
    for delay in (0.0, 0.0005, 0.002, 0.01):
        handle = new_operation_handle()
        outcome: list[BaseException | None] = []

        def work(h: object = handle, out: list[BaseException | None] = outcome) -> None:
            try:
                session.execute(h, heavy, {})  # type: ignore[arg-type]
                out.append(None)
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
                out.append(exc)

        t = threading.Thread(target=work)
        t.start()
        time.sleep(delay)
        session.cancel(handle)
        t.join(10)
        assert not t.is_alive(), f"statement not stopped (cancel after {delay}s)"
        assert isinstance(outcome[0], ExecutionError)
