"""Type-dependent fixes of a translated query, applied once DuckDB has bound it.

Some Flink functions keep their argument's type where DuckDB's namesake widens or converts it
(SUM / AVG of an INT is an INT, SIGN of a DOUBLE a DOUBLE, FLOOR(date TO MONTH) a DATE,
TIMESTAMPADD on a TIMESTAMP(3) a TIMESTAMP(3)), and some behave differently by type (ROUND of a
DOUBLE rounds its decimal digits half-up, CAST of a DECIMAL to INT truncates, CAST of a BOOLEAN
to STRING is upper case, HEX of an INT is the hex of the BIGINT). The operands' DuckDB types
are probed with the query's own FROM / WHERE / GROUP BY (binding only, nothing runs) and the
affected nodes rewritten. Every SELECT scope is retyped, innermost first (subqueries, CTEs, set
operations; views are retyped when they are expanded, and their subqueries are marked RESOLVED so
they are not fixed twice). A correlated subquery's operands are probed with the enclosing
queries' tables cross-joined in; one that still cannot be typed is a validation error rather
than an untranslated, possibly different answer.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import duckdb
from sqlglot import exp

RESOLVED = "sqlgateway_resolved"  # node.meta key: an expanded view/table, already retyped
LTZ_PRECISION = "sqlgateway_ltz_precision"  # node.meta key: TIMESTAMP_LTZ(p) (dialect)
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
        fmt = _TS_TEXT[t]
        ltz = node.this.meta.get(LTZ_PRECISION) if node.this.meta else None
        if t == "TIMESTAMP WITH TIME ZONE" and ltz in (0, 3):  # TIMESTAMP_LTZ(p): p digits
            fmt = _TS_TEXT["TIMESTAMP_S" if ltz == 0 else "TIMESTAMP_MS"]
        return exp.maybe_parse(f"strftime({x}, '{fmt}')", dialect="duckdb")
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
    """DECIMAL division: Flink's DECIMAL(p, s), computed exactly (DuckDB: through DOUBLE)."""
    right = node.meta.get("sqlgateway_right_type")
    left_d, right_d = _decimal(t), _decimal(right) if isinstance(right, str) else None
    if left_d is None or right_d is None or not (t + str(right)).count("DECIMAL"):
        return None  # integer division (or not exact numeric): DuckDB already agrees
    a, b = node.this.sql(dialect="duckdb"), node.expression.sql(dialect="duckdb")
    return exp.maybe_parse(exact_division(a, left_d, b, right_d), dialect="duckdb")


_MAX_CHUNKS = 3  # the long division repeats its remainder: 2**chunks copies of the operands


def _pow10(exponent: str | int) -> str:
    """10 ** ``exponent`` (0..38) as an exact HUGEINT (DuckDB's pow is a DOUBLE)."""
    if isinstance(exponent, int):
        return f"CAST({10**exponent} AS HUGEINT)"
    powers = ", ".join(f"CAST({10**i} AS HUGEINT)" for i in range(39))
    return f"[{powers}][({exponent}) + 1]"


def _unscaled(x: str, scale: int) -> str:
    if scale == 0:
        return f"CAST({x} AS HUGEINT)"
    return f"CAST(replace(CAST({x} AS VARCHAR), '.', '') AS HUGEINT)"


def _let(value: str, var: str, body: str) -> str:
    """``body`` with ``var`` bound to ``value`` (evaluated once; DuckDB has no LET)."""
    return f"list_transform([{value}], lambda {var}: {body})[1]"


def exact_division(a: str, left: tuple[int, int], b: str, right: tuple[int, int]) -> str:
    """DuckDB SQL of Flink's ``a / b`` on exact numerics: BigDecimal division to 38 significant
    digits HALF_UP, then HALF_UP to the result scale, NULL when the result overflows its
    precision (DecimalDataUtils.divide, DecimalData.fromBigDecimal). Long division on
    HUGEINT unscaled values, in chunks of digits whose products fit 38 digits; a divisor too
    wide for that fails at run time with an error naming the limitation."""
    (_, s1), (p2, s2) = left, right
    p, s = division_type(left, right)
    e = s + s2 - s1  # R = round(|a| / |b| * 10**e) on the unscaled values (e >= 0)
    chunks = min(_MAX_CHUNKS, max(1, -(-e // max(1, 38 - p2))))
    c = -(-e // chunks)
    sizes = [c] * (e // c) + ([e % c] if e % c else []) if c else []
    limit = 38 - c
    wide = (
        f"error('DECIMAL division by a divisor of more than {limit} digits (unscaled) is not "
        f"supported exactly on the duckdb engine')"
    )
    ua, ub = _unscaled(a, s1), _unscaled(b, s2)
    start = (
        f"{{'x': abs(__sg_u.a), 'neg': (__sg_u.a < 0) <> (__sg_u.b < 0), 'ub': CASE WHEN "
        f"abs(__sg_u.b) >= {_pow10(limit)} THEN {wide} ELSE abs(__sg_u.b) END}}"
    )
    steps = ["{'q': __sg_0.x // __sg_0.ub, 'r': __sg_0.x % __sg_0.ub, 'ub': __sg_0.ub, "
             "'neg': __sg_0.neg}"]  # fmt: skip
    for i, size in enumerate(sizes, 1):
        x, shift, cap = f"__sg_{i}", f"CAST({10**size} AS HUGEINT)", _pow10(38 - size)
        steps.append(
            f"{{'q': nullif(least({x}.q, {cap}), {cap}) * {shift} + {x}.r * {shift} // {x}.ub, "
            f"'r': {x}.r * {shift} % {x}.ub, 'ub': {x}.ub, 'neg': {x}.neg}}"
        )  # q is NULL once it cannot fit: the result overflows (NULL, as Flink)
    z = f"__sg_{len(sizes) + 1}"
    digits = f"CASE WHEN {z}.q = 0 THEN 0 ELSE length(CAST({z}.q AS VARCHAR)) END"
    # Rounding to 38 significant digits g = 38 - digits places after the scale, then to the
    # scale, rounds up iff 10**g * (ub - 2r) <= ub (g >= 1); at g = 0 iff 2r >= ub.
    slack = f"CASE WHEN {digits} >= 38 THEN 0 ELSE {z}.ub // {_pow10(f'38 - ({digits})')} END"
    up = f"{z}.ub - {z}.r - {z}.r <= {slack}"
    rounded = f"{z}.q + CASE WHEN {up} THEN 1 ELSE 0 END"
    unit = f"CAST('{Decimal(1).scaleb(-s):f}' AS DECIMAL({min(s + 1, 38)}, {s}))"  # exact rescaling
    final = _let(
        rounded, "__sg_v",
        f"CASE WHEN __sg_v >= {_pow10(p)} THEN NULL ELSE CAST(CAST(CASE WHEN {z}.neg THEN "
        f"-__sg_v ELSE __sg_v END AS DECIMAL(38, 0)) * {unit} AS DECIMAL({p}, {s})) END",
    )  # fmt: skip
    body = final
    for i in range(len(steps), 0, -1):  # __sg_i is bound to steps[i - 1] (on __sg_{i-1})
        body = _let(steps[i - 1], f"__sg_{i}", body)
    body = _let(start, "__sg_0", body)
    return _let(f"{{'a': {ua}, 'b': {ub}}}", "__sg_u", body)


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


def _candidates(scope: exp.Select) -> list[tuple[exp.Expr, exp.Expr]]:
    found = []
    for node in scope.walk():
        if node is scope or isinstance(node, exp.Select):
            continue
        if isinstance(node, exp.Cast) and isinstance(node, exp.TryCast):
            continue
        operand = _operand(node)
        if operand is not None and node.find_ancestor(exp.Select) is scope:
            found.append((node, operand))
    return found


def _scopes(tree: exp.Expr) -> list[exp.Select]:
    """The SELECTs of ``tree`` innermost first, without those of expanded views/tables."""
    out: list[exp.Select] = []
    for node in tree.walk(bfs=False):
        if isinstance(node, exp.Select) and not _in_resolved(node, tree):
            out.append(node)
    return out[::-1]


def _in_resolved(node: exp.Expr, root: exp.Expr) -> bool:
    while node is not root and node is not None:
        if node.meta and node.meta.get(RESOLVED):
            return True
        node = node.parent  # type: ignore[assignment]
    return False


def _with_clauses(scope: exp.Select) -> list[exp.With]:
    """The WITH clauses visible in ``scope`` (its own and its ancestors'), outermost first."""
    out = []
    node: exp.Expr | None = scope
    while node is not None:
        w = node.args.get("with_") or node.args.get("with")
        if isinstance(w, exp.With):
            out.append(w)
        node = node.parent
    return out[::-1]


def _outer_joins(tree: exp.Select) -> list[exp.Expr]:
    """The FROM items of the SELECTs around ``tree``, as cross joins (a correlated subquery's
    operands may read their columns)."""
    out: list[exp.Expr] = []
    node = tree.parent
    while node is not None:
        if isinstance(node, exp.Select):
            source = node.args.get("from_") or node.args.get("from")
            if isinstance(source, exp.From):
                out.append(exp.Join(this=source.this.copy(), kind="CROSS"))
            out.extend(j.copy() for j in node.args.get("joins") or [])
        node = node.parent
    return out


def _probe(cur: Any, tree: exp.Select, operand: exp.Expr, outer: bool = False) -> str | None:
    """DuckDB's type of ``operand`` in ``tree``'s scope (binding only); tried without the
    GROUP BY first (aggregate arguments), then with it (grouped expressions); ``outer``: with
    the enclosing queries' tables too (correlated subqueries)."""
    withs = _with_clauses(tree)
    for grouped in (False, True):
        if grouped and tree.args.get("group") is None:
            break
        probe = exp.Select(expressions=[operand.copy()])
        for arg in ("from_", "from", "where", *(("group",) if grouped else ())):
            if tree.args.get(arg) is not None:
                probe.set(arg, tree.args[arg].copy())
        joins = [j.copy() for j in tree.args.get("joins") or []]
        if outer:
            joins += _outer_joins(tree)
        if joins:
            probe.set("joins", joins)
        ctes = [c.copy() for w in withs for c in w.expressions]
        if ctes:
            recursive = any(w.args.get("recursive") for w in withs)
            probe.set("with_" if "with_" in exp.Select.arg_types else "with",
                      exp.With(expressions=ctes, recursive=recursive))  # fmt: skip
        try:
            return str(cur.sql(probe.sql(dialect="duckdb")).types[0])
        except (duckdb.Error, IndexError):
            continue
    return None


def _untyped(node: exp.Expr) -> Exception:
    from sqlgateway.engine.duckdb.functions import validation_error

    return validation_error(
        f"The type of {node.sql(dialect='duckdb')} in a correlated subquery cannot be "
        "determined on the duckdb engine (its Flink semantics depend on it); move it out of "
        "the correlated subquery."
    )


def applies(tree: exp.Expr) -> bool:
    """Whether any SELECT of ``tree`` has a node a type-dependent fix may rewrite."""
    return any(_candidates(s) for s in _scopes(tree))


def retype(cur: Any, tree: exp.Expr) -> exp.Expr | None:
    """A copy of ``tree`` with the type-dependent fixes applied in every SELECT scope, or None
    if none applies."""
    if not applies(tree):
        return None  # most queries: no copy of the tree (it costs ~0.2 ms per statement)
    tree = tree.copy()
    changed = False
    original = tree.sql(dialect="duckdb")
    for scope in _scopes(tree):
        for node, operand in _candidates(scope):
            named = _keep_name(scope, node)
            if _fix(cur, scope, node, operand):
                changed = True
            elif scope is not tree and _correlated(scope) and _binds(cur, original):
                raise _untyped(node)
            if named is not None:
                named()
    return tree if changed else None


def _binds(cur: Any, sql: str) -> bool:
    """Whether DuckDB binds ``sql`` (if not, its own error is the one to report)."""
    try:
        cur.sql(sql)
    except duckdb.Error:
        return False
    return True


def _keep_name(scope: exp.Select, node: exp.Expr) -> Callable[[], None] | None:
    """A select item rewritten by a fix keeps the column name DuckDB gave the original."""
    if node.parent is not scope or node.arg_key != "expressions":
        return None
    name = node.sql(dialect="duckdb")
    index = node.index or 0

    def restore() -> None:
        item = scope.expressions[index]
        if not isinstance(item, exp.Alias):
            item.replace(exp.alias_(item.copy(), name, quoted=True))

    return restore


def _fix(cur: Any, scope: exp.Select, node: exp.Expr, operand: exp.Expr) -> bool:
    outer = False
    t = _probe(cur, scope, operand)
    if t is None and _correlated(scope):
        outer = True
        t = _probe(cur, scope, operand, outer=True)
    if t is None:
        return False
    if isinstance(node, exp.Div):
        node.meta["sqlgateway_right_type"] = _probe(cur, scope, node.expression, outer)
    if isinstance(node, exp.Sum):
        return _sum(node, t) is not None
    keep = bool(node.meta and KEEP_TYPE in node.meta)
    fix = _keep_type if keep else _FIXES[type(node)]
    new = fix(node, t)
    if new is not None and new is not node:
        node.replace(new)
    return new is not None


def _correlated(scope: exp.Select) -> bool:
    """Whether ``scope`` is a subquery inside an expression (where it may see outer columns)."""
    parent = scope.parent
    while isinstance(parent, exp.Subquery | exp.Paren):
        parent = parent.parent
    return parent is not None and not isinstance(
        parent, exp.From | exp.Join | exp.CTE | exp.Union | exp.Insert | exp.Create | exp.With
    )
