"""Rewrites of Flink built-in functions whose DuckDB namesake differs (or is missing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    node = exp.Anonymous(this="to_timestamp", expressions=[value])
    node.meta["sqlgateway_ltz_precision"] = precision  # dialect.LTZ_PRECISION (typed: CAST)
    return node


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
            duck = "TIMESTAMP_S" if int(p.name) == 0 else "TIMESTAMP_MS"
            return exp.Cast(this=node.this, to=exp.DataType.build(duck, dialect="duckdb"))
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


# ---- Flink semantics DuckDB's namesakes lack (found by the golden function cases) -------------


def _lit(text: str) -> exp.Expr:
    return exp.Literal.string(text)


def _fn(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def _case(cond: exp.Expr, then: exp.Expr, default: exp.Expr | None = None) -> exp.Expr:
    case = exp.Case(ifs=[exp.If(this=cond, true=then)])
    if default is not None:
        case.set("default", default)
    return case


def _is_null(e: exp.Expr) -> exp.Expr:
    return exp.Is(this=e.copy(), expression=exp.Null())


def _pad(node: exp.Pad) -> exp.Expr:
    """LPAD/RPAD: NULL for a negative length or an empty pad string (Flink)."""
    length, fill = node.expression, node.args.get("fill_pattern")
    bad: exp.Expr = exp.LT(this=length.copy(), expression=exp.Literal.number(0))
    if fill is not None:
        bad = exp.or_(bad, exp.EQ(this=fill.copy(), expression=_lit("")))
    return _case(bad, exp.Null(), node)


def _left_right(node: exp.Left | exp.Right) -> exp.Expr:
    """LEFT/RIGHT with a negative length are '' in Flink (DuckDB counts from the other end)."""
    n = node.expression
    zero = exp.Literal.number(0)
    bounded = exp.Greatest(this=n.copy(), expressions=[zero])
    return node.__class__(this=node.this, expression=bounded)


def _substring(node: exp.Substring) -> exp.Expr:
    """SUBSTRING with a negative length is NULL in Flink."""
    length = node.args.get("length")
    if length is None:
        return node
    return _case(exp.LT(this=length.copy(), expression=exp.Literal.number(0)), exp.Null(), node)


def _regexp_extract(node: exp.RegexpExtract) -> exp.Expr:
    """No match is NULL in Flink ('' in DuckDB)."""
    matches = _fn("regexp_matches", node.this.copy(), node.expression.copy())
    return _case(matches, node)


_SQL_REGEX = {"_": ".", "%": ".*"}


def _similar_to(node: exp.SimilarTo) -> exp.Expr:
    """SQL regular expressions (``_`` any character, ``%`` any string) as a full POSIX match."""
    pattern = node.expression
    if not (isinstance(pattern, exp.Literal) and pattern.is_string) or node.args.get("escape"):
        raise validation_error(
            "SIMILAR TO needs a literal pattern without ESCAPE on the duckdb engine."
        )
    text, out, in_class = str(pattern.this), [], False
    for ch in text:
        in_class = (ch == "[") or (in_class and ch != "]")
        out.append(ch if in_class else _SQL_REGEX.get(ch, ch))
    return _fn("regexp_full_match", node.this, _lit("".join(out)))


def _chr(node: exp.Chr) -> exp.Expr:
    """CHR(n): the character n mod 256; '' for a negative n (Flink)."""
    n = node.expressions[0] if node.expressions else node.this
    mod = exp.Mod(this=exp.Paren(this=n.copy()), expression=exp.Literal.number(256))
    neg = exp.LT(this=n.copy(), expression=exp.Literal.number(0))
    return _case(neg, _lit(""), _fn("chr", mod))


def _extract(node: exp.Extract) -> exp.Expr:
    """EXTRACT(MILLISECOND/MICROSECOND) is the fraction of the second only; DOW is 1 = Sunday."""
    unit = node.name.upper()
    if unit in ("MILLISECOND", "MICROSECOND"):
        part = _fn(unit.lower(), node.expression.copy())
        scale = 1000 if unit == "MILLISECOND" else 1000000
        return exp.Paren(this=exp.Mod(this=part, expression=exp.Literal.number(scale)))
    if unit in ("DAYOFWEEK", "DOW"):
        return exp.Paren(this=exp.Add(this=node, expression=exp.Literal.number(1)))
    return node


def _array_position(node: exp.ArrayPosition) -> exp.Expr:
    """0 when not found (DuckDB: NULL); NULL for a NULL array or element."""
    arr, needle = node.this, node.expression
    found = exp.Coalesce(this=node.copy(), expressions=[exp.Literal.number(0)])
    return _case(exp.or_(_is_null(arr), _is_null(needle)), exp.Null(), found)


def _array_distinct(node: exp.ArrayDistinct) -> exp.Expr:
    """Keeps the first occurrence of each element, in order (DuckDB's list_distinct does not)."""
    arr = node.this.sql(dialect="duckdb")
    return _sql(f"list_filter({arr}, lambda __x, __i: list_position({arr}, __x) = __i)")


def _json_object(node: exp.JSONObject) -> exp.Expr:
    if str(node.args.get("null_handling") or "").upper().startswith("ABSENT"):
        raise validation_error(
            "JSON_OBJECT(... ABSENT ON NULL) is not supported on the duckdb engine."
        )
    if node.find_ancestor(exp.JSONObject, exp.JSONKeyValue) is not None:
        return node  # nested JSON is inserted as JSON, not as a string
    return exp.Cast(this=node, to=exp.DataType.build("VARCHAR"))


def _log(node: exp.Log) -> exp.Expr:
    """LOG2(x) as ln(x) / ln(2), Java's Math.log(x) / Math.log(2) (DuckDB's log2 differs in
    the last digit)."""
    base = node.this
    if isinstance(base, exp.Literal) and base.name == "2" and node.expression is not None:
        return exp.Div(this=exp.Ln(this=node.expression), expression=exp.Ln(this=base))
    return node


def _rejected(name: str) -> Callable[[Any], exp.Expr]:
    def reject(node: exp.Expr) -> exp.Expr:
        raise validation_error(
            f"No match found for function signature {name}(...): not supported on the duckdb "
            "engine."
        )

    return reject


def _utf8_only(node: exp.Expr) -> exp.Expr:
    """ENCODE/DECODE: DuckDB knows UTF-8 only; another charset is refused, not ignored."""
    charset = node.args.get("charset")
    name = str(charset.name if charset is not None else "utf-8").replace("-", "").lower()
    if name != "utf8":
        what = "ENCODE" if isinstance(node, exp.Encode) else "DECODE"
        raise validation_error(
            f"{what} with charset '{charset.name if charset is not None else ''}' is not "
            "supported on the duckdb engine (UTF-8 only)."
        )
    return node


NODE_REWRITES: dict[type[exp.Expr], Callable[[Any], exp.Expr]] = {
    exp.Encode: _utf8_only,
    exp.Decode: _utf8_only,
    exp.ParseUrl: _rejected("PARSE_URL"),
    exp.StrToMap: _rejected("STR_TO_MAP"),
    exp.Pad: _pad,
    exp.Left: _left_right,
    exp.Right: _left_right,
    exp.Substring: _substring,
    exp.RegexpExtract: _regexp_extract,
    exp.SimilarTo: _similar_to,
    exp.Chr: _chr,
    exp.Extract: _extract,
    exp.ArrayPosition: _array_position,
    exp.ArrayDistinct: _array_distinct,
    exp.JSONObject: _json_object,
    exp.Log: _log,
    exp.ToBase64: lambda n: _fn("to_base64", _fn("encode", n.this)),
    exp.FromBase64: lambda n: _fn("decode", _fn("from_base64", n.this)),
    exp.Uuid: lambda n: exp.Cast(this=n, to=exp.DataType.build("VARCHAR")),
    exp.TimestampAdd: lambda n: _timestamp_add(n),
}


def _element(args: list[exp.Expr]) -> exp.Expr:
    arr = args[0].sql(dialect="duckdb")
    return _sql(
        f"CASE len({arr}) WHEN 0 THEN NULL WHEN 1 THEN {arr}[1] ELSE "
        "error('Array has more than one element.') END"
    )


def _rand(args: list[exp.Expr]) -> exp.Expr:
    if args:
        raise validation_error(
            "RAND(seed) cannot reproduce Java's seeded sequence on the duckdb engine."
        )
    return _fn("random")


def _rand_integer(args: list[exp.Expr]) -> exp.Expr:
    if len(args) != 1:
        raise validation_error(
            "RAND_INTEGER(seed, bound) cannot reproduce Java's seeded sequence on the duckdb "
            "engine."
        )
    scaled = exp.Mul(this=_fn("random"), expression=args[0])
    return exp.Cast(this=_fn("floor", scaled), to=exp.DataType.build("INT"))


def _json_exists(args: list[exp.Expr]) -> exp.Expr:
    if len(args) != 2:
        raise validation_error("JSON_EXISTS(... ON ERROR) is not supported on the duckdb engine.")
    doc, path = args
    return _case(_fn("json_valid", doc.copy()), _fn("json_exists", doc, _lax_path(path)),
                 exp.false())  # fmt: skip


def _lax_path(path: exp.Expr) -> exp.Expr:
    if isinstance(path, exp.Literal) and path.is_string:
        text = str(path.this).strip()
        if text.lower().startswith("strict "):
            raise validation_error("strict JSON paths are not supported on the duckdb engine.")
        if text.lower().startswith("lax "):
            return _lit(text[4:].strip())
    return path


def _json_query(args: list[exp.Expr]) -> exp.Expr:
    """JSON_QUERY(json, path) without wrapper: the object/array found as JSON text, NULL for a
    scalar, a missing path or invalid JSON (Flink's NULL ON EMPTY / NULL ON ERROR)."""
    if len(args) != 2:
        raise validation_error("JSON_QUERY with a wrapper / ON EMPTY / ON ERROR clause is not "
                               "supported on the duckdb engine.")  # fmt: skip
    doc, path = args[0].sql(dialect="duckdb"), _lax_path(args[1]).sql(dialect="duckdb")
    found = f"json_extract({doc}, {path})"
    value = (f"CASE WHEN {path} LIKE '%[*]%' THEN CAST(to_json({found}) AS VARCHAR) "
             f"WHEN json_type({found}) IN ('OBJECT', 'ARRAY') THEN CAST({found} AS VARCHAR) "
             "END")  # fmt: skip
    return _sql(f"CASE WHEN json_valid({doc}) THEN {value} END")


def _json_string(args: list[exp.Expr]) -> exp.Expr:
    return exp.Cast(this=_fn("to_json", *args), to=exp.DataType.build("VARCHAR"))


_SUBDAY = {"HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"}


def _keep_type_of(node: exp.Expr, operand: exp.Expr, subday: bool = False) -> exp.Expr:
    """Mark ``node`` to be cast to ``operand``'s type once it is known (typed.retype)."""
    from sqlgateway.engine.duckdb.typed import KEEP_TYPE, SUBDAY

    node.meta[KEEP_TYPE] = operand.sql(dialect="duckdb")
    node.meta[SUBDAY] = subday
    return node


def _time_floor_ceil(kind: str) -> Callable[[list[exp.Expr]], exp.Expr]:
    """FLOOR/CEIL(temporal TO unit): the value rounded to the unit, of the operand's type."""

    def rewrite(args: list[exp.Expr]) -> exp.Expr:
        x, unit = args[0], str(args[1].name).lower()
        if isinstance(x, exp.Cast) and x.to.this is exp.DataType.Type.TIME:
            raise validation_error(
                f"{kind}(TIME ... TO unit) is not supported on the duckdb engine."
            )
        xs = x.sql(dialect="duckdb")
        floor = f"date_trunc('{unit}', {xs})"
        ceil = f"CASE WHEN {floor} = {xs} THEN {floor} ELSE {floor} + INTERVAL 1 {unit} END"
        text = floor if kind == "FLOOR" else ceil
        return _keep_type_of(exp.Paren(this=_sql(text)), x, unit.upper() in _SUBDAY)

    return rewrite


def _timestamp_add(node: exp.TimestampAdd) -> exp.Expr:
    unit_node = node.args.get("unit")
    unit = str(unit_node.name if unit_node is not None else "DAY").upper()
    return _keep_type_of(exp.Paren(this=node), node.this, unit in _SUBDAY)


def _regexp(args: list[exp.Expr]) -> exp.Expr:
    return _fn("regexp_matches", *args)


SCALAR_REWRITES: dict[str, Callable[[list[exp.Expr]], exp.Expr]] = {
    "ELEMENT": _element,
    "RAND": _rand,
    "RAND_INTEGER": _rand_integer,
    "JSON_EXISTS": _json_exists,
    "JSON_QUERY": _json_query,
    "JSON_STRING": _json_string,
    "REGEXP": _regexp,
    "E": lambda args: _fn("exp", exp.Literal.number(1)),
    "FLINK_TIME_FLOOR": _time_floor_ceil("FLOOR"),
    "FLINK_TIME_CEIL": _time_floor_ceil("CEIL"),
}
