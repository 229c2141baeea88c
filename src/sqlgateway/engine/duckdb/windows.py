"""Flink window table-valued functions on bounded data: ``TUMBLE``, ``HOP``, ``CUMULATE`` and
``SESSION`` (written ``TABLE(TUMBLE(TABLE t, ...))`` or, as Flink 2.x also accepts,
``FROM TUMBLE(TABLE t, ...)``; positional or named ``DATA =>`` arguments) become DuckDB subqueries
adding ``window_start``, ``window_end`` and ``window_time`` (TIMESTAMP(3); tumbling, hopping and
cumulating windows aligned to the epoch plus the optional offset; session windows per
``PARTITION BY`` key, merged as Flink's ``TimeWindow.intersects``: a row whose time is at most
``gap`` after the previous row's joins its session, which ends at the last row's time + gap).
Time attributes must be ``DESCRIPTOR(col)`` and sizes literal intervals. Also ``FLOOR/CEIL(ts TO
unit)``."""

from __future__ import annotations

import re

from sqlgateway.engine.duckdb.functions import validation_error
from sqlgateway.sql.ddl import split_top_level
from sqlgateway.sql.splitter import tokenize

_START = re.compile(r"TABLE\s*\(\s*(TUMBLE|HOP|CUMULATE|SESSION)\s*\(", re.I)
# Flink 2.x also accepts the TVF call without the TABLE(...) wrapper: FROM TUMBLE(TABLE t, ...).
_BARE = re.compile(
    r"\b(FROM|JOIN|,)\s*((TUMBLE|HOP|CUMULATE|SESSION)\s*\(\s*(?:DATA\s*=>\s*)?TABLE\b)", re.I
)
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
             "HOP": ["DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"],
             "CUMULATE": ["DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"],
             "SESSION": ["DATA", "TIMECOL", "GAP"]}  # fmt: skip
    kind = body.split("(", 1)[0].strip().upper()
    inner = body[body.index("(") + 1 : body.rindex(")")].replace("=>", "\x00")
    items = [i.replace("\x00", "=>") for i in split_top_level(inner)]
    out: dict[str, str] = {"kind": kind}
    for i, item in enumerate(items):
        m = re.match(r"`?(\w+)`?\s*=>\s*(.*)$", item, re.S)
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
    if a["kind"] == "SESSION":
        return _session(table.group(1), ts, _micros(a.get("GAP", "")))
    if re.search(r"\bPARTITION\s+BY\b", table.group(1), re.I):
        raise validation_error(f"{a['kind']} window TVF does not accept PARTITION BY.")
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
    if a["kind"] == "CUMULATE":
        return _cumulate(table.group(1), ts, _micros(a["STEP"]), size, origin)
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


def _cumulate(table: str, ts: str, step: int, size: int, origin: str) -> str:
    if size % step:
        raise validation_error("CUMULATE size must be a multiple of the step on the duckdb engine.")
    bucket = f"TIME_BUCKET(TO_MICROSECONDS({size}), __w.{ts}, {origin})"
    end = f"{bucket} + TO_MICROSECONDS(__k.k * {step})"
    inner = (f"SELECT __w.*, {_ms(bucket)} AS window_start, {_ms(end)} AS window_end "
             f"FROM {table} AS __w CROSS JOIN RANGE(1, {size // step + 1}) AS __k(k) "
             f"WHERE __w.{ts} < {end}")  # fmt: skip
    wtime = _ms("__c.window_end - TO_MICROSECONDS(1000)")
    return f"(SELECT __c.*, {wtime} AS window_time FROM ({inner}) AS __c)"


def _session(data: str, ts: str, gap: int) -> str:
    """Session windows: a new session starts where the time is more than ``gap`` after the
    previous row's (per partition); a session spans [first time, last time + gap)."""
    m = re.fullmatch(r"(.+?)\s+PARTITION\s+BY\s*(.+)", data.strip(), re.I | re.S)
    table, keys = (m.group(1), m.group(2).strip()) if m else (data.strip(), "")
    if keys.startswith("(") and keys.endswith(")"):
        keys = keys[1:-1]
    cols = [k.strip() for k in split_top_level(keys)] if keys else []
    part = f"PARTITION BY {', '.join('__w.' + c for c in cols)} " if cols else ""
    step = (f"CASE WHEN __w.{ts} - LAG(__w.{ts}) OVER ({part}ORDER BY __w.{ts}) <= "
            f"TO_MICROSECONDS({gap}) THEN 0 ELSE 1 END")  # fmt: skip
    marked = f"SELECT __w.*, {step} AS __snew FROM {table} AS __w WHERE __w.{ts} IS NOT NULL"
    part_n = f"PARTITION BY {', '.join('__n.' + c for c in cols)} " if cols else ""
    numbered = (f"SELECT __n.*, SUM(__n.__snew) OVER ({part_n}ORDER BY __n.{ts} ROWS UNBOUNDED "
                f"PRECEDING) AS __sid FROM ({marked}) AS __n")  # fmt: skip
    keys_s = ", ".join([*("__s." + c for c in cols), "__s.__sid"])
    start = f"MIN(__s.{ts}) OVER (PARTITION BY {keys_s})"
    end = f"MAX(__s.{ts}) OVER (PARTITION BY {keys_s}) + TO_MICROSECONDS({gap})"
    wtime = f"MAX(__s.{ts}) OVER (PARTITION BY {keys_s}) + TO_MICROSECONDS({gap - 1000})"
    return (f"(SELECT __s.* EXCLUDE (__snew, __sid), {_ms(start)} AS window_start, {_ms(end)} AS "
            f"window_end, {_ms(wtime)} AS window_time FROM ({numbered}) AS __s)")  # fmt: skip


def _ms(expr: str) -> str:
    """Window columns are TIMESTAMP(3) in Flink."""
    return f"CAST({expr} AS TIMESTAMP(3))"


_FLOOR_CEIL = re.compile(r"\b(FLOOR|CEIL|CEILING)\s*\(", re.I)
_TO_UNIT = re.compile(
    r"^(.*\S)\s+TO\s+(MILLENNIUM|CENTURY|DECADE|YEAR|QUARTER|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)\s*$",
    re.I | re.S,
)


def _code_only(sql: str) -> str:
    """``sql`` with its string literals and comments blanked out (same length, same offsets)."""
    return "".join(" " * len(t.text) if t.kind in ("string", "comment") else t.text
                   for t in tokenize(sql))  # fmt: skip


def rewrite_floor_ceil(sql: str) -> str:
    """``FLOOR(ts TO HOUR)`` / ``CEIL(ts TO DAY)`` (Flink's time-unit rounding)."""
    start = 0
    while True:
        code = _code_only(sql)
        m = _FLOOR_CEIL.search(code, start)
        if m is None:
            return sql
        open_at = code.index("(", m.start())
        close_at = _close(sql, open_at)
        inner = _TO_UNIT.match(sql[open_at + 1 : close_at])
        if inner is None:
            start = open_at + 1
            continue
        expr, unit = inner.group(1), inner.group(2).upper()
        kind = "FLOOR" if m.group(1).upper() == "FLOOR" else "CEIL"
        new = f"FLINK_TIME_{kind}({expr}, '{unit}')"  # functions.time_floor_ceil
        sql = sql[: m.start()] + f"({new})" + sql[close_at + 1 :]


def _wrap_bare(sql: str) -> str:
    """``FROM TUMBLE(TABLE t, ...)`` -> ``FROM TABLE(TUMBLE(TABLE t, ...))``."""
    for _ in range(16):
        code = _code_only(sql)
        m = _BARE.search(code)
        if m is None:
            return sql
        open_at = code.index("(", m.start(2))
        close_at = _close(sql, open_at)
        call = sql[m.start(2) : close_at + 1]
        sql = sql[: m.start(2)] + f"TABLE({call})" + sql[close_at + 1 :]
    return sql


def rewrite_windows(sql: str) -> str:
    """Replace every window TVF call (``TABLE(TUMBLE(...))`` …) with a subquery."""
    sql = _wrap_bare(sql)
    for _ in range(16):
        code = _code_only(sql)
        m = _START.search(code)
        if m is None:
            return sql
        outer_open = code.index("(", m.start())
        outer_close = _close(sql, outer_open)
        body = sql[outer_open + 1 : outer_close].strip()
        sql = sql[: m.start()] + _window_sql(body) + sql[outer_close + 1 :]
    return sql
