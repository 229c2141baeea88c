"""Throughput of ArrowRowBatch.encode (SQL fast path) vs the Python reference encoder.

Run: ``PYTHONPATH=src python bench/bench_encode.py [--rows 5000] [--repeat 20]``
Prints rows/s for 5000-row batches of (INT, STRING, DECIMAL(10,2)) and of 9 mixed columns
(INT, BIGINT, DOUBLE, STRING, DECIMAL, DATE, TIMESTAMP, BOOLEAN, ARRAY<INT>), JSON and PLAIN_TEXT.
"""

from __future__ import annotations

import argparse
import time

import duckdb
import pyarrow as pa

from sqlgateway.engine.duckdb.batch import ArrowRowBatch
from sqlgateway.engine.duckdb.types import flink_type
from sqlgateway.model import LogicalType, RowFormat

THREE = """SELECT i::INTEGER AS a, 'name-' || i AS s, (i * 1.37)::DECIMAL(10,2) AS d
           FROM range({n}) t(i)"""
NINE = """SELECT i::INTEGER AS a, i * 1000003 AS b, i / 7.0 AS d, 'row ' || i AS s,
                 (i * 1.37)::DECIMAL(12,3) AS dc, DATE '2024-01-01' + (i % 1000)::INTEGER AS dt,
                 TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1234567) AS ts,
                 i % 2 = 0 AS bo, [i, i + 1, i + 2]::INTEGER[] AS arr
          FROM range({n}) t(i)"""


def _batch(sql: str, n: int) -> tuple[pa.RecordBatch, list[LogicalType]]:
    con = duckdb.connect()
    rel = con.sql(sql.format(n=n))
    types = [flink_type(t) for t in rel.types]
    table = rel.to_arrow_table()
    return table.combine_chunks().to_batches()[0], types


def _rate(fn: object, rows: int, repeat: int) -> tuple[float, float]:
    """(rows/s by wall clock, rows/s by this thread's CPU time), best of ``repeat`` runs.

    CPU time is the better figure on a loaded machine: the encoder runs in the calling thread
    (pyarrow kernels, DuckDB with threads=1)."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()  # type: ignore[operator]
        cpu = min(cpu, time.thread_time() - start_cpu)
        wall = min(wall, time.perf_counter() - start)
    return rows / wall, rows / max(cpu, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for label, sql in (("3 cols (INT, STRING, DECIMAL)", THREE), ("9 mixed cols", NINE)):
        rb, types = _batch(sql, args.rows)
        for fmt in RowFormat:
            fast = _rate(
                lambda: ArrowRowBatch(rb, types).encode(fmt),  # noqa: B023
                args.rows,
                args.repeat,
            )
            slow = _rate(
                lambda: ArrowRowBatch(rb, types).encode_python(fmt),  # noqa: B023
                args.rows,
                max(3, args.repeat // 5),
            )
            print(
                f"{label:30s} {fmt.value:10s} encode {fast[0] / 1e6:5.2f} M rows/s wall, "
                f"{fast[1] / 1e6:5.2f} M rows/s cpu | python fallback {slow[1] / 1e6:6.3f} "
                "M rows/s cpu"
            )


if __name__ == "__main__":
    main()
