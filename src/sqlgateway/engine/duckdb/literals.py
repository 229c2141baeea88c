"""Flink's types of literal expressions (Calcite's rules for the common cases).

DuckDB does not track nullability and types literals differently (``'abc'`` is VARCHAR there,
CHAR(3) NOT NULL in Flink). For select items built only from literals — plain literals, casts of
literals, ARRAY/MAP/ROW constructors, VALUES rows — the Flink type is derived here; anything
else returns None and the DuckDB result type is used.
"""

from __future__ import annotations

import re

from sqlglot import exp

from sqlgateway.model import MAX_LENGTH, LogicalType, RowField

_DT = exp.DataType.Type
_SIMPLE = {
    _DT.INT: "INTEGER", _DT.BIGINT: "BIGINT", _DT.TINYINT: "TINYINT", _DT.SMALLINT: "SMALLINT",
    _DT.FLOAT: "FLOAT", _DT.DOUBLE: "DOUBLE", _DT.BOOLEAN: "BOOLEAN", _DT.DATE: "DATE",
}  # fmt: skip


def _param(dt: exp.DataType, i: int) -> int | None:
    if len(dt.expressions) <= i:
        return None
    p = dt.expressions[i]
    p = p.this if isinstance(p, exp.DataTypeParam) else p
    return int(p.name) if isinstance(p, exp.Literal) and p.is_int else None


def cast_target(dt: exp.DataType, literal: str | None = None) -> LogicalType | None:
    """The Flink type of a CAST target (``literal``: the string being cast, for precisions)."""
    kind = dt.this
    if kind in _SIMPLE:
        return LogicalType(_SIMPLE[kind])
    if kind in (_DT.TEXT, _DT.VARCHAR, _DT.CHAR):
        n = _param(dt, 0)
        if kind is _DT.TEXT or n is None:
            return LogicalType("VARCHAR", length=MAX_LENGTH)
        return LogicalType("CHAR" if kind is _DT.CHAR else "VARCHAR", length=n)
    if kind in (_DT.DECIMAL,):
        p, s = _param(dt, 0), _param(dt, 1)
        return LogicalType("DECIMAL", precision=p or 10, scale=s or 0)
    if kind is _DT.TIME:
        return LogicalType("TIME_WITHOUT_TIME_ZONE", precision=_param(dt, 0) or 0)
    if kind in (_DT.TIMESTAMP, _DT.TIMESTAMPLTZ):
        p = _param(dt, 0)
        # a TIMESTAMP '…' literal arrives as CAST(… AS TIMESTAMP(p)) (dialect.preprocess)
        root = "TIMESTAMP_WITHOUT_TIME_ZONE" if kind is _DT.TIMESTAMP else (
            "TIMESTAMP_WITH_LOCAL_TIME_ZONE")  # fmt: skip
        return LogicalType(root, precision=6 if p is None else p)
    return None


def literal_type(node: exp.Expr) -> LogicalType | None:  # noqa: C901 - a node switch
    """Flink type of a literal-only expression, or None."""
    if isinstance(node, exp.Alias | exp.Paren):
        return literal_type(node.this)
    if isinstance(node, exp.Neg):
        inner = literal_type(node.this)
        return inner if inner is not None and inner.root != "CHAR" else None
    if isinstance(node, exp.Boolean):
        return LogicalType("BOOLEAN", False)
    if isinstance(node, exp.Null):
        return LogicalType("NULL")
    if isinstance(node, exp.HexString):
        return LogicalType("BINARY", False, length=max(1, len(str(node.this)) // 2))
    if isinstance(node, exp.Literal):
        return _literal(node, isinstance(node.parent, exp.Neg))
    if isinstance(node, exp.Cast):
        operand = node.this
        text = operand.this if isinstance(operand, exp.Literal) and operand.is_string else None
        target = cast_target(node.to, text)
        if target is None:
            return None
        known = literal_type(operand)
        not_null = known is not None and known.root != "NULL" and not known.nullable
        return target.with_nullable(not not_null)
    if isinstance(node, exp.Array):
        element = unify([literal_type(e) for e in node.expressions])
        return LogicalType("ARRAY", False, element=element) if element is not None else None
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == "ROW":
        types = [literal_type(e) for e in node.expressions]
        if any(t is None for t in types):
            return None
        fields = tuple(RowField(f"EXPR${i}", t) for i, t in enumerate(types) if t is not None)
        return LogicalType("ROW", False, fields=fields)
    if isinstance(node, exp.VarMap | exp.Map):
        keys, values = node.args.get("keys"), node.args.get("values")
        if not isinstance(keys, exp.Array) or not isinstance(values, exp.Array):
            return None
        k, v = (
            unify([literal_type(e) for e in keys.expressions]),
            unify([literal_type(e) for e in values.expressions]),
        )
        return (
            LogicalType("MAP", False, key=k, value=v) if k is not None and v is not None else None
        )
    return None


def _literal(node: exp.Literal, negative: bool) -> LogicalType | None:
    text = str(node.this)
    if node.is_string:
        return LogicalType("CHAR", False, length=len(text)) if text else None
    if re.fullmatch(r"\d+", text):
        value = -int(text) if negative else int(text)
        if -(2**31) <= value < 2**31:
            return LogicalType("INTEGER", False)
        return LogicalType("BIGINT", False) if -(2**63) <= value < 2**63 else None
    m = re.fullmatch(r"(\d*)\.(\d+)", text)
    if m:
        digits = len(m.group(1).lstrip("0")) + len(m.group(2))
        return LogicalType("DECIMAL", False, precision=max(digits, 1), scale=len(m.group(2)))
    if re.fullmatch(r"[\d.]+[eE][-+]?\d+", text):
        return LogicalType("DOUBLE", False)
    return None


def unify(types: list[LogicalType | None]) -> LogicalType | None:
    """The common type of union branches / constructor elements (same roots only)."""
    if not types or any(t is None for t in types):
        return None
    known = [t for t in types if t is not None]
    real = [t for t in known if t.root != "NULL"]
    nullable = any(t.nullable or t.root == "NULL" for t in known)
    if not real:
        return None
    roots = {t.root for t in real}
    if roots <= {"CHAR", "VARCHAR"}:
        lengths = {t.length for t in real}
        longest = max(t.length or 0 for t in real)
        root = "CHAR" if roots == {"CHAR"} and len(lengths) == 1 else "VARCHAR"
        return LogicalType(root, nullable, length=longest)
    if len(roots) != 1:
        return None
    first = real[0]
    if first.root == "DECIMAL":
        scale = max(t.scale or 0 for t in real)
        ints = max((t.precision or 0) - (t.scale or 0) for t in real)
        return LogicalType("DECIMAL", nullable, precision=ints + scale, scale=scale)
    if first.root.startswith("TIMESTAMP") or first.root.startswith("TIME"):
        return first.with_nullable(nullable).__class__(
            first.root, nullable, precision=max(t.precision or 0 for t in real)
        )
    if any(t != first.with_nullable(t.nullable) for t in real):
        return None
    return first.with_nullable(nullable)


def values_types(values: exp.Values) -> list[LogicalType | None]:
    """Column types of a VALUES clause (one unified type per column)."""
    rows = [r.expressions if isinstance(r, exp.Tuple) else [r] for r in values.expressions]
    if not rows:
        return []
    width = len(rows[0])
    return [unify([literal_type(r[i]) for r in rows if len(r) == width]) for i in range(width)]


def declared_types(tree: exp.Expr | None) -> dict[int, LogicalType]:
    """Flink's types of top-level select items whose type DuckDB cannot tell, by position:
    literal-only expressions (``1`` -> INT NOT NULL, ``'abc'`` -> CHAR(3) NOT NULL, casts of
    literals, constructors, VALUES), casts with a length/precision, TO_TIMESTAMP[_LTZ]."""
    if isinstance(tree, exp.Values):
        return {i: t for i, t in enumerate(values_types(tree)) if t is not None}
    if not isinstance(tree, exp.Select):
        return {}
    items = tree.expressions
    if len(items) == 1 and isinstance(items[0], exp.Star):
        source = tree.args.get("from_") or tree.args.get("from")
        inner = source.this if source is not None else None
        if isinstance(inner, exp.Subquery) and isinstance(inner.this, exp.Values):
            return declared_types(inner.this)
        if isinstance(inner, exp.Values):
            return declared_types(inner)
        return {}
    if any(isinstance(e, exp.Star) for e in items):
        return {}
    out: dict[int, LogicalType] = {}
    for i, item in enumerate(items):
        node = item.this if isinstance(item, exp.Alias) else item
        t = literal_type(node) or _declared_type(node)
        if t is not None and t.root != "NULL":
            out[i] = t
    return out


def _declared_type(node: exp.Expr) -> LogicalType | None:
    inner = node.this if isinstance(node, exp.Window) else node
    if isinstance(node, exp.CurrentTimestamp) or (
        isinstance(node, exp.Anonymous)
        and str(node.this).upper() in ("NOW", "PROCTIME", "CURRENT_ROW_TIMESTAMP")
        and not node.expressions
    ):  # Flink 2.x: TIMESTAMP_LTZ(3) NOT NULL
        return LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", False, precision=3)
    if isinstance(inner, exp.Count):  # Flink's COUNT is BIGINT NOT NULL (also over a window)
        return LogicalType("BIGINT", False)
    if isinstance(node, exp.Anonymous):
        name = str(node.this).upper()
        if name == "TO_TIMESTAMP":
            return LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=3)
        if name == "TO_TIMESTAMP_LTZ":
            args = node.expressions
            p = int(args[1].name) if len(args) > 1 and args[1].is_int else 3
            return LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=p)
        return None
    if isinstance(node, exp.Length):
        return LogicalType("INTEGER")
    if not isinstance(node, exp.Cast) or not node.to.expressions:
        return None
    if node.to.this is exp.DataType.Type.DECIMAL:
        return None
    return cast_target(node.to)
