"""Streaming (unbounded) queries: which are append-only, which produce a changelog, which Flink's
streaming planner would refuse; and the group aggregation that turns an append stream into
Flink's changelog (``+I`` for a new key, ``-U``/``+U`` pairs when its aggregate changes).

The aggregation follows Flink's ``GroupAggFunction`` without mini-batch: every input row updates
the accumulators of its key; the first row of a key emits INSERT; a later row emits
UPDATE_BEFORE (old result) and UPDATE_AFTER (new result), or nothing when the aggregate values
did not change. HAVING filters each changelog record, as Flink's Calc after the aggregate does.
State is one accumulator list per key (bounded by the number of keys), never the input rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlglot import exp

from sqlgateway.engine.duckdb.functions import validation_error
from sqlgateway.model import RowKind

# Aggregates left in the translated (DuckDB) tree that merge per row (AVG is SUM / COUNT there).
_SUPPORTED_AGGS = (exp.Count, exp.Sum, exp.Min, exp.Max)
_WINDOW_TVF = re.compile(r"\b(TUMBLE|HOP|CUMULATE|SESSION)\s*\(", re.I)
_SESSION_TVF = re.compile(r"\bSESSION\s*\(\s*(?:DATA\s*=>\s*)?TABLE\b", re.I)


def _is_aggregating(select: exp.Select) -> bool:
    if select.args.get("group") is not None or select.args.get("distinct") is not None:
        return True
    return any(item.find(exp.AggFunc) is not None for item in select.expressions)


def _refuse(message: str) -> None:
    raise validation_error(message)


def _check_order_limit(tree: exp.Expr, aggregating: bool) -> None:
    order = tree.args.get("order")
    if order is not None or any(True for _ in tree.find_all(exp.Order)):
        if tree.args.get("limit") is not None:
            _refuse("ORDER BY ... LIMIT (Top-N) on an unbounded source needs Flink's streaming "
                    "runtime and is not supported on the duckdb engine.")  # fmt: skip
        _refuse("Sort on a non-time-attribute field is not supported.")
    if aggregating and tree.args.get("limit") is not None:
        _refuse("LIMIT on an updating (aggregated) unbounded query is not supported on the "
                "duckdb engine.")  # fmt: skip


def classify(tree: exp.Expr | None, text: str) -> bool:
    """For a query over an unbounded source: True if it is a group aggregation (changelog),
    False if it is append-only; raises a ValidationException naming what cannot run."""
    if tree is None:
        raise validation_error("Queries on unbounded sources must be Flink SQL.")
    aggregating = isinstance(tree, exp.Select) and _is_aggregating(tree)
    if _SESSION_TVF.search(text):
        _refuse("SESSION window TVF on an unbounded source needs watermarks (Flink's streaming "
                "runtime) and is not supported on the duckdb engine.")  # fmt: skip
    if any(True for _ in tree.find_all(exp.Window)):
        _refuse("OVER windows' ordering in stream mode must be defined on a time attribute.")
    _check_order_limit(tree, aggregating)
    if any(True for _ in tree.find_all(exp.Join)):
        _refuse("A regular JOIN of an unbounded source needs Flink's streaming join state and is "
                "not supported on the duckdb engine.")  # fmt: skip
    if aggregating and _WINDOW_TVF.search(text):
        _refuse("Window aggregation on an unbounded source needs watermarks (Flink's streaming "
                "runtime) and is not supported on the duckdb engine.")  # fmt: skip
    inner = [n for n in tree.find_all(exp.Select) if n is not tree and _is_aggregating(n)]
    if inner:
        _refuse("An aggregation inside a subquery of an unbounded query is not supported on the "
                "duckdb engine; aggregate in the outermost SELECT.")  # fmt: skip
    if isinstance(tree, exp.Select) and aggregating:
        for agg in _aggregates(tree):
            _check_aggregate(agg)
    return aggregating


def _check_aggregate(agg: exp.AggFunc) -> None:
    name = agg.sql(dialect="duckdb").split("(", 1)[0].upper()
    if not isinstance(agg, _SUPPORTED_AGGS):
        _refuse(f"Aggregate function {name} on an unbounded source is not supported on the duckdb "
                "engine (supported: COUNT, SUM, MIN, MAX, AVG).")  # fmt: skip
    if isinstance(agg.this, exp.Distinct):
        _refuse(f"{name}(DISTINCT ...) on an unbounded source is not supported on the duckdb "
                "engine.")  # fmt: skip


def _aggregates(select: exp.Select) -> list[exp.AggFunc]:
    """Aggregate calls of the select list and HAVING, in a stable order."""
    found: list[exp.AggFunc] = []
    parts: list[exp.Expr] = list(select.expressions)
    having = select.args.get("having")
    if having is not None:
        parts.append(having)
    for part in parts:
        for node in part.walk(prune=lambda n: isinstance(n, exp.AggFunc)):
            if isinstance(node, exp.AggFunc):
                found.append(node)
    return found


def _keys(select: exp.Select) -> list[exp.Expr]:
    group = select.args.get("group")
    if group is not None:
        return list(group.expressions)
    if select.args.get("distinct") is not None:  # SELECT DISTINCT: grouped by every item
        return [i.this if isinstance(i, exp.Alias) else i for i in select.expressions]
    return []


def _argument(agg: exp.AggFunc) -> exp.Expr:
    arg = agg.this
    if not isinstance(arg, exp.Expr) or isinstance(arg, exp.Star):
        return exp.Literal.number(1)
    copied: exp.Expr = arg.copy()
    return copied


def input_sql(tree: exp.Select) -> str:
    """DuckDB SQL of the rows feeding the aggregation: ``__k<i>`` keys, ``__a<j>`` arguments."""
    items = [exp.alias_(k.copy(), f"__k{i}") for i, k in enumerate(_keys(tree))]
    items += [exp.alias_(_argument(a), f"__a{j}") for j, a in enumerate(_aggregates(tree))]
    if not items:
        items = [exp.alias_(exp.Literal.number(1), "__a")]
    select = exp.Select(expressions=items)
    for arg in ("from_", "from", "where"):
        if tree.args.get(arg) is not None:
            select.set(arg, tree.args[arg].copy())
    return str(select.sql(dialect="duckdb"))


def _same_key(node: exp.Expr, key: exp.Expr) -> bool:
    if node == key:
        return True
    return (
        isinstance(node, exp.Column)
        and isinstance(key, exp.Column)
        and node.name.lower() == key.name.lower()
    )


def projection_sql(tree: exp.Select, table: str, duck_types: Sequence[str]) -> str:
    """DuckDB SQL computing the result columns (cast to the query's types) and ``__having``
    from one changelog record per row of ``table`` (``__k<i>``, ``__v<j>``)."""
    t = tree.copy()
    keys = _keys(t)
    slots = {id(a): j for j, a in enumerate(_aggregates(t))}

    def swap(node: exp.Expr) -> exp.Expr:
        if id(node) in slots:
            return exp.column(f"__v{slots[id(node)]}")
        for i, key in enumerate(keys):
            if _same_key(node, key) and not isinstance(node.parent, exp.Group):
                return exp.column(f"__k{i}")
        return node

    items = []
    for i, item in enumerate(t.expressions):
        value = item.this if isinstance(item, exp.Alias) else item
        value = value.transform(swap, copy=False)
        cast = exp.Cast(this=value, to=exp.DataType.build(duck_types[i], dialect="duckdb"))
        items.append(exp.alias_(cast, f"__c{i}"))
    having = t.args.get("having")
    cond = having.this.transform(swap, copy=False) if having is not None else exp.true()
    items.append(exp.alias_(cond, "__having"))
    select = exp.Select(expressions=items).from_(table)
    return str(select.sql(dialect="duckdb"))


# ---- accumulators --------------------------------------------------------------------------


def _count(acc: Any, v: Any) -> Any:
    return acc + (v is not None)


def _sum(acc: Any, v: Any) -> Any:
    if v is None:
        return acc
    return v if acc is None else acc + v


def _min(acc: Any, v: Any) -> Any:
    return acc if v is None or (acc is not None and acc <= v) else v


def _max(acc: Any, v: Any) -> Any:
    return acc if v is None or (acc is not None and acc >= v) else v


@dataclass(frozen=True)
class _Agg:
    step: Callable[[Any, Any], Any]
    initial: Any
    kind: str  # count | sum | extreme


def _agg_of(node: exp.AggFunc) -> _Agg:
    if isinstance(node, exp.Count):
        return _Agg(_count, 0, "count")
    if isinstance(node, exp.Sum):
        return _Agg(_sum, None, "sum")
    return _Agg(_min if isinstance(node, exp.Min) else _max, None, "extreme")


def _freeze(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return tuple((k, _freeze(x)) for k, x in v.items())
    return v


class GroupAggregation:
    """Per-key accumulators; ``apply`` turns input rows into changelog records."""

    def __init__(self, tree: exp.Select) -> None:
        self.key_count = len(_keys(tree))
        self._aggs = [_agg_of(a) for a in _aggregates(tree)]
        self._state: dict[tuple[Any, ...], tuple[tuple[Any, ...], list[Any]]] = {}
        self._key_types: list[pa.DataType] = []
        self._arg_types: list[pa.DataType] = []

    @property
    def keys_held(self) -> int:
        return len(self._state)

    def apply(self, table: pa.Table) -> tuple[list[RowKind], pa.Table] | None:
        """Changelog records (kinds and a ``__k<i>``/``__v<j>`` table) for ``table``'s rows."""
        if table.num_rows == 0:
            return None
        nk = self.key_count
        names = table.column_names
        keys = [table.column(i).to_pylist() for i in range(nk)]
        args = [table.column(names.index(f"__a{j}")).to_pylist() for j in range(len(self._aggs))]
        self._remember_types(table)
        kinds: list[RowKind] = []
        out_keys: list[tuple[Any, ...]] = []
        out_vals: list[tuple[Any, ...]] = []
        for r in range(table.num_rows):
            key = tuple(k[r] for k in keys)
            frozen = _freeze(key)
            held = self._state.get(frozen)
            before = tuple(held[1]) if held is not None else None
            accs = list(before) if before is not None else [a.initial for a in self._aggs]
            for j, agg in enumerate(self._aggs):
                accs[j] = agg.step(accs[j], args[j][r])
            after = tuple(accs)
            self._state[frozen] = (key, accs)
            if before is None:
                kinds.append(RowKind.INSERT)
                out_keys.append(key)
                out_vals.append(after)
            elif before != after:
                kinds += [RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER]
                out_keys += [key, key]
                out_vals += [before, after]
        if not kinds:
            return None
        return kinds, self._table(out_keys, out_vals)

    def _remember_types(self, table: pa.Table) -> None:
        if self._key_types:
            return
        schema = table.schema
        self._key_types = [schema.field(i).type for i in range(self.key_count)]
        self._arg_types = [schema.field(f"__a{j}").type for j in range(len(self._aggs))]

    def _value_type(self, j: int) -> pa.DataType:
        agg, t = self._aggs[j], self._arg_types[j]
        if agg.kind == "count":
            return pa.int64()
        if agg.kind == "sum":
            if pa.types.is_decimal(t):
                return pa.decimal128(38, t.scale)
            if pa.types.is_integer(t):
                return pa.int64()
            if pa.types.is_floating(t):
                return pa.float64()
        return t

    def _table(self, keys: list[tuple[Any, ...]], vals: list[tuple[Any, ...]]) -> pa.Table:
        cols: dict[str, pa.Array] = {}
        for i, t in enumerate(self._key_types):
            cols[f"__k{i}"] = pa.array([k[i] for k in keys], type=t)
        for j in range(len(self._aggs)):
            cols[f"__v{j}"] = pa.array([v[j] for v in vals], type=self._value_type(j))
        if not cols:
            cols["__none"] = pa.array([None] * len(keys), type=pa.null())
        return pa.table(cols)
