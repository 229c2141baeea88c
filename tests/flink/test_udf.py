"""Python UDFs through CREATE FUNCTION ... LANGUAGE PYTHON (PyFlink's process-mode workers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import make_engine, open_session, run

pytestmark = pytest.mark.slow

MODULE = """
from pyflink.table import DataTypes
from pyflink.table.udf import udf


@udf(result_type=DataTypes.STRING())
def shout(s):
    return None if s is None else s.upper() + "!"
"""


def test_python_udf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "sg_test_udfs.py"
    module.write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))  # the planner asks this process for the function
    # PyFlink's function factory calls back through the process-wide Py4J gateway, which points
    # at the newest JVM: give this test its own (newest) engine, as a gateway process has one.
    engine = make_engine()
    session = open_session(engine, **{"python.files": str(module), "parallelism.default": "1"})
    try:
        create = "CREATE TEMPORARY FUNCTION shout AS 'sg_test_udfs.shout' LANGUAGE PYTHON"
        assert run(session, create).rows_json == b'{"kind":"INSERT","fields":["OK"]}'
        fetched = run(session, "SELECT shout('abc') AS s", timeout=300)
        assert fetched.rows_json == b'{"kind":"INSERT","fields":["ABC!"]}'
    finally:
        session.close()
        engine.close()
