"""The audit log driven by real service Operations (the status callback the service wires)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlgateway.config import Settings
from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import ok_result, static_result
from sqlgateway.errors import ExecutionError
from sqlgateway.model import INT, Column, OperationStatus, new_operation_handle
from sqlgateway.security.audit import AuditLog
from sqlgateway.service.operation import Operation

S = OperationStatus


def _op(audit: AuditLog, statement: str, principal: str | None = "alice") -> Operation:
    op = Operation(new_operation_handle(), statement, audit.on_status)
    audit.begin(op, "session-1", principal)
    op.try_move(S.PENDING)
    op.try_move(S.RUNNING)
    return op


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _query(rows: int) -> StatementResult:
    result = static_result([Column("x", INT())], [[i] for i in range(rows)])
    result.is_query = True
    return result


def test_query_line_written_at_close_with_rows_fetched() -> None:
    out = io.StringIO()
    audit = AuditLog(out)
    op = _op(audit, "SELECT x FROM t")
    assert op.finish(_query(3), 100)
    assert out.getvalue() == ""  # rows not known yet
    fetcher = op.fetcher
    assert fetcher is not None
    fetcher.fetch(0)
    fetcher.fetch(1)
    op.close()
    op.close()  # a second close writes nothing more
    (line,) = _lines(out)
    assert line["principal"] == "alice" and line["session"] == "session-1"
    assert line["operation"] == str(op.handle) and line["statement"] == "SELECT x FROM t"
    assert line["status"] == "FINISHED" and line["rows"] == 3
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["event"] == "statement" and line["error"] is None
    assert audit.pending == 0


def test_ddl_error_cancel_and_closed_while_running() -> None:
    out = io.StringIO()
    audit = AuditLog(out)
    ddl = _op(audit, "CREATE TABLE t (a INT)")
    ddl.finish(ok_result(), 100)
    bad = _op(audit, "SELEC 1", principal=None)
    bad.fail(ExecutionError("SQL parse failed. Non-query expression"))
    canceled = _op(audit, "SELECT sleep")
    canceled.move_or_raise(S.CANCELED)
    running = _op(audit, "SELECT forever")
    running.close()
    lines = _lines(out)
    assert [(x["statement"], x["status"]) for x in lines] == [
        ("CREATE TABLE t (a INT)", "FINISHED"),
        ("SELEC 1", "ERROR"),
        ("SELECT sleep", "CANCELED"),
        ("SELECT forever", "CLOSED"),
    ]
    assert lines[1]["principal"] is None
    assert lines[1]["error"] == "SQL parse failed. Non-query expression"
    for op in (ddl, bad, canceled):
        op.close()
    assert len(_lines(out)) == 4 and audit.pending == 0


def test_from_settings(tmp_path: Path) -> None:
    assert AuditLog.from_settings(Settings({})) is None
    path = tmp_path / "audit.log"
    audit = AuditLog.from_settings(Settings({"sql-gateway.security.audit.file": str(path)}))
    assert audit is not None
    op = _op(audit, "SELECT 1")
    op.finish(ok_result(), 10)
    audit.close()
    assert json.loads(path.read_text())["statement"] == "SELECT 1"
