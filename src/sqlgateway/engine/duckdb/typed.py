"""Type-dependent fixes of a translated query, applied once DuckDB has bound it.

Some Flink functions keep their argument's type where DuckDB's namesake widens or converts it
(SUM / AVG of an INT is an INT, SIGN of a DOUBLE a DOUBLE, FLOOR(date TO MONTH) a DATE,
TIMESTAMPADD on a TIMESTAMP(3) a TIMESTAMP(3)), and some behave differently by type (ROUND of a
DOUBLE rounds its decimal digits half-up, CAST of a DECIMAL to INT truncates, CAST of a BOOLEAN
to STRING is upper case, HEX of an INT is the hex of the BIGINT). The operands' DuckDB types
are probed with the query's own FROM / WHERE / GROUP BY (binding only, nothing runs) and the
affected nodes rewritten. Only the outermost SELECT is retyped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
from sqlglot import exp

KEEP_TYPE = "sqlgateway_keep_type"  # node.meta key: the operand whose type the node keeps
SUBDAY = "sqlgateway_subday"  # node.meta key: a sub-day unit (a DATE operand gives a TIMESTAMP)

_INTEGRAL = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT"}
_FRACTIONAL = {"FLOAT", "DOUBLE"}
_TEMPORAL = {"DATE", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP", "TIMESTAMP_NS"}
_STRINGS = {exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT}
# CAST(TIMESTAMP(p) AS STRING) prints exactly p fraction digits in Flink.
_TS_TEXT = {
    "TIMESTAMP_S": "%Y-%m-%d %H:%M:%S",
    "TIMESTAMP_MS": "%Y-%m-%d %H:%M:%S.%g",
    "TIMESTAMP": "%Y-%m-%d %H:%M:%S.%f",
    "TIMESTAMP WITH TIME ZONE": "%Y-%m-%d %H:%M:%S.%f",
}  # fmt: skip (session zone)


def _cast(node: exp.Expr, type_sql: str) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType.build(type_sql, dialect="duckdb"))


def _sum(node: exp.Expr, t: str) -> exp.Expr | None:
    if t not in _INTEGRAL:
        return None
    avg = node.parent.parent if isinstance(node.parent, exp.Div) else None
    target = avg if isinstance(avg, exp.Paren) else node
    target = target.parent if isinstance(target.parent, exp.Window) else target
    target.replace(_cast(target.copy(), t))
    return target


def _window_avg(node: exp.Expr, t: str) -> exp.Expr | None:
    """AVG(int) OVER (...) is the truncated integer average in Flink (DuckDB: DOUBLE)."""
    window = node.parent
    if t not in _INTEGRAL or not isinstance(window, exp.Window):
        return None
    trunc = exp.Anonymous(this="trunc", expressions=[window.copy()])
    window.replace(_cast(trunc, t))
    return node


def _floor_ceil(node: exp.Expr, t: str) -> exp.Expr | None:
    if t not in _INTEGRAL or node.args.get("decimals") is not None:
        return None
    operand: exp.Expr = node.this.copy()
    return operand


def _sign(node: exp.Expr, t: str) -> exp.Expr | None:
    if t in _INTEGRAL or t in _FRACTIONAL or t.startswith("DECIMAL"):
        return _cast(node.copy(), t)
    return None


def _round(node: exp.Expr, t: str) -> exp.Expr | None:
    """Java rounds the decimal representation of a DOUBLE half-up (BigDecimal.valueOf)."""
    if t not in _FRACTIONAL:
        return None
    x = node.this.sql(dialect="duckdb")
    n = node.args.get("decimals")
    digits = n.sql(dialect="duckdb") if n is not None else "0"
    exact = f"round(CAST(CAST({x} AS VARCHAR) AS DECIMAL(38, 16)), {digits})"
    text = f"CASE WHEN abs({x}) < 1e20 THEN CAST({exact} AS {t}) ELSE {node.sql('duckdb')} END"
    return exp.maybe_parse(text, dialect="duckdb")


def _cast_node(node: exp.Expr, t: str) -> exp.Expr | None:
    assert isinstance(node, exp.Cast)
    target = node.to.this
    if target in (
        exp.DataType.Type.TINYINT,
        exp.DataType.Type.SMALLINT,
        exp.DataType.Type.INT,
        exp.DataType.Type.BIGINT,
    ) and (t in _FRACTIONAL or t.startswith("DECIMAL")):
        node.set("this", exp.Anonymous(this="trunc", expressions=[node.this.copy()]))
        return node  # Flink truncates toward zero; DuckDB rounds
    if target in _STRINGS and t in _TS_TEXT and not node.to.expressions:
        x = node.this.sql(dialect="duckdb")
        return exp.maybe_parse(f"strftime({x}, '{_TS_TEXT[t]}')", dialect="duckdb")
    if target in _STRINGS and t == "BOOLEAN" and not node.to.expressions:
        x = node.this.sql(dialect="duckdb")
        text = f"CASE WHEN {x} THEN 'TRUE' WHEN NOT {x} THEN 'FALSE' END"
        return exp.maybe_parse(text, dialect="duckdb")
    return None


def _hex(node: exp.Expr, t: str) -> exp.Expr | None:
    if t in ("TINYINT", "SMALLINT", "INTEGER"):
        return exp.Hex(this=_cast(node.this.copy(), "BIGINT"))
    return None


def _keep_type(node: exp.Expr, t: str) -> exp.Expr | None:
    if t not in _TEMPORAL or (t == "DATE" and node.meta.get(SUBDAY)):
        return None
    return _cast(node.copy(), t)


_INT_DIGITS = {"TINYINT": 3, "SMALLINT": 5, "INTEGER": 10, "BIGINT": 19}


def _decimal(t: str) -> tuple[int, int] | None:
    if t in _INT_DIGITS:
        return _INT_DIGITS[t], 0
    if t.startswith("DECIMAL("):
        p, s = t[len("DECIMAL(") : -1].split(",")
        return int(p), int(s)
    return None


def division_type(left: tuple[int, int], right: tuple[int, int]) -> tuple[int, int]:
    """Flink's DECIMAL division result (LogicalTypeMerging.findDivisionDecimalType)."""
    (p1, s1), (p2, s2) = left, right
    scale = max(6, s1 + p2 + 1)
    precision = p1 - s1 + s2 + scale
    if precision > 38:
        digits = precision - scale
        scale = max(38 - digits, min(scale, 6))
        precision = 38
    return precision, scale


def _divide(node: exp.Expr, t: str) -> exp.Expr | None:
    """DECIMAL division keeps a DECIMAL of Flink's precision/scale (DuckDB: DOUBLE)."""
    right = node.meta.get("sqlgateway_right_type")
    left_d, right_d = _decimal(t), _decimal(right) if isinstance(right, str) else None
    if left_d is None or right_d is None or (left_d[1] == 0 and right_d[1] == 0):
        return None  # integer division (or not decimal): DuckDB already agrees
    p, s = division_type(left_d, right_d)
    a, b = node.this.sql(dialect="duckdb"), node.expression.sql(dialect="duckdb")
    text = f"CAST(CAST({a} AS DECIMAL(38, 18)) / CAST({b} AS DECIMAL(38, 18)) AS DECIMAL({p}, {s}))"
    return exp.maybe_parse(text, dialect="duckdb")


_FIXES: dict[type[exp.Expr], Callable[[exp.Expr, str], exp.Expr | None]] = {
    exp.Avg: _window_avg,
    exp.Div: _divide,
    exp.Floor: _floor_ceil,
    exp.Ceil: _floor_ceil,
    exp.Sign: _sign,
    exp.Round: _round,
    exp.Cast: _cast_node,
    exp.Hex: _hex,
}


def _operand(node: exp.Expr) -> exp.Expr | None:
    keep = node.meta.get(KEEP_TYPE) if node.meta else None
    if isinstance(keep, str):
        parsed: exp.Expr = exp.maybe_parse(keep, dialect="duckdb")
        return parsed
    if isinstance(node, exp.Cast) and not _cast_candidate(node):
        return None
    if isinstance(node, exp.Sum) or type(node) in _FIXES:
        operand = node.this
        return operand if isinstance(operand, exp.Expr) else None
    return None


def _cast_candidate(node: exp.Cast) -> bool:
    operand = node.this
    if isinstance(operand, exp.Literal) and operand.is_string or isinstance(operand, exp.Null):
        return False
    return node.to.this in _STRINGS or node.to.this in (
        exp.DataType.Type.TINYINT, exp.DataType.Type.SMALLINT, exp.DataType.Type.INT,
        exp.DataType.Type.BIGINT)  # fmt: skip


def _candidates(tree: exp.Select) -> list[tuple[exp.Expr, exp.Expr]]:
    found = []
    for node in tree.walk():
        if node is tree or isinstance(node, exp.Select):
            continue
        if isinstance(node, exp.Cast) and isinstance(node, exp.TryCast):
            continue
        operand = _operand(node)
        if operand is not None and node.find_ancestor(exp.Select) is tree:
            found.append((node, operand))
    return found


def _probe(cur: Any, tree: exp.Select, operand: exp.Expr) -> str | None:
    """DuckDB's type of ``operand`` in ``tree``'s scope (binding only); tried without the
    GROUP BY first (aggregate arguments), then with it (grouped expressions)."""
    for grouped in (False, True):
        if grouped and tree.args.get("group") is None:
            break
        probe = exp.Select(expressions=[operand.copy()])
        for arg in ("with_", "with", "from_", "from", "where", *(("group",) if grouped else ())):
            if tree.args.get(arg) is not None:
                probe.set(arg, tree.args[arg].copy())
        if tree.args.get("joins"):
            probe.set("joins", [j.copy() for j in tree.args["joins"]])
        try:
            return str(cur.sql(probe.sql(dialect="duckdb")).types[0])
        except (duckdb.Error, IndexError):
            continue
    return None


def retype(cur: Any, tree: exp.Expr) -> exp.Expr | None:
    """A copy of ``tree`` with the type-dependent fixes applied, or None if none applies."""
    if not isinstance(tree, exp.Select) or not _candidates(tree):
        return None  # most queries: no copy of the tree (it costs ~0.2 ms per statement)
    tree = tree.copy()
    changed = False
    for node, operand in _candidates(tree):
        t = _probe(cur, tree, operand)
        if t is None:
            continue
        if isinstance(node, exp.Div):
            node.meta["sqlgateway_right_type"] = _probe(cur, tree, node.expression)
        if isinstance(node, exp.Sum):
            changed = _sum(node, t) is not None or changed
            continue
        keep = bool(node.meta and KEEP_TYPE in node.meta)
        fix = _keep_type if keep else _FIXES[type(node)]
        new = fix(node, t)
        if new is not None and new is not node:
            node.replace(new)
        changed = changed or new is not None
    return tree if changed else None
