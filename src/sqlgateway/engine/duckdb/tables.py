"""CREATE / DROP / ALTER TABLE and VIEW (permanent and TEMPORARY) on the DuckDB engine.

* no ``connector`` option: a regular DuckDB table (the documented extension of Flink's model);
* ``connector`` = datagen / filesystem / print / blackhole: metadata only, see connectors.py;
* views keep their Flink query text and are expanded at query time (so they see temporary
  objects and connector tables as Flink would).
Temporary tables store their rows in a per-session schema of the in-memory database.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import ok_result
from sqlgateway.engine.duckdb import connectors, names
from sqlgateway.engine.duckdb.catalog import IDENT, PATH, split_path
from sqlgateway.engine.duckdb.metastore import TableMeta, key
from sqlgateway.engine.duckdb.names import Path, q, validation
from sqlgateway.engine.duckdb.schema import Resolver, computed_types
from sqlgateway.engine.duckdb.typemap import duck_type
from sqlgateway.errors import ExecutionError
from sqlgateway.sql.ddl import (
    ColumnDef,
    DdlParseError,
    parse_create_table,
    parse_create_view,
    parse_options,
    split_top_level,
    unquote,
)
from sqlgateway.sql.types import parse_type

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

EXISTS_CLASS = "org.apache.flink.table.catalog.exceptions.TableAlreadyExistException"


def _exists_error(path: Path, action: str) -> ExecutionError:
    cause = ExecutionError(
        f"Table (or view) {path.database}.{path.name} already exists in Catalog {path.catalog}.",
        java_class=EXISTS_CLASS,
    )
    return validation(f"Could not execute {action} in path {path.flink}", cause)


def _check_new(session: DuckDBSession, path: Path, temporary: bool, action: str) -> bool:
    """False if the object exists and IF NOT EXISTS applies; raises if it exists otherwise."""
    names.require_database(session, path.catalog, path.database)
    k = key(path.catalog, path.database, path.name)
    if temporary:
        return k not in session.temporary
    ref = names.lookup(session, path)
    return ref is None or (ref.meta is not None and ref.meta.temporary)


def save(session: DuckDBSession, path: Path, meta: TableMeta) -> None:
    k = key(path.catalog, path.database, path.name)
    if meta.temporary:
        session.temporary[k] = meta
        session.temp_version += 1
    else:
        session.with_cursor(lambda cur: session.engine.meta.put(cur, k, meta))


def create_table(session: DuckDBSession, text: str) -> StatementResult:
    """CREATE [TEMPORARY] TABLE (not CTAS, see jobs.py)."""
    d = parse_create_table(text)
    path = names.resolve(session, d.name)
    if not _check_new(session, path, d.temporary, "CreateTable"):
        if d.if_not_exists:
            return ok_result()
        raise _exists_error(path, "CreateTable")
    if d.like is not None:
        _apply_like(session, d.like, d)
    if any(c.metadata_key is not None for c in d.columns):
        raise validation("Metadata columns are not supported on the duckdb engine.")
    for c in d.columns:
        if c.expr is None:
            parse_type(c.type)
    meta = TableMeta(
        "TABLE", "", path.name, (path.catalog, path.database), d.columns, d.primary_key,
        d.watermarks, d.comment, d.partition_keys, d.options, None, d.temporary,
    )  # fmt: skip
    if meta.connector is not None:
        connectors.validate(meta, session.engine.settings)
    else:
        meta.physical = meta.storage = _storage_name(session, path, d.temporary)
        cols = ", ".join(
            f"{q(c.name)} {duck_type(parse_type(c.type))}"
            + ("" if c.nullable and c.name not in d.primary_key else " NOT NULL")
            for c in d.columns if c.expr is None
        )  # fmt: skip
        session.execute_sql(f"CREATE TABLE {meta.physical} ({cols})")
    computed_types(session, meta)
    save(session, path, meta)
    return ok_result()


def _storage_name(session: DuckDBSession, path: Path, temporary: bool) -> str:
    if temporary:
        return f"{session.temp_schema()}.{q(path.dotted)}"
    return path.physical


def _apply_like(session: DuckDBSession, source: str, d: object) -> None:
    from sqlgateway.sql.ddl import TableDef

    assert isinstance(d, TableDef)
    ref = names.require_object(session, split_path(source))
    if ref.meta is None or ref.kind != "TABLE":
        raise validation(f"Source table '{source}' of the LIKE clause is not a Flink table.")
    d.columns = [ColumnDef(**vars(c)) for c in ref.meta.columns] + d.columns
    d.options = {**ref.meta.options, **d.options}
    d.primary_key = d.primary_key or list(ref.meta.primary_key)
    d.watermarks = d.watermarks or list(ref.meta.watermarks)


def create_view(session: DuckDBSession, text: str) -> StatementResult:
    v = parse_create_view(text)
    path = names.resolve(session, v.name)
    if not _check_new(session, path, v.temporary, "CreateView"):
        if v.if_not_exists:
            return ok_result()
        if not v.or_replace:
            raise _exists_error(path, "CreateView")
    meta = TableMeta(
        "VIEW", "", path.name, (session.catalog, session.database),
        [ColumnDef(c) for c in v.columns], comment=v.comment, query=v.query,
        temporary=v.temporary,
    )  # fmt: skip
    sql = Resolver(session).read_sql(path, meta)
    types = session.result_types(f"SELECT * FROM ({sql}) LIMIT 0")
    if v.columns and len(v.columns) != len(types):
        raise validation("Number of columns in the view's column list does not match the query.")
    save(session, path, meta)
    return ok_result()


_DROP = re.compile(rf"DROP\s+(TEMPORARY\s+)?(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?{PATH}", re.I | re.S)


def drop_object(session: DuckDBSession, text: str) -> StatementResult:
    m = _DROP.fullmatch(text)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    temporary, kind, if_exists = bool(m.group(1)), m.group(2).upper(), bool(m.group(3))
    path = names.resolve(session, split_path(m.group(4)))
    k = key(path.catalog, path.database, path.name)
    if temporary:
        meta = session.temporary.get(k)
        if meta is None or meta.kind != kind:
            if if_exists:
                return ok_result()
            raise validation(f"Temporary {kind.lower()} with identifier '{path.dotted}' "
                             "does not exist.")  # fmt: skip
        del session.temporary[k]
        session.temp_version += 1
        if meta.storage:
            session.execute_sql(f"DROP TABLE IF EXISTS {meta.storage}")
        return ok_result()
    if k in session.temporary:
        raise validation(
            f"Temporary {kind.lower()} with identifier '{path.dotted}' exists. Drop it first "
            f"before removing the permanent {kind.lower()}."
        )
    ref = names.lookup(session, path) if names.catalog_exists(session, path.catalog) else None
    if ref is None or ref.kind != kind:
        if if_exists:
            return ok_result()
        title = "Table" if kind == "TABLE" else "View"
        raise validation(f"{title} with identifier '{path.dotted}' does not exist.")
    if ref.meta is None or ref.meta.storage:
        duck_kind = "VIEW" if ref.meta is None and ref.kind == "VIEW" else "TABLE"
        session.execute_sql(f"DROP {duck_kind} IF EXISTS {ref.physical}")
    session.with_cursor(lambda cur: session.engine.meta.drop(cur, k))
    return ok_result()


def alter_object(session: DuckDBSession, text: str) -> StatementResult:
    m = re.fullmatch(rf"ALTER\s+(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?{PATH}\s+(.*)", text, re.I | re.S)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    kind, rest = m.group(1).upper(), m.group(4).strip()
    path = names.resolve(session, split_path(m.group(3)))
    ref = names.lookup(session, path)
    if ref is None or ref.kind != kind:
        if m.group(2):
            return ok_result()
        raise validation(f"{kind.title()} {path.dotted} doesn't exist or is a temporary "
                         f"{kind.lower()}.")  # fmt: skip
    meta = ref.meta
    if meta is None:
        session.execute_sql(f"ALTER {kind} {ref.physical} {_duck_alter(rest)}")
        return ok_result()
    save(session, _alter_meta(session, ref.path, meta, rest), meta)
    return ok_result()


def _duck_alter(rest: str) -> str:
    m = re.fullmatch(rf"RENAME\s+TO\s+({IDENT})", rest, re.I)
    if m is None:
        raise validation(f"ALTER ... {rest.split()[0]} is not supported for this DuckDB object.")
    return f"RENAME TO {q(unquote(m.group(1)))}"


def _alter_meta(session: DuckDBSession, path: Path, meta: TableMeta, rest: str) -> Path:
    """Apply an ALTER clause to ``meta``; returns the (possibly new) path."""
    m = re.fullmatch(rf"RENAME\s+TO\s+{PATH}", rest, re.I | re.S)
    if m is not None:
        new = names.resolve(session, split_path(m.group(1)))
        if names.lookup(session, new) is not None:
            raise _exists_error(new, "AlterTable")
        if meta.storage and not meta.temporary:
            session.execute_sql(f"ALTER TABLE {meta.storage} RENAME TO {q(new.name)}")
            meta.physical = meta.storage = new.physical
        k = key(path.catalog, path.database, path.name)
        if meta.temporary:
            session.temporary.pop(k, None)
            session.temp_version += 1
        else:
            session.with_cursor(lambda cur: session.engine.meta.drop(cur, k))
        meta.name = new.name
        return new
    if meta.kind == "VIEW":
        m = re.fullmatch(r"AS\s+(.*)", rest, re.I | re.S)
        if m is None:
            raise validation("Only ALTER VIEW ... RENAME TO / AS <query> are supported.")
        meta.query = m.group(1)
        Resolver(session).read_sql(path, meta)
        return path
    _alter_table_clause(session, meta, rest)
    return path


def _alter_table_clause(session: DuckDBSession, meta: TableMeta, rest: str) -> None:
    m = re.fullmatch(r"(SET|RESET)\s*\((.*)\)", rest, re.I | re.S)
    if m is not None:
        if m.group(1).upper() == "SET":
            meta.options.update(parse_options(m.group(2)))
        else:
            for k in split_top_level(m.group(2)):
                meta.options.pop(unquote(k.strip()), None)
        if meta.connector is not None:
            connectors.validate(meta, session.engine.settings)
        return
    m = re.fullmatch(r"ADD\s*(\((.*)\)|(.*))", rest, re.I | re.S)
    if m is not None:
        body = m.group(2) if m.group(2) is not None else m.group(3)
        added = parse_create_table(f"CREATE TABLE x ({body})").columns
        for c in added:
            if c.expr is None and meta.storage:
                session.execute_sql(f"ALTER TABLE {meta.storage} ADD COLUMN {q(c.name)} "
                                    f"{duck_type(parse_type(c.type))}")  # fmt: skip
            meta.columns.append(c)
        computed_types(session, meta)
        return
    raise validation(f"ALTER TABLE ... {rest.split()[0].upper()} is not supported on the "
                     "duckdb engine.")  # fmt: skip
