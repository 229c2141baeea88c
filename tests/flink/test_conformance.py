"""Replays the statements of the recorded real Flink 2.3.0 gateway conversation through the
engine (local target, parallelism 1, session time zone UTC as in the recording) and compares
columns, result kinds, the exact bytes of every row in the recorded row format, and error chains.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from sqlgateway.engine.base import EngineSession
from sqlgateway.engine.flink import FlinkEngine
from sqlgateway.errors import ExecutionError, cause_chain, java_string

from .conftest import open_session, run
from .transcripts import RecordedStatement, recorded_statements

# Statements whose rows are deterministic (no random datagen values, no server-specific config).
SAME_ROWS = {10, 37, 65, 75, 85, 96, 105, 112, 116, 120, 124, 127, 131, 133, 139, 143, 146, 149,
             152, 155, 159, 162, 166, 169, 175, 184, 198, 224}  # fmt: skip
SAME_ERROR = {136, 173, 234, 239, 243, 247, 254}
SAME_COLUMNS = {258, 279}
SELECTED = sorted(SAME_ROWS | SAME_ERROR | SAME_COLUMNS)
STATEMENTS = {s.seq: s for s in recorded_statements() if s.seq in SELECTED}


@pytest.fixture(scope="module")
def session(engine: FlinkEngine) -> Iterator[EngineSession]:
    s = open_session(engine, **{"table.local-time-zone": "UTC", "parallelism.default": "1"})
    yield s
    s.close()


def _error_lines(exc: BaseException) -> list[str]:
    return [java_string(c).splitlines()[0] for c in cause_chain(exc)]


@pytest.mark.parametrize("seq", SELECTED)
def test_same_as_recorded_flink(session: EngineSession, seq: int) -> None:
    rec: RecordedStatement = STATEMENTS[seq]
    if seq in SAME_ERROR:
        with pytest.raises(ExecutionError) as info:
            run(session, rec.statement, rec.execution_config)
        expected = [ln.splitlines()[0] for ln in rec.causes()]
        assert _error_lines(info.value) == expected
        return
    if seq in SAME_COLUMNS:  # unbounded: only the schema is comparable
        result = session.execute(_handle(), rec.statement, {})
        try:
            assert [c.to_json() for c in result.columns] == rec.columns()
            assert result.is_query and result.job_id
        finally:
            result.source.close()
        return
    fetched = run(session, rec.statement, rec.execution_config)
    page = rec.pages[0]
    assert [c.to_json() for c in fetched.result.columns] == rec.columns()
    assert orjson.dumps([c.to_json() for c in fetched.result.columns]) == orjson.dumps(
        rec.columns()
    )
    assert fetched.result.kind.value == page["kind"]
    assert fetched.result.is_query == page["is_query"]
    assert (fetched.result.job_id is not None) == page["job"]
    row_format = page["row_format"]
    mine = fetched.rows_json if row_format == "JSON" else fetched.rows_plain
    assert mine.decode() == rec.data_raw(row_format)


def _handle():  # type: ignore[no-untyped-def]
    from .conftest import op

    return op()
