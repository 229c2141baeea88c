"""Flink SQL -> DuckDB SQL translation (sqlglot based).

Flink SQL is parsed with a Spark-derived sqlglot dialect adjusted to Flink (1-based arrays, strict
CAST, ``TIMESTAMP`` without time zone, ``STRING``/``BYTES``/``TIMESTAMP_LTZ``/``ROW<…>`` types,
``MAP[…]`` constructors), rewritten where Flink and DuckDB differ, and generated as DuckDB SQL.
Constructs that cannot be translated faithfully raise a ValidationException naming them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot import parser as sqlglot_parser
from sqlglot.dialects.spark import Spark
from sqlglot.errors import ParseError
from sqlglot.tokenizer_core import TokenType

from sqlgateway.engine.duckdb.functions import (
    _TIME_FUNCTIONS,
    NODE_REWRITES,
    SCALAR_REWRITES,
    _flink_avg,
    _lax_path,
    _length_cast,
    _named_row,
    _sql,
    validation_error,
)
from sqlgateway.engine.duckdb.literals import declared_types
from sqlgateway.engine.duckdb.windows import rewrite_floor_ceil, rewrite_windows
from sqlgateway.errors import PARSER_EXCEPTION, ExecutionError
from sqlgateway.model import LogicalType
from sqlgateway.sql.splitter import tokenize

EXPR_PREFIX = "__sqlgateway_expr_"


class Flink(Spark):
    """sqlglot dialect for Flink SQL (close to Spark's lexical rules: back-tick identifiers)."""

    INDEX_OFFSET = 1
    LOG_BASE_FIRST = True
    SAFE_DIVISION = False  # 1 / 0 fails in Flink

    class Tokenizer(Spark.Tokenizer):
        STRING_ESCAPES = ["'"]  # Flink (Calcite) strings: '' only, a backslash is literal
        KEYWORDS = {
            **Spark.Tokenizer.KEYWORDS,
            "BYTES": TokenType.VARBINARY,
            "TIMESTAMP_LTZ": TokenType.TIMESTAMPLTZ,
            "TIMESTAMP": TokenType.TIMESTAMP,
            "ROW": TokenType.STRUCT,
        }

    class Parser(Spark.Parser):  # type: ignore[misc,valid-type]
        STRICT_CAST = True
        FUNCTIONS = {
            **Spark.Parser.FUNCTIONS,
            **{
                name: (lambda n: lambda args: exp.Anonymous(this=n, expressions=args))(name)
                for name in (
                    "TO_TIMESTAMP",
                    "TO_DATE",
                    "JSON_VALUE",
                    "TO_TIMESTAMP_LTZ",
                    "LTRIM",
                    "RTRIM",
                    "RAND",
                    "RAND_INTEGER",
                    "JSON_QUERY",
                    "E",
                )
            },
        }

        def _parse_types(
            self,
            check_func: bool = False,
            schema: bool = False,
            allow_identifiers: bool = True,
            with_collation: bool = False,
        ) -> exp.Expr | None:
            """Keep CHAR(n)/VARCHAR(n) (Hive's parser turns them into STRING)."""
            result: exp.Expr | None = sqlglot_parser.Parser._parse_types(
                self, check_func, schema, allow_identifiers, with_collation
            )
            return result


def parse_error(message: str) -> ExecutionError:
    return ExecutionError(f"SQL parse failed. {message}", java_class=PARSER_EXCEPTION)


# Flink-only syntax with no faithful DuckDB translation (yet): named in the error.
_UNSUPPORTED_SYNTAX = [
    (re.compile(r"\bMATCH_RECOGNIZE\b", re.I), "MATCH_RECOGNIZE"),
    (re.compile(r"\bFOR\s+SYSTEM_TIME\s+AS\s+OF\b", re.I), "FOR SYSTEM_TIME AS OF (temporal join)"),
    (re.compile(r"\b(TUMBLE|HOP|SESSION)(_START|_END|_ROWTIME|_PROCTIME)?\s*\(", re.I),
     "group window function {0}"),
    (re.compile(r"/\*\+"), "SQL hints /*+ ... */"),
    (re.compile(r"\bLATERAL\s+TABLE\b", re.I), "LATERAL TABLE (table functions)"),
    (re.compile(r"\bIS\s+(?:NOT\s+)?JSON\b", re.I), "IS JSON"),
    (re.compile(r"\bRETURNING\b", re.I), "JSON_VALUE ... RETURNING"),
    (re.compile(r"\bON\s+(?:EMPTY|ERROR)\b", re.I), "JSON ... ON EMPTY / ON ERROR"),
    (re.compile(r"\bWITH(?:OUT)?\s+(?:CONDITIONAL\s+|UNCONDITIONAL\s+)?(?:ARRAY\s+)?WRAPPER\b",
                re.I), "JSON_QUERY ... WRAPPER"),
]  # fmt: skip

# Functions whose DuckDB namesake differs from Flink and that are not rewritten below.
_REJECTED_FUNCTIONS = {
    "COLLECT", "CURRENT_WATERMARK", "SOURCE_WATERMARK", "INITCAP", "TO_BASE64", "FROM_BASE64",
    "JSON_OBJECT", "JSON_ARRAY", "JSON_OBJECTAGG", "JSON_ARRAYAGG", "IS_JSON", "HASH_CODE",
    "GROUP_ID", "GROUPING_ID", "SHA224", "SHA384", "SHA512", "PARSE_URL", "IS_DIGIT",
    "IS_ALPHA", "IS_DECIMAL",
    "STR_TO_MAP", "DECODE", "ENCODE", "CONVERT_TZ", "TO_TIMESTAMP_LTZ", "BIN", "HEX",
}  # fmt: skip

# Functions DuckDB has with Flink's meaning (passed through unchanged when sqlglot does not
# know them); anything else unknown is rejected.
_ALLOWED_ANONYMOUS = {
    "CARDINALITY", "LTRIM", "RTRIM", "MD5", "SHA1", "SHA256", "CHR", "ASCII", "UUID", "PI",
    "DEGREES", "RADIANS", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "ATAN2", "COT", "SINH",
    "COSH", "TANH", "E", "LOG2", "LOG10", "LN", "EXP", "SQRT", "CBRT", "POWER", "SIGN", "ABS",
    "REVERSE", "REPEAT", "LPAD", "RPAD", "LEFT", "RIGHT", "TRANSLATE", "REGEXP",
    "ARRAY_CONTAINS", "ARRAY_DISTINCT", "ARRAY_POSITION", "ARRAY_REVERSE", "ARRAY_SLICE",
    "ARRAY_SORT", "ARRAY_CONCAT", "MAP_KEYS", "MAP_VALUES", "DATE_TRUNC",
    "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LEAD", "LAG",
    "FIRST_VALUE", "LAST_VALUE", "STDDEV_POP", "STDDEV_SAMP", "VAR_POP", "VAR_SAMP",
    "COALESCE", "NULLIF", "IFNULL", "RAND", "RAND_INTEGER", "LOCALTIMESTAMP", "LOCALTIME",
    "TIME_BUCKET", "TO_MICROSECONDS",
}  # fmt: skip


@dataclass
class Translation:
    """A translated query: DuckDB SQL plus what the engine needs to know about it."""

    sql: str
    tables: list[tuple[str, ...]] = field(default_factory=list)
    tree: exp.Expr | None = None
    types: dict[int, LogicalType] = field(default_factory=dict)  # Flink types by position


TableResolver = Callable[[tuple[str, ...]], str | None]


def preprocess(sql: str) -> str:
    """Token-level rewrites sqlglot cannot do: ``MAP[k, v]`` -> ``MAP(k, v)``; a literal
    ``TIMESTAMP '… .123'`` -> ``CAST('… .123' AS TIMESTAMP(3))`` (its precision is the number
    of fraction digits in Flink, unlike ``CAST(… AS TIMESTAMP)``, which is TIMESTAMP(6))."""
    toks = list(tokenize(sql))
    out: list[str] = []
    stack: list[bool] = []
    prev_word, prev_at = "", -1
    for tok in toks:
        text = tok.text
        if tok.kind == "string" and prev_word == "TIMESTAMP":
            fraction = re.search(r"\.(\d+)\s*'$", text)
            p = len(fraction.group(1)) if fraction else 0
            if p <= 6:
                out[prev_at] = "CAST("
                text = f"{text} AS TIMESTAMP({p}))"
        elif tok.kind == "other" and text == "[":
            is_map = prev_word == "MAP"
            stack.append(is_map)
            text = "(" if is_map else text
        elif tok.kind == "other" and text == "]" and stack:
            text = ")" if stack.pop() else text
        if tok.kind not in ("space", "comment"):
            prev_word = tok.text.upper() if tok.kind == "word" else ""
            prev_at = len(out)
        out.append(text)
    return "".join(out)


def check_syntax(sql: str) -> None:
    """Reject Flink-only constructs by name before translating."""
    code = "".join(" " if t.kind in ("comment", "string") else t.text for t in tokenize(sql))
    if "/*+" in sql and re.search(r"/\*\+", sql):
        raise validation_error("SQL hints /*+ ... */ are not supported on the duckdb engine.")
    for pattern, name in _UNSUPPORTED_SYNTAX:
        m = pattern.search(code)
        if m:
            what = name.format(*(g.upper() for g in m.groups() if g)) if m.groups() else name
            raise validation_error(f"{what} is not supported on the duckdb engine.")


def parse(sql: str) -> exp.Expr:
    """Parse Flink SQL text (one statement) into a sqlglot tree."""
    sql = rewrite_floor_ceil(rewrite_windows(sql))
    check_syntax(sql)
    try:
        tree = sqlglot.parse_one(preprocess(sql), read=Flink)
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        desc = first.get("description", str(exc))
        line, col = first.get("line"), first.get("col")
        where = f" at line {line}, column {col}" if line else ""
        raise parse_error(f"{desc}{where}.") from None
    if tree is None:
        raise parse_error("Empty statement.")
    return tree


def translate_query(sql: str, resolve: TableResolver | None = None) -> Translation:
    """DuckDB SQL for a Flink query (SELECT/VALUES/WITH …)."""
    tree = parse(sql)
    return translate_tree(tree, resolve)


def translate_tree(tree: exp.Expr, resolve: TableResolver | None = None) -> Translation:
    tables = _resolve_tables(tree, resolve)
    declared = declared_types(tree)
    tree = transform_up(tree, _rewrite)
    _name_expressions(tree)
    return Translation(tree.sql(dialect="duckdb"), tables, tree, declared)


def _resolve_tables(tree: exp.Expr, resolve: TableResolver | None) -> list[tuple[str, ...]]:
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    found: list[tuple[str, ...]] = []
    for table in list(tree.find_all(exp.Table)):
        if not table.name or isinstance(table.this, exp.Anonymous | exp.Func):
            continue
        parts = tuple(p for p in (table.catalog, table.db, table.name) if p)
        if len(parts) == 1 and parts[0].lower() in ctes:
            continue
        found.append(parts)
        if resolve is not None:
            physical = resolve(parts)
            if physical is not None:
                _replace_table(table, physical)
    return found


def _replace_table(table: exp.Table, physical: str) -> None:
    """Point ``table`` at a DuckDB name or a ``(subquery)``, keeping the visible alias."""
    alias = table.args.get("alias")
    if alias is None or not alias.this:
        columns = alias.columns if alias is not None else []
        alias = exp.TableAlias(this=exp.to_identifier(table.name), columns=columns)
    if physical.startswith("("):
        inner = sqlglot.parse_one(physical[1:-1], read="duckdb")
        sub = exp.Subquery(this=inner, alias=alias.copy())
        sub.meta["sqlgateway_resolved"] = True  # typed.RESOLVED: retyped when it was expanded
        table.replace(sub)
    else:
        raw = exp.to_table(physical, dialect="duckdb")
        raw.set("alias", alias.copy())
        table.replace(raw)


def translate_expression(text: str) -> str:
    """DuckDB SQL of one Flink scalar expression (computed columns)."""
    tree = parse(f"SELECT {text}")
    assert isinstance(tree, exp.Select)
    node = transform_up(tree.expressions[0], _rewrite)
    return str(node.sql(dialect="duckdb"))


def transform_up(tree: exp.Expr, fn: Callable[[exp.Expr], exp.Expr]) -> exp.Expr:
    """Apply ``fn`` to every node, children before their parent (so a rewrite that wraps a node
    keeps its rewritten arguments); nodes a rewrite creates are not visited again."""
    root = tree
    for node in reversed(list(tree.dfs())):
        parent, key, index = node.parent, node.arg_key, node.index
        new = fn(node)
        if new is node:
            continue
        if node is tree or parent is None or key is None:
            root = new
        else:
            parent.set(key, new, index)
    return root


def _rewrite(node: exp.Expr) -> exp.Expr:  # noqa: C901 - a rewrite switch
    if isinstance(node, exp.Anonymous):
        return _anonymous(node)
    node_rewrite = NODE_REWRITES.get(type(node))
    if node_rewrite is not None:
        return node_rewrite(node)
    if isinstance(node, exp.Column) and not node.table and node.name.upper() in (
        "LOCALTIMESTAMP", "LOCALTIME",
    ) and not node.this.quoted:  # fmt: skip
        if node.name.upper() == "LOCALTIMESTAMP":  # TIMESTAMP(3) in Flink
            return _sql("CAST(current_localtimestamp() AS TIMESTAMP_MS)")
        return _sql("CAST(date_trunc('second', current_localtimestamp()) AS TIME)")  # TIME(0)
    if isinstance(node, exp.Length) and not isinstance(node.parent, exp.Cast):
        return exp.Cast(this=node, to=exp.DataType.build("INT"))
    if isinstance(node, exp.CurrentTimestamp) and not isinstance(node.parent, exp.StrToUnix):
        return ltz_now()
    if isinstance(node, exp.StrToUnix):
        if node.this is None or isinstance(node.this, exp.CurrentTimestamp):
            return _sql("CAST(epoch(now()) AS BIGINT)")
        fmt = node.args.get("format")
        parsed = exp.Anonymous(this="strptime", expressions=[node.this, fmt or "%Y-%m-%d %H:%M:%S"])
        if fmt is not None:
            parsed = exp.Anonymous(
                this="strptime",
                expressions=[node.this, exp.Literal.string(str(fmt.this).replace("strict", ""))],
            )
        tz = exp.Cast(this=parsed, to=exp.DataType.build("TIMESTAMPTZ"))
        epoch = exp.Anonymous(this="epoch", expressions=[tz])
        return exp.Cast(this=epoch, to=exp.DataType.build("BIGINT"))
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        if isinstance(node.this, exp.Interval) and node.to.this in (
            exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT, exp.DataType.Type.CHAR,
        ):  # fmt: skip
            raise validation_error(
                "CAST of an INTERVAL to a character string is not supported on the duckdb engine."
            )
        return _length_cast(node)
    if isinstance(node, exp.CurrentDatabase):
        return exp.Anonymous(this="current_schema", expressions=[])
    if (
        isinstance(node, exp.Column)
        and not node.table
        and node.name.upper() == "CURRENT_CATALOG"
        and not node.this.quoted
    ):
        return exp.Anonymous(this="current_database", expressions=[])
    if isinstance(node, exp.DateDiff | exp.TimestampDiff):
        unit = exp.Literal.string(str(node.unit.name if node.unit else "DAY").lower())
        return exp.Anonymous(this="date_sub", expressions=[unit, node.expression, node.this])
    if isinstance(node, exp.DayOfWeek):
        return exp.Add(this=node, expression=exp.Literal.number(1))
    if isinstance(node, exp.Greatest | exp.Least):
        args = [node.this, *node.expressions]
        any_null = exp.or_(*[exp.Is(this=a.copy(), expression=exp.Null()) for a in args])
        return exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=node)
    if isinstance(node, exp.Avg) and not isinstance(node.parent, exp.Window):
        return _flink_avg(node)
    if isinstance(node, exp.Struct):
        return _named_row(node)
    return node


def _anonymous(node: exp.Anonymous) -> exp.Expr:
    name = str(node.this).upper()
    args = node.expressions
    if isinstance(node.parent, exp.Table):
        return node  # a DuckDB table function in FROM (range, …): an extension
    if name in ("CURRENT_DATABASE", "CURRENT_CATALOG") and not args:
        duck = "current_schema" if name == "CURRENT_DATABASE" else "current_database"
        return exp.Anonymous(this=duck, expressions=[])
    if name in _TIME_FUNCTIONS:
        return _TIME_FUNCTIONS[name](args)
    if name in SCALAR_REWRITES:
        return SCALAR_REWRITES[name](args)
    if name == "JSON_VALUE" and len(args) == 2:
        return _json_value(args)
    if name in ("PROCTIME", "NOW", "CURRENT_ROW_TIMESTAMP") and not args:
        return ltz_now()
    if name == "ROW":
        return _named_row(exp.Struct(expressions=list(args)))
    if name == "SPLIT_INDEX" and len(args) == 3:
        split = exp.Anonymous(this="string_split", expressions=[args[0], args[1]])
        index = exp.Add(this=args[2], expression=exp.Literal.number(1))
        return exp.Anonymous(this="list_extract", expressions=[split, index])
    if name == "TIMESTAMPDIFF" and len(args) == 3:
        unit = exp.Literal.string(args[0].name.lower())
        return exp.Anonymous(this="date_sub", expressions=[unit, args[1], args[2]])
    if name in _REJECTED_FUNCTIONS or name not in _ALLOWED_ANONYMOUS:
        raise validation_error(
            f"No match found for function signature {name}(...): not supported on the "
            "duckdb engine."
        )
    return node


LTZ_PRECISION = "sqlgateway_ltz_precision"  # node.meta key: Flink's TIMESTAMP_LTZ(p) precision


def ltz_now() -> exp.Expr:
    """CURRENT_TIMESTAMP / NOW() / PROCTIME(): TIMESTAMP_LTZ(3) in Flink (DuckDB: microseconds)."""
    node = _sql("date_trunc('millisecond', current_timestamp)")
    node.meta[LTZ_PRECISION] = 3
    return node


def _json_value(args: list[exp.Expr]) -> exp.Expr:
    """The scalar at ``path`` as a STRING; NULL for objects/arrays, a missing path or invalid
    JSON (Flink's defaults NULL ON EMPTY / NULL ON ERROR)."""
    doc = args[0].sql(dialect="duckdb")
    path = _lax_path(args[1]).sql(dialect="duckdb")
    return _sql(
        f"CASE WHEN json_valid({doc}) AND json_type({doc}, {path}) NOT IN ('OBJECT', 'ARRAY') "
        f"THEN json_extract_string({doc}, {path}) END"
    )


def _name_expressions(tree: exp.Expr) -> None:
    """Unnamed select items get a marker alias, renamed to ``EXPR$<position>`` afterwards."""
    select = tree if isinstance(tree, exp.Select) else None
    while isinstance(tree, exp.Union):  # Flink names a set operation's columns by its first
        tree = tree.this  # branch (unnamed items: EXPR$<position>)
        select = tree if isinstance(tree, exp.Select) else None
    if select is None:
        return
    for i, item in enumerate(select.expressions):
        if isinstance(item, exp.Alias | exp.Column | exp.Star):
            continue
        if isinstance(item, exp.Dot):
            continue
        item.replace(exp.alias_(item.copy(), f"{EXPR_PREFIX}{i}", quoted=True))


def final_column_names(names: list[str], tree: exp.Expr | None = None) -> list[str]:
    """Replace marker aliases with Flink's ``EXPR$<position>`` (all columns of a VALUES)."""
    if isinstance(tree, exp.Values):
        return [f"EXPR${i}" for i in range(len(names))]
    return [f"EXPR${i}" if n.startswith(EXPR_PREFIX) else n for i, n in enumerate(names)]
