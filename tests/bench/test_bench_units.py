"""Unit tests of the benchmark's own logic: parsing, statistics and the data checks that make a
wrong answer fail the run. No timing is asserted anywhere."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.client import parse_page  # noqa: E402
from bench.stats import Section, median, percentile  # noqa: E402
from bench.workloads import (  # noqa: E402
    VerificationError,
    Verifier,
    Workload,
    apply_overrides,
    workloads,
)

COLS = b'"columns":[{"name":"id","logicalType":{"type":"INTEGER","nullable":false},"comment":null}]'


def page(rows: list[int], result_type: str = "PAYLOAD", nxt: str | None = "/v3/x/1") -> bytes:
    data = ",".join(f'{{"kind":"INSERT","fields":[{r}]}}' for r in rows)
    body = (
        f'{{"resultType":"{result_type}","isQueryResult":true,"resultKind":"SUCCESS_WITH_CONTENT",'
        f'"results":{{{COLS.decode()},"rowFormat":"JSON","data":[{data}]}}'
    )
    if nxt is not None:
        body += f',"nextResultUri":"{nxt}"'
    return (body + "}").encode()


def test_parse_page_fast_path() -> None:
    p = parse_page(page([1, 2, 3]), 5)
    assert (p.result_type, p.next_uri, p.rows, p.elapsed_ns) == ("PAYLOAD", "/v3/x/1", 3, 5)
    eos = parse_page(page([], "EOS", None), 0)
    assert (eos.result_type, eos.next_uri, eos.rows) == ("EOS", None, 0)


def test_parse_page_other_field_order() -> None:
    body = b'{"nextResultUri":"/v3/a/0","resultType":"NOT_READY"}'
    p = parse_page(body, 0)
    assert (p.result_type, p.next_uri) == ("NOT_READY", "/v3/a/0")


def test_percentiles() -> None:
    values = list(range(1, 101))
    assert percentile(values, 99) == 99
    assert percentile(values, 50) == 50
    assert median([3, 1, 2, 4]) == 2.5


def verifier(rows: int, total: int) -> Verifier:
    return Verifier(Workload("q", [], rows, total, ("INTEGER",)))


def test_verifier_accepts_right_data() -> None:
    v = verifier(5, 15)
    v(parse_page(page([1, 2]), 0))
    v(parse_page(page([]), 0))
    v(parse_page(page([3, 4, 5], "PAYLOAD"), 0))
    v.finish()


def test_verifier_rejects_missing_row() -> None:
    v = verifier(5, 15)
    v(parse_page(page([1, 2, 3, 4]), 0))
    with pytest.raises(VerificationError, match="rows"):
        v.finish()


def test_verifier_rejects_wrong_value() -> None:
    v = verifier(3, 6)
    v(parse_page(page([1, 2, 4]), 0))
    with pytest.raises(VerificationError, match="sum"):
        v.finish()


def test_verifier_rejects_wrong_types() -> None:
    v = Verifier(Workload("q", [], 1, 1, ("BIGINT",)))
    with pytest.raises(VerificationError, match="column types"):
        v(parse_page(page([1]), 0))


def test_plain_text_first_field_is_summed() -> None:
    body = page([7]).replace(b'"fields":[7]', b'"fields":["7"]')
    v = verifier(1, 7)
    v(parse_page(body, 0))
    v.finish()


def test_workload_checks_follow_row_count() -> None:
    for flavour in ("duckdb", "flink"):
        wl = workloads(flavour, 1000)["rows10m"]
        assert wl.rows == 1000
        assert wl.first_col_sum == (sum(range(1000)) if flavour == "duckdb" else sum(range(1001)))
        assert "1000" in wl.query + "".join(wl.setup)


def test_sql_overrides() -> None:
    wl = workloads("duckdb", 10)
    apply_overrides(wl, ["select1=SELECT 1 AS x", "streaming.setup=CREATE TABLE t (x INT)"])
    assert wl["select1"].query == "SELECT 1 AS x"
    assert wl["streaming"].setup[-1] == "CREATE TABLE t (x INT)"
    with pytest.raises(SystemExit):
        apply_overrides(wl, ["nope=SELECT 1"])


def test_section_status_helpers() -> None:
    assert Section("a", "A").skip("why").status == "skipped"
    assert Section("a", "A").fail("bad").status == "failed"
