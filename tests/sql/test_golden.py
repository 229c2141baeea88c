"""Golden ``.q`` files (tests/sql/golden) through the REST API of a real gateway."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningGateway, start_gateway
from tests.helpers import open_session
from tests.sql.golden_runner import parse_q, record, run_case

GOLDEN = Path(__file__).parent / "golden"
FILES = sorted(GOLDEN.glob("*.q"))


@pytest.fixture
def golden_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    data = tmp_path_factory.mktemp("golden-data")
    gateway = start_gateway(
        {
            "table.local-time-zone": "UTC",
            "sql-gateway.security.sandbox.allowed-directories": str(data),
        }
    )
    gateway.data_dir = data  # type: ignore[attr-defined]
    yield gateway
    gateway.stop()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden(golden_gateway: RunningGateway, path: Path) -> None:
    data_dir = str(golden_gateway.data_dir)  # type: ignore[attr-defined]
    with golden_gateway.client() as c:
        sh = open_session(c)
        failures = []
        recorded: dict[int, str] = {}
        for case in parse_q(path):
            case.statement = case.statement.replace("$DATA", data_dir)
            actual = _mask_job_ids(run_case(c, sh, case))
            recorded[case.line] = actual.replace(data_dir, "$DATA")
            if case.expected.strip() == "IGNORE" and not actual.startswith("org."):
                continue
            if actual.strip() != case.expected.replace("$DATA", data_dir).strip():
                failures.append(
                    f"{path.name}:{case.line}: {case.statement}\n--- expected\n{case.expected}"
                    f"\n--- actual\n{actual}"
                )
        c.delete(f"/v3/sessions/{sh}")
    if os.environ.get("SQLGATEWAY_GOLDEN_RECORD") == "1":
        recorded = {k: v for k, v in recorded.items() if k not in _ignored(path)}
        record(path, recorded)
        return
    assert not failures, "\n\n".join(failures)


def _mask_job_ids(text: str) -> str:
    """Job ids are random: masked in results that show them (not in e.g. MD5 values)."""
    if "job" not in text.lower():
        return text
    return re.sub(r"\b[0-9a-f]{32}\b", "x" * 32, text)


def _ignored(path: Path) -> set[int]:
    return {c.line for c in parse_q(path) if c.expected.strip() == "IGNORE"}
