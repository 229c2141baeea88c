"""Workload SQL per target flavour, and the checks that every result is right.

Two flavours:

* ``duckdb`` (default for our gateway on the embedded engine): Flink SQL over the ``range(n)``
  table function (no connector needed) producing the same column types as the Flink workloads;
* ``flink``: Flink's ``datagen`` connector, exactly like the reference measurements
  (``/work/shared/reference/transcripts/bench``).

Every statement can be overridden from the command line (``--sql NAME=STATEMENT``), so another
gateway with yet another dialect can be measured too. Checks (row count and the sum of the first
column) are derived from the row count, so they stay right when ``--big-rows`` changes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from bench.client import Page, loads

# Every row starts like this; its first field follows: a JSON number (JSON) or a string
# (PLAIN_TEXT) holding an integer.
_ROW_START = b'{"kind":"INSERT","fields":['
_LEADING_INT = rb'^"?(?P<v>-?\d+)[",\]]'


@dataclass
class Workload:
    """Statements to run: ``setup`` once per session, then ``query`` (measured)."""

    query: str
    setup: list[str] = field(default_factory=list)
    rows: int = 0
    first_col_sum: int | None = None
    type_roots: tuple[str, ...] = ()


def _rows100k(flavour: str) -> Workload:
    n = 100_000
    if flavour == "flink":
        ddl = (
            "CREATE TEMPORARY TABLE bench_rows100k (id INT, name STRING, price DECIMAL(10,2)) "
            "WITH ('connector' = 'datagen', 'number-of-rows' = '100000', "
            "'fields.id.kind' = 'sequence', 'fields.id.start' = '1', "
            "'fields.id.end' = '100000', 'fields.name.length' = '10')"
        )
        query = "SELECT id, name, price FROM bench_rows100k"
        return Workload(query, [ddl], n, n * (n + 1) // 2, ("INTEGER", "VARCHAR", "DECIMAL"))
    query = (
        "SELECT CAST(i AS INT) AS id, 'name' || CAST(i AS VARCHAR) AS name, "
        f"CAST(CAST(i AS DOUBLE) / 100 AS DECIMAL(10,2)) AS price FROM range({n}) t(i)"
    )
    return Workload(query, [], n, n * (n - 1) // 2, ("INTEGER", "VARCHAR", "DECIMAL"))


MIXED_TYPES = (
    "INTEGER", "BIGINT", "DOUBLE", "VARCHAR", "DECIMAL", "DATE",
    "TIMESTAMP_WITHOUT_TIME_ZONE", "BOOLEAN", "ARRAY",
)  # fmt: skip


def _mixed(flavour: str, n: int) -> Workload:
    if flavour == "flink":
        ddl = (
            "CREATE TEMPORARY TABLE bench_mixed (c_int INT, c_bigint BIGINT, c_double DOUBLE, "
            "c_string STRING, c_decimal DECIMAL(10,2), c_date DATE, c_ts TIMESTAMP(3), "
            "c_bool BOOLEAN, c_arr ARRAY<INT>) WITH ('connector' = 'datagen', "
            f"'number-of-rows' = '{n}', 'fields.c_int.kind' = 'sequence', "
            f"'fields.c_int.start' = '1', 'fields.c_int.end' = '{n}', "
            "'fields.c_string.length' = '12', 'fields.c_arr.length' = '3')"
        )
        query = (
            "SELECT c_int, c_bigint, c_double, c_string, c_decimal, c_date, c_ts, c_bool, c_arr "
            "FROM bench_mixed"
        )
        return Workload(query, [ddl], n, n * (n + 1) // 2, MIXED_TYPES)
    query = (
        "SELECT CAST(i AS INT) AS c_int, i * 1000003 AS c_bigint, "
        "CAST(i AS DOUBLE) / 4 AS c_double, "
        "'str-' || CAST(i AS VARCHAR) AS c_string, "
        "CAST(CAST(MOD(i, 100000) AS DOUBLE) / 100 AS DECIMAL(10,2)) AS c_decimal, "
        "CAST(TIMESTAMPADD(DAY, CAST(MOD(i, 3650) AS INT), DATE '2024-01-01') AS DATE) AS c_date, "
        "CAST(TIMESTAMPADD(SECOND, CAST(i AS INT), TIMESTAMP '2024-01-01 00:00:00') "
        "AS TIMESTAMP(3)) AS c_ts, "
        "MOD(i, 2) = 0 AS c_bool, ARRAY[CAST(MOD(i, 7) AS INT), 1, 2] AS c_arr "
        f"FROM range({n}) t(i)"
    )
    return Workload(query, [], n, n * (n - 1) // 2, MIXED_TYPES)


def _streaming(flavour: str) -> Workload:
    ddl = (
        "CREATE TEMPORARY TABLE bench_stream (id BIGINT, v STRING) WITH ("
        "'connector' = 'datagen', 'rows-per-second' = '5', 'fields.v.length' = '3', "
        "'fields.id.min' = '0', 'fields.id.max' = '1000000')"
    )
    return Workload("SELECT id, v FROM bench_stream", [ddl])


def workloads(flavour: str, big_rows: int) -> dict[str, Workload]:
    """All workloads of one flavour (``duckdb`` or ``flink``)."""
    return {
        "select1": Workload("SELECT 1", [], 1, 1, ("INTEGER",)),
        "show_catalogs": Workload("SHOW CATALOGS"),
        "rows100k": _rows100k(flavour),
        "rows10m": _mixed(flavour, big_rows),
        "streaming": _streaming(flavour),
    }


def apply_overrides(wl: dict[str, Workload], overrides: list[str]) -> None:
    """``NAME=SQL`` replaces a query, ``NAME.setup=SQL`` appends a setup statement."""
    for item in overrides:
        key, _, sql = item.partition("=")
        name, _, part = key.strip().partition(".")
        if name not in wl or not sql:
            raise SystemExit(f"--sql {item!r}: expected NAME=SQL with NAME in {sorted(wl)}")
        if part == "setup":
            wl[name].setup.append(sql)
        else:
            wl[name].query = sql


class Verifier:
    """Counts rows and sums the first column of every page; fails loudly on a mismatch."""

    def __init__(self, workload: Workload, check_types: bool = True) -> None:
        self.workload = workload
        self.rows = 0
        self.first_col_sum = 0
        self.types_checked = not check_types or not workload.type_roots

    def __call__(self, page: Page) -> None:
        if page.result_type == "NOT_READY":
            return
        if not self.types_checked:
            self._check_types(page)
        n = page.rows
        if n == 0:
            return
        self.rows += n
        if self.workload.first_col_sum is not None:
            self.first_col_sum += first_column_sum(page.body, n)

    def _check_types(self, page: Page) -> None:
        data = loads(page.body)
        cols = data.get("results", {}).get("columns", []) if isinstance(data, dict) else []
        roots = tuple(str(c.get("logicalType", {}).get("type")) for c in cols)
        if roots != self.workload.type_roots:
            raise VerificationError(f"column types {roots} != {self.workload.type_roots}")
        self.types_checked = True

    def finish(self) -> None:
        wl = self.workload
        if wl.rows and self.rows != wl.rows:
            raise VerificationError(f"got {self.rows} rows, expected {wl.rows}")
        if wl.first_col_sum is not None and self.first_col_sum != wl.first_col_sum:
            raise VerificationError(
                f"sum of first column {self.first_col_sum} != expected {wl.first_col_sum}"
            )
        if not self.types_checked:
            raise VerificationError("no page carried the result columns")


_FIRST_FIELD = re.compile(re.escape(_ROW_START) + rb'"?(-?\d+)[",\]]')
_SMALL_PAGE_ROWS = 256  # below this a Python regex is cheaper than the Arrow kernels' set-up


def first_column_sum(body: bytes, rows: int) -> int:
    """Sum of the leading integer field of the ``rows`` rows in ``body``, in Arrow kernels (no
    Python object per row): split at every row start, match the integer, cast, sum. Fails if a
    row's first field is not an integer or the number of rows differs. Small pages (SELECT 1)
    use one Python regex instead: the kernels cost ~1 ms of set-up per call."""
    if rows < _SMALL_PAGE_ROWS:
        values = _FIRST_FIELD.findall(body)
        if len(values) != rows or body.count(_ROW_START) != rows:
            raise VerificationError(f"{rows} rows but {len(values)} leading integer fields")
        return sum(map(int, values))
    parts = pc.split_pattern(pa.array([body], pa.binary()), _ROW_START).values.slice(1)
    if len(parts) != rows:
        raise VerificationError(f"{rows} rows but {len(parts)} row starts")
    first = pc.struct_field(pc.extract_regex(parts, _LEADING_INT), [0])
    if first.null_count:
        raise VerificationError(f"{first.null_count} rows without a leading integer field")
    total = pc.sum(pc.cast(pc.cast(first, pa.string()), pa.int64())).as_py()
    return int(total or 0)


class VerificationError(AssertionError):
    """The gateway returned wrong data: the benchmark run is invalid."""


def check_full_rows100k(bodies: list[bytes], flavour: str) -> None:
    """Deep check of one 100k-row run: every row's three fields, their types and sums."""
    seen = 0
    price_cents = 0
    for body in bodies:
        data = loads(body)
        if not isinstance(data, dict) or data.get("resultType") == "NOT_READY":
            continue
        fmt = data["results"].get("rowFormat", "JSON")
        for row in data["results"]["data"]:
            ident, name, price = row["fields"]
            if fmt == "PLAIN_TEXT":
                ident = int(ident)
            if not isinstance(ident, int) or not isinstance(name, str):
                raise VerificationError(f"bad row {row}")
            if flavour != "flink" and (name != f"name{ident}" or _cents(price) != ident):
                raise VerificationError(f"bad row {row}")
            price_cents += _cents(price)
            seen += 1
    if seen != 100_000:
        raise VerificationError(f"deep check saw {seen} rows")
    if flavour != "flink" and price_cents != 100_000 * 99_999 // 2:
        raise VerificationError("price sum mismatch")


def _cents(value: object) -> int:
    from decimal import Decimal

    return int(Decimal(str(value)) * 100)
