"""The audit log option on a real gateway."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.conftest import start_gateway
from tests.helpers import execute, fetch_all, open_session, wait_status


def test_one_line_per_statement(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    g = start_gateway({"sql-gateway.security.audit.file": str(path)})
    try:
        with g.client() as c:
            sh = open_session(c)
            ok = execute(c, sh, "SELECT * FROM (VALUES (1), (2), (3)) AS t(x)")
            assert fetch_all(c, sh, ok).rows == [[1], [2], [3]]
            assert c.delete(f"/v1/sessions/{sh}/operations/{ok}/close").status_code == 200
            bad = execute(c, sh, "SELEC 1")
            assert wait_status(c, sh, bad) == "ERROR"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(path.read_text().splitlines()) < 2:
            time.sleep(0.01)
        lines = [json.loads(x) for x in path.read_text().splitlines()]
    finally:
        g.stop()
    by_op = {x["operation"]: x for x in lines}
    assert by_op[ok]["status"] == "FINISHED" and by_op[ok]["rows"] == 3
    assert by_op[ok]["session"] == sh and by_op[ok]["principal"] is None
    assert by_op[bad]["status"] == "ERROR" and by_op[bad]["statement"] == "SELEC 1"
