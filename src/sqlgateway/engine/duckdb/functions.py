"""Rewrites of Flink built-in functions whose DuckDB namesake differs (or is missing)."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from sqlgateway.errors import VALIDATION_EXCEPTION, ExecutionError


def validation_error(message: str) -> ExecutionError:
    return ExecutionError(f"SQL validation failed. {message}", java_class=VALIDATION_EXCEPTION)


def _java_format(fmt: exp.Expr) -> exp.Expr:
    """A Java date pattern literal (``yyyy-MM-dd HH:mm:ss``) as a strftime pattern."""
    if not isinstance(fmt, exp.Literal) or not fmt.is_string:
        raise validation_error("Date format patterns must be string literals on the duckdb engine.")
    text = fmt.this
    for java, c in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"),
                    ("ss", "%S"), ("SSS", "%g")):  # fmt: skip
        text = text.replace(java, c)
    return exp.Literal.string(text)


def _sql(text: str) -> exp.Expr:
    return sqlglot.parse_one(text, read="duckdb")


def _to_timestamp(args: list[exp.Expr]) -> exp.Expr:
    inner: exp.Expr
    if len(args) == 1:
        inner = exp.TryCast(this=args[0], to=exp.DataType.build("TIMESTAMP"))
    else:
        inner = exp.Anonymous(this="try_strptime", expressions=[args[0], _java_format(args[1])])
    return exp.Cast(this=inner, to=exp.DataType.build("TIMESTAMP_MS", dialect="duckdb"))


def _to_date(args: list[exp.Expr]) -> exp.Expr:
    if len(args) == 1:
        return exp.TryCast(this=args[0], to=exp.DataType.build("DATE"))
    inner = exp.Anonymous(this="try_strptime", expressions=[args[0], _java_format(args[1])])
    return exp.Cast(this=inner, to=exp.DataType.build("DATE"))


def _to_timestamp_ltz(args: list[exp.Expr]) -> exp.Expr:
    precision = int(args[1].name) if len(args) > 1 and args[1].is_int else 3
    if precision not in (0, 3):
        raise validation_error("TO_TIMESTAMP_LTZ supports precision 0 or 3.")
    value = args[0] if precision == 0 else exp.Div(this=args[0], expression=_sql("1000.0"))
    return exp.Anonymous(this="to_timestamp", expressions=[value])


_TIME_FUNCTIONS = {
    "TO_TIMESTAMP": _to_timestamp,
    "TO_DATE": _to_date,
    "TO_TIMESTAMP_LTZ": _to_timestamp_ltz,
}


def _length_cast(node: exp.Cast) -> exp.Expr:
    """CAST to CHAR(n)/VARCHAR(n) truncates (and CHAR pads) in Flink; TIMESTAMP(p <= 3)."""
    to = node.to
    kind = to.this
    params = to.expressions
    if kind in (exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR) and params:
        length = params[0].this if isinstance(params[0], exp.DataTypeParam) else params[0]
        n = int(length.name) if isinstance(length, exp.Literal) else None
        if n is not None:
            text = exp.Cast(this=node.this, to=exp.DataType.build("VARCHAR"))
            cut = exp.Anonymous(this="left", expressions=[text, exp.Literal.number(n)])
            if kind is exp.DataType.Type.CHAR:
                return exp.Anonymous(
                    this="rpad", expressions=[cut, exp.Literal.number(n), exp.Literal.string(" ")]
                )
            return cut
    if kind is exp.DataType.Type.TIMESTAMP and params:
        p = params[0].this if isinstance(params[0], exp.DataTypeParam) else params[0]
        if isinstance(p, exp.Literal) and int(p.name) <= 3:
            return exp.Cast(this=node.this, to=exp.DataType.build("TIMESTAMP_MS", dialect="duckdb"))
    return node


def _flink_avg(node: exp.Avg) -> exp.Expr:
    """Flink's AVG keeps the argument type (AVG of INTs is an INT): SUM / COUNT with integer
    division (the cursor sets ``integer_division``)."""
    arg = node.this
    total = exp.Sum(this=arg.copy())
    count = exp.Count(this=arg.copy())
    nonzero = exp.Nullif(this=count, expression=exp.Literal.number(0))
    return exp.Paren(this=exp.Div(this=total, expression=nonzero))


def _named_row(node: exp.Struct) -> exp.Expr:
    """``ROW(1, 'a')`` has fields ``EXPR$0``, ``EXPR$1`` in Flink."""
    items = []
    for i, e in enumerate(node.expressions):
        if isinstance(e, exp.PropertyEQ | exp.Slice | exp.Alias):
            return node
        items.append(exp.PropertyEQ(this=exp.to_identifier(f"EXPR${i}"), expression=e))
    return exp.Struct(expressions=items)
