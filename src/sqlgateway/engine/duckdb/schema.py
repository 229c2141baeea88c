"""Reading Flink tables/views on DuckDB: the name resolver used by query translation, DESCRIBE
rows and SHOW CREATE TABLE/VIEW text."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import string_rows_result
from sqlgateway.engine.duckdb import connectors, dialect, names
from sqlgateway.engine.duckdb.metastore import TableMeta, key
from sqlgateway.engine.duckdb.names import ObjectRef, Path, bq, q, validation
from sqlgateway.model import LogicalType
from sqlgateway.sql.ddl import DdlParseError
from sqlgateway.sql.types import parse_type

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

MAX_VIEW_DEPTH = 32


class Resolver:
    """Maps Flink table names in a query to what DuckDB reads: temporary tables, connector
    tables (a subquery built now), views (their translated query), computed columns."""

    def __init__(
        self,
        session: DuckDBSession,
        home: tuple[str, str] | None = None,
        depth: int = 0,
        stream_rows: int = 0,
    ) -> None:
        self.session = session
        self.home = home or (session.catalog, session.database)
        self.depth = depth
        self.stream_rows = stream_rows  # rows an unbounded source yields in this micro-batch
        self.unbounded: list[TableMeta] = []
        self.reads_files = False

    def path(self, parts: tuple[str, ...] | list[str]) -> Path:
        cat, db = self.home
        if len(parts) == 1:
            return Path(cat, db, parts[0])
        if len(parts) == 2:
            return Path(cat, parts[0], parts[1])
        return Path(parts[0], parts[1], parts[2])

    def __call__(self, parts: tuple[str, ...]) -> str | None:
        if len(parts) > 3:
            return None
        path = self.path(parts)
        k = key(path.catalog, path.database, path.name)
        meta = self.session.temporary.get(k) or self.session.engine.meta.get(k)
        if meta is None:
            return path.physical  # fully qualified: no USE needed on the cursor
        return "(" + self.read_sql(path, meta) + ")"

    def read_sql(self, path: Path, meta: TableMeta) -> str:
        """DuckDB SQL reading the rows of a Flink table or view."""
        if meta.kind == "VIEW":
            if self.depth >= MAX_VIEW_DEPTH:
                raise validation(f"View {path.dotted} is recursive or nested too deeply.")
            inner = Resolver(self.session, meta.home, self.depth + 1, self.stream_rows)
            sql = _typed(self.session, dialect.translate_query(meta.query or "", inner))
            self.unbounded.extend(inner.unbounded)
            self.reads_files = self.reads_files or inner.reads_files
            if meta.columns:
                cols = ", ".join(q(c.name) for c in meta.columns)
                return f"SELECT * FROM ({sql}) AS __v({cols})"
            return sql
        if meta.connector is not None:
            connectors.check_source(path, meta)
            rows = None
            if connectors.is_unbounded(meta):
                self.unbounded.append(meta)
                rows = self.stream_rows
            base = connectors.source_sql(self.session, meta, rows)
            self.reads_files = self.reads_files or meta.connector == "filesystem"
        else:
            base = f"SELECT * FROM {meta.physical}"
        return with_computed(meta, base)


def _typed(session: DuckDBSession, tr: dialect.Translation) -> str:
    """A view's query with the type-dependent fixes (queries.typed_translation)."""
    from sqlgateway.engine.duckdb.queries import typed_translation

    return typed_translation(session, tr).sql


def with_computed(meta: TableMeta, base: str) -> str:
    """Add computed columns (in declared order) on top of the physical ones."""
    if all(c.expr is None for c in meta.columns):
        return base
    items = []
    for c in meta.columns:
        if c.expr is None:
            items.append(q(c.name))
        else:
            items.append(f"{dialect.translate_expression(c.expr)} AS {q(c.name)}")
    return f"SELECT {', '.join(items)} FROM ({base}) AS __t"


_SPECIAL_TYPES = {
    "LOCALTIMESTAMP": "TIMESTAMP(3) NOT NULL",
    "CURRENT_TIMESTAMP": "TIMESTAMP_LTZ(3) NOT NULL",
    "NOW()": "TIMESTAMP_LTZ(3) NOT NULL",
    "PROCTIME()": "TIMESTAMP_LTZ(3) NOT NULL",
    "CURRENT_DATE": "DATE NOT NULL",
}


def computed_types(session: DuckDBSession, meta: TableMeta) -> None:
    """Fill in the types of computed columns (as Flink would derive them)."""
    pending = [c for c in meta.columns if c.expr is not None]
    if not pending:
        return
    physical = [c for c in meta.columns if c.expr is None]
    nulls = (
        ", ".join(f"CAST(NULL AS {_duck(c.type)}) AS {q(c.name)}" for c in physical)
        or "1 AS __dummy"
    )
    sql = with_computed(meta, f"SELECT {nulls}")
    types = session.result_types(f"SELECT * FROM ({sql}) LIMIT 0")
    by_name = dict(types)
    for c in pending:
        special = _SPECIAL_TYPES.get(re.sub(r"\s+", "", (c.expr or "").upper()))
        c.type = special or by_name[c.name].summary()


def _duck(type_text: str) -> str:
    from sqlgateway.engine.duckdb.typemap import duck_type

    return duck_type(parse_type(type_text))


def schema_rows(session: DuckDBSession, ref: ObjectRef) -> list[list[Any]]:
    """DESCRIBE rows: name, type, null, key, extras, watermark."""
    meta = ref.meta
    if meta is not None and meta.kind == "TABLE" and meta.columns:
        return _declared_rows(meta)
    sql = (
        Resolver(session).read_sql(ref.path, meta)
        if meta is not None
        else (f"SELECT * FROM {ref.physical}")
    )
    types = session.result_types(f"SELECT * FROM ({sql}) LIMIT 0")
    not_null = _not_null_columns(session, ref) if meta is None else set()
    return [
        [name, t.summary() if t.nullable else t.with_nullable(True).summary(),
         name not in not_null, None, None, None]
        for name, t in types
    ]  # fmt: skip


def _declared_rows(meta: TableMeta) -> list[list[Any]]:
    pk = ", ".join(meta.primary_key)
    marks = dict(meta.watermarks)
    rows: list[list[Any]] = []
    for c in meta.columns:
        t = parse_type(c.type)
        nullable = t.nullable and c.nullable and c.name not in meta.primary_key
        summary = t.with_nullable(True).summary()
        if c.name in marks:
            summary += " *ROWTIME*"
        elif (c.expr or "").replace(" ", "").upper() == "PROCTIME()":
            summary += " *PROCTIME*"
        extras = None
        if c.expr is not None:
            extras = f"AS {c.expr}"
        elif c.metadata_key is not None:
            extras = f"METADATA FROM '{c.metadata_key}'" + (" VIRTUAL" if c.virtual else "")
        keycol = f"PRI({pk})" if c.name in meta.primary_key else None
        rows.append([c.name, summary, nullable, keycol, extras, marks.get(c.name)])
    return rows


def _not_null_columns(session: DuckDBSession, ref: ObjectRef) -> set[str]:
    rows = session.fetch(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ? AND NOT is_nullable",
        [ref.path.catalog, ref.path.database, ref.path.name],
    )
    return {r[0] for r in rows}


# ---- SHOW CREATE ---------------------------------------------------------------------------


def serializable(t: LogicalType) -> str:
    """Flink's ``asSerializableString`` (``STRING`` is ``VARCHAR(2147483647)``)."""
    text = t.with_nullable(True).summary()
    if t.root == "VARCHAR":
        text = f"VARCHAR({t.length})"
    elif t.root == "VARBINARY":
        text = f"VARBINARY({t.length})"
    elif t.root == "TIMESTAMP_WITH_LOCAL_TIME_ZONE":
        text = f"TIMESTAMP({t.precision}) WITH LOCAL TIME ZONE"
    elif t.root in ("ARRAY", "MULTISET") and t.element is not None:
        text = f"{t.root}<{serializable(t.element)}>"
    elif t.root == "MAP" and t.key is not None and t.value is not None:
        text = f"MAP<{serializable(t.key)}, {serializable(t.value)}>"
    elif t.root == "ROW":
        text = "ROW<" + ", ".join(f"{bq(f.name)} {serializable(f.type)}" for f in t.fields) + ">"
    return text if t.nullable else f"{text} NOT NULL"


def show_create(session: DuckDBSession, text: str) -> StatementResult:
    from sqlgateway.engine.duckdb.catalog import PATH, split_path

    m = re.fullmatch(rf"SHOW\s+CREATE\s+(TABLE|VIEW)\s+{PATH}", text, re.I | re.S)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    ref = names.require_object(session, split_path(m.group(2)))
    want = m.group(1).upper()
    if ref.kind != want:
        raise validation(
            f"SHOW CREATE {want} is only supported for {want.lower()}s, but {ref.path.flink} is "
            f"a {ref.kind.lower()}. Please use SHOW CREATE {ref.kind} instead."
        )
    return string_rows_result(["result"], [[create_text(session, ref)]])


def create_text(session: DuckDBSession, ref: ObjectRef) -> str:
    meta = ref.meta
    temp = "TEMPORARY " if meta is not None and meta.temporary else ""
    if ref.kind == "VIEW":
        cols = [r[0] for r in schema_rows(session, ref)]
        body = ",\n".join(f"  {bq(c)}" for c in cols)
        query = meta.query if meta is not None else "<DuckDB view>"
        return f"CREATE {temp}VIEW {ref.path.flink} (\n{body}\n)\nAS {query}\n"
    lines = []
    if meta is not None and meta.columns:
        for c in meta.columns:
            if c.expr is not None:
                lines.append(f"  {bq(c.name)} AS {c.expr}")
                continue
            t = parse_type(c.type)
            t = t if c.nullable and c.name not in meta.primary_key else t.with_nullable(False)
            lines.append(f"  {bq(c.name)} {serializable(t)}")
        for col, expr in meta.watermarks:
            lines.append(f"  WATERMARK FOR {bq(col)} AS {expr}")
        if meta.primary_key:
            pk = ", ".join(bq(k) for k in meta.primary_key)
            lines.append(f"  CONSTRAINT {bq('PK_' + '_'.join(meta.primary_key))} "
                         f"PRIMARY KEY ({pk}) NOT ENFORCED")  # fmt: skip
    else:
        for name, type_text, nullable, *_ in schema_rows(session, ref):
            t = parse_type(type_text).with_nullable(bool(nullable))
            lines.append(f"  {bq(name)} {serializable(t)}")
    out = f"CREATE {temp}TABLE {ref.path.flink} (\n" + ",\n".join(lines) + "\n)\n"
    if meta is not None and meta.comment:
        out += "COMMENT '" + meta.comment.replace("'", "''") + "'\n"
    if meta is not None and meta.partition_keys:
        out += "PARTITIONED BY (" + ", ".join(bq(k) for k in meta.partition_keys) + ")\n"
    if meta is not None and meta.options:
        opts = ",\n".join(f"  '{k}' = '{v}'" for k, v in sorted(meta.options.items()))
        out += f"WITH (\n{opts}\n)\n"
    return out
