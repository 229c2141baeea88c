"""Flink window table-valued functions on bounded data: ``TABLE(TUMBLE(...))`` and
``TABLE(HOP(...))`` become DuckDB subqueries adding ``window_start``, ``window_end`` and
``window_time`` (windows aligned to the epoch, as Flink's). CUMULATE/SESSION are rejected by the
dialect. Only time attributes given as ``DESCRIPTOR(col)`` and literal intervals are supported.
"""

from __future__ import annotations

import re

from sqlgateway.engine.duckdb.functions import validation_error
from sqlgateway.sql.ddl import split_top_level
from sqlgateway.sql.splitter import tokenize

_START = re.compile(r"TABLE\s*\(\s*(TUMBLE|HOP)\s*\(", re.I)
_UNITS_US = {"SECOND": 10**6, "MINUTE": 60 * 10**6, "HOUR": 3600 * 10**6, "DAY": 86400 * 10**6}
_INTERVAL = re.compile(r"INTERVAL\s*'(\d+)'\s*(SECOND|MINUTE|HOUR|DAY)S?", re.I)
_EPOCH = "TIMESTAMP '1970-01-01 00:00:00'"


def _close(sql: str, open_at: int) -> int:
    """Index of the parenthesis closing the one at ``open_at`` (strings/comments skipped)."""
    depth = 0
    for tok in tokenize(sql[open_at:]):
        if tok.kind == "other" and tok.text == "(":
            depth += 1
        elif tok.kind == "other" and tok.text == ")":
            depth -= 1
            if depth == 0:
                return open_at + tok.start
    raise validation_error("Unbalanced parentheses in a window table function.")


def _micros(text: str) -> int:
    m = _INTERVAL.fullmatch(text.strip())
    if m is None:
        raise validation_error(
            f"Window sizes must be literal intervals on the duckdb engine: {text}"
        )
    return int(m.group(1)) * _UNITS_US[m.group(2).upper()]


def _args(body: str) -> dict[str, str]:
    names = {"TUMBLE": ["DATA", "TIMECOL", "SIZE", "OFFSET"],
             "HOP": ["DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"]}  # fmt: skip
    kind = body.split("(", 1)[0].strip().upper()
    inner = body[body.index("(") + 1 : body.rindex(")")].replace("=>", "\x00")
    items = [i.replace("\x00", "=>") for i in split_top_level(inner)]
    out: dict[str, str] = {"kind": kind}
    for i, item in enumerate(items):
        m = re.match(r"(\w+)\s*=>\s*(.*)$", item, re.S)
        if m:
            out[m.group(1).upper()] = m.group(2).strip()
        elif i < len(names[kind]):
            out[names[kind][i]] = item.strip()
    return out


def _window_sql(body: str) -> str:
    a = _args(body)
    table = re.fullmatch(r"TABLE\s+(.+)", a.get("DATA", ""), re.I | re.S)
    col = re.fullmatch(r"DESCRIPTOR\s*\(\s*(.+?)\s*\)", a.get("TIMECOL", ""), re.I | re.S)
    if table is None or col is None:
        raise validation_error("Window table functions need TABLE <name> and DESCRIPTOR(<col>).")
    ts = col.group(1)
    size = _micros(a["SIZE"])
    offset = _micros(a["OFFSET"]) if "OFFSET" in a else 0
    origin = f"{_EPOCH} + TO_MICROSECONDS({offset})"
    if a["kind"] == "TUMBLE":
        start = f"TIME_BUCKET(TO_MICROSECONDS({size}), __w.{ts}, {origin})"
        end = _ms(f"{start} + TO_MICROSECONDS({size})")
        wtime = _ms(f"{start} + TO_MICROSECONDS({size - 1000})")
        return (
            f"(SELECT __w.*, {_ms(start)} AS window_start, {end} AS window_end, {wtime} AS "
            f"window_time FROM {table.group(1)} AS __w)"
        )
    slide = _micros(a["SLIDE"])
    if size % slide:
        raise validation_error("HOP size must be a multiple of the slide on the duckdb engine.")
    start = (f"TIME_BUCKET(TO_MICROSECONDS({slide}), __w.{ts}, {origin}) - "
             f"TO_MICROSECONDS(__k.k * {slide})")  # fmt: skip
    inner = (f"SELECT __w.*, {start} AS window_start FROM {table.group(1)} AS __w "
             f"CROSS JOIN RANGE({size // slide}) AS __k(k)")  # fmt: skip
    inner = inner.replace(f"{start} AS window_start", f"{_ms(start)} AS window_start")
    end = _ms(f"__h.window_start + TO_MICROSECONDS({size})")
    time_ = _ms(f"__h.window_start + TO_MICROSECONDS({size - 1000})")
    return f"(SELECT __h.*, {end} AS window_end, {time_} AS window_time FROM ({inner}) AS __h)"


def _ms(expr: str) -> str:
    """Window columns are TIMESTAMP(3) in Flink."""
    return f"CAST({expr} AS TIMESTAMP(3))"


def rewrite_windows(sql: str) -> str:
    """Replace every ``TABLE(TUMBLE(...))`` / ``TABLE(HOP(...))`` with a subquery."""
    for _ in range(16):
        code = "".join(" " * len(t.text) if t.kind in ("string", "comment") else t.text
                       for t in tokenize(sql))  # fmt: skip
        m = _START.search(code)
        if m is None:
            return sql
        outer_open = code.index("(", m.start())
        outer_close = _close(sql, outer_open)
        body = sql[outer_open + 1 : outer_close].strip()
        sql = sql[: m.start()] + _window_sql(body) + sql[outer_close + 1 :]
    return sql
