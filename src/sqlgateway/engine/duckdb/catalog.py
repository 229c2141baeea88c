"""SHOW …, USE …, DESCRIBE and CREATE/DROP/ALTER CATALOG/DATABASE on the DuckDB engine.

Catalogs are attached DuckDB databases, databases are schemas. ``CREATE CATALOG c WITH
('type' = 'generic_in_memory')`` attaches a new in-memory database; ``'type' = 'duckdb'`` with
``'path' = '…'`` attaches a DuckDB file (an extension of Flink's catalog types).
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import ok_result, static_result, string_rows_result
from sqlgateway.engine.duckdb import names
from sqlgateway.engine.duckdb.names import CATALOG_EXCEPTION, bq, q, validation
from sqlgateway.errors import ExecutionError
from sqlgateway.model import BOOLEAN, STRING, Column
from sqlgateway.sql.ddl import DdlParseError, parse_options, unquote

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

IDENT = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\w$]+)"
PATH = rf"({IDENT}(?:\s*\.\s*{IDENT}){{0,2}})"


def split_path(text: str) -> list[str]:
    """``a.`b c`.d`` -> ``['a', 'b c', 'd']``."""
    return [unquote(p) for p in re.findall(IDENT, text)]


def like_filter(pattern: str | None, negate: bool, ilike: bool) -> re.Pattern[str] | None:
    """SQL LIKE pattern (``%``/``_``) as a regex."""
    if pattern is None:
        return None
    body = "".join(
        ".*" if c == "%" else "." if c == "_" else re.escape(c) for c in unquote(pattern)
    )
    return re.compile(f"(?s:{body})", re.I if ilike else 0)


def _filtered(items: list[str], tail: str) -> list[str]:
    m = re.search(r"\b(NOT\s+)?(I?LIKE)\s+('(?:[^']|'')*')\s*$", tail, re.I)
    if m is None:
        return items
    rx = like_filter(m.group(3), bool(m.group(1)), m.group(2).upper() == "ILIKE")
    assert rx is not None
    return [i for i in items if bool(rx.fullmatch(i)) != bool(m.group(1))]


# ---- SHOW -----------------------------------------------------------------------------------


def run_show(session: DuckDBSession, text: str) -> StatementResult:  # noqa: C901 - a switch
    """All ``SHOW …`` statements except SHOW JOBS/JARS (see jobs.py)."""
    words = text.split()
    what = " ".join(w.upper() for w in words[1:3])
    if what.startswith("CATALOGS"):
        return string_rows_result(["catalog name"], _rows(_filtered(names.catalogs(session), text)))
    if what == "CURRENT CATALOG":
        return string_rows_result(["current catalog name"], [[session.catalog]])
    if what == "CURRENT DATABASE":
        return string_rows_result(["current database name"], [[session.database]])
    if what.startswith("DATABASES"):
        catalog = _from_clause(text) or [session.catalog]
        names.require_catalog(session, catalog[-1])
        dbs = names.databases(session, catalog[-1])
        return string_rows_result(["database name"], _rows(_filtered(dbs, text)))
    if what.startswith(("TABLES", "VIEWS")):
        return _show_objects(session, text, what.startswith("VIEWS"))
    if what.startswith("COLUMNS"):
        m = re.match(rf"SHOW\s+COLUMNS\s+(?:FROM|IN)\s+{PATH}(.*)$", text, re.I | re.S)
        if m is None:
            raise DdlParseError(f"Cannot parse: {text}")
        from sqlgateway.engine.duckdb.schema import schema_rows

        ref = names.require_object(session, split_path(m.group(1)))
        table_rows = schema_rows(session, ref)
        keep = set(_filtered([r[0] for r in table_rows], m.group(2) or ""))
        return static_result(DESCRIBE_COLUMNS, [r for r in table_rows if r[0] in keep])
    if what in ("FUNCTIONS", "USER FUNCTIONS") or what.startswith("FUNCTIONS"):
        funcs = [] if what == "USER FUNCTIONS" else builtin_functions(session)
        return string_rows_result(["function name"], _rows(_filtered(funcs, text)))
    if what == "MODULES":
        return string_rows_result(["module name"], [["core"]])
    if what == "FULL MODULES":
        cols = [Column("module name", STRING()), Column("used", BOOLEAN())]
        return static_result(cols, [["core", True]])
    if what.startswith("CREATE"):
        from sqlgateway.engine.duckdb.schema import show_create

        return show_create(session, text)
    if what.startswith(("PROCEDURES", "MODELS", "PARTITIONS", "MATERIALIZED")):
        column = {"PROCEDURES": "procedure name", "MODELS": "model name"}.get(
            words[1].upper(), "partition name" if "PARTITIONS" in what else "table name"
        )
        return string_rows_result([column], [])
    raise DdlParseError(f"Unsupported SHOW statement: {text}")


def _rows(items: list[str]) -> list[list[str]]:
    return [[i] for i in items]


def _from_clause(text: str) -> list[str] | None:
    m = re.search(rf"\b(?:FROM|IN)\s+{PATH}", text, re.I)
    return split_path(m.group(1)) if m else None


def _show_objects(session: DuckDBSession, text: str, views_only: bool) -> StatementResult:
    where = _from_clause(text)
    catalog, database = session.catalog, session.database
    if where is not None:
        catalog, database = (where[0], where[1]) if len(where) == 2 else (catalog, where[-1])
    names.require_database(session, catalog, database)
    objects = names.list_objects(session, catalog, database)
    items = sorted(n for n, kind in objects.items() if not views_only or kind == "VIEW")
    column = "view name" if views_only else "table name"
    return string_rows_result([column], _rows(_filtered(items, text)))


def builtin_functions(session: DuckDBSession) -> list[str]:
    rows = session.fetch(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE internal AND "
        "function_type IN ('scalar', 'aggregate') AND function_name NOT LIKE '\\_\\_%' ESCAPE '\\'"
    )
    return sorted(r[0] for r in rows)


# ---- USE --------------------------------------------------------------------------------------


def run_use(session: DuckDBSession, text: str) -> StatementResult:
    """``USE CATALOG c``, ``USE [c.]db``, ``USE MODULES core``."""
    m = re.fullmatch(rf"USE\s+CATALOG\s+({IDENT})", text, re.I | re.S)
    if m is not None:
        catalog = _canonical_catalog(session, unquote(m.group(1)))
        dbs = names.databases(session, catalog)
        session.catalog = catalog
        session.database = "default_database" if "default_database" in dbs else dbs[0]
        return ok_result()
    m = re.fullmatch(r"USE\s+MODULES\s+(.+)", text, re.I | re.S)
    if m is not None:
        modules = [unquote(x.strip()) for x in m.group(1).split(",")]
        unknown = [x for x in modules if x.lower() != "core"]
        if unknown:
            raise validation(
                f"Could not find module with name {unknown[0]}. Loaded modules: [core]."
            )
        return ok_result()
    m = re.fullmatch(rf"USE\s+{PATH}", text, re.I | re.S)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    parts = split_path(m.group(1))
    catalog = session.catalog if len(parts) == 1 else _canonical_catalog(session, parts[0])
    names.require_database(session, catalog, parts[-1])
    database = next(d for d in names.databases(session, catalog) if d.lower() == parts[-1].lower())
    session.catalog, session.database = catalog, database
    return ok_result()


def _canonical_catalog(session: DuckDBSession, name: str) -> str:
    names.require_catalog(session, name)
    return next(c for c in names.catalogs(session) if c.lower() == name.lower())


# ---- CREATE / DROP / ALTER CATALOG and DATABASE -------------------------------------------------


def create_catalog(session: DuckDBSession, text: str) -> StatementResult:
    m = re.fullmatch(
        rf"CREATE\s+CATALOG\s+(IF\s+NOT\s+EXISTS\s+)?({IDENT})\s*(?:COMMENT\s+'(?:[^']|'')*'\s*)?"
        r"(?:WITH\s*\((.*)\))?",
        text,
        re.I | re.S,
    )
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    name, options = unquote(m.group(2)), parse_options(m.group(3) or "")
    if names.catalog_exists(session, name):
        if m.group(1):
            return ok_result()
        raise ExecutionError(f"Catalog {name} already exists.", java_class=CATALOG_EXCEPTION)
    session.engine.attach_catalog(name, options)
    return ok_result()


def drop_catalog(session: DuckDBSession, text: str) -> StatementResult:
    m = re.fullmatch(rf"DROP\s+CATALOG\s+(IF\s+EXISTS\s+)?({IDENT})", text, re.I | re.S)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    name = unquote(m.group(2))
    if not names.catalog_exists(session, name):
        if m.group(1):
            return ok_result()
        raise validation(f"Catalog {name} does not exist.")
    if name.lower() == session.catalog.lower():
        raise validation("Cannot drop a catalog which is currently in use.")
    session.engine.detach_catalog(name)
    return ok_result()


def alter_catalog(session: DuckDBSession, text: str) -> StatementResult:
    m = re.fullmatch(rf"ALTER\s+CATALOG\s+({IDENT})\s+(SET|RESET|COMMENT)\b(.*)", text, re.I | re.S)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    names.require_catalog(session, unquote(m.group(1)))
    return ok_result()  # catalog options have no effect on DuckDB attachments


def create_database(session: DuckDBSession, text: str) -> StatementResult:
    m = re.fullmatch(
        rf"CREATE\s+DATABASE\s+(IF\s+NOT\s+EXISTS\s+)?{PATH}\s*(?:COMMENT\s+'(?:[^']|'')*'\s*)?"
        r"(?:WITH\s*\((.*)\))?",
        text,
        re.I | re.S,
    )
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    parts = split_path(m.group(2))
    catalog = parts[0] if len(parts) == 2 else session.catalog
    names.require_catalog(session, catalog)
    if parts[-1].lower() in {d.lower() for d in names.databases(session, catalog)}:
        if m.group(1):
            return ok_result()
        cause = ExecutionError(
            f"Database {parts[-1]} already exists in Catalog {catalog}.",
            java_class="org.apache.flink.table.catalog.exceptions.DatabaseAlreadyExistException",
        )
        raise validation(f"Could not execute CREATE DATABASE {parts[-1]}", cause)
    session.execute_sql(f"CREATE SCHEMA {q(catalog)}.{q(parts[-1])}")
    return ok_result()


def drop_database(session: DuckDBSession, text: str) -> StatementResult:
    m = re.fullmatch(
        rf"DROP\s+DATABASE\s+(IF\s+EXISTS\s+)?{PATH}(?:\s+(RESTRICT|CASCADE))?", text, re.I | re.S
    )
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    parts = split_path(m.group(2))
    catalog = parts[0] if len(parts) == 2 else session.catalog
    database = parts[-1]
    if not names.catalog_exists(session, catalog) or database.lower() not in {
        d.lower() for d in names.databases(session, catalog)
    }:
        if m.group(1):
            return ok_result()
        raise validation(f"Database {database} does not exist in Catalog {catalog}.")
    if catalog.lower() == session.catalog.lower() and database.lower() == session.database.lower():
        raise validation("Cannot drop a database which is currently in use.")
    cascade = (m.group(3) or "").upper() == "CASCADE"
    if not cascade and names.list_objects(session, catalog, database):
        raise validation(f"Database {database} in catalog {catalog} is not empty.")
    session.execute_sql(f"DROP SCHEMA {q(catalog)}.{q(database)} CASCADE")
    session.engine.meta.forget(catalog, database)
    return ok_result()


def alter_database(session: DuckDBSession, text: str) -> StatementResult:
    m = re.fullmatch(rf"ALTER\s+DATABASE\s+{PATH}\s+SET\s*\(.*\)", text, re.I | re.S)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    parts = split_path(m.group(1))
    names.require_database(session, parts[0] if len(parts) == 2 else session.catalog, parts[-1])
    return ok_result()


# ---- DESCRIBE ----------------------------------------------------------------------------------

DESCRIBE_COLUMNS = [
    Column("name", STRING()), Column("type", STRING()), Column("null", BOOLEAN()),
    Column("key", STRING()), Column("extras", STRING()), Column("watermark", STRING()),
]  # fmt: skip


def run_describe(session: DuckDBSession, text: str) -> StatementResult:
    m = re.fullmatch(rf"(?:DESCRIBE|DESC)\s+(?:EXTENDED\s+)?{PATH}", text, re.I | re.S)
    if m is None:
        m2 = re.fullmatch(rf"(?:DESCRIBE|DESC)\s+CATALOG\s+(?:EXTENDED\s+)?({IDENT})", text, re.I)
        if m2 is not None:
            return describe_catalog(session, unquote(m2.group(1)))
        raise DdlParseError(f"Cannot parse: {text}")
    return describe(session, split_path(m.group(1)))


def describe_catalog(session: DuckDBSession, name: str) -> StatementResult:
    catalog = _canonical_catalog(session, name)
    kind = "generic_in_memory" if session.engine.is_flink_catalog(catalog) else "duckdb"
    rows = [["name", catalog], ["type", kind], ["comment", ""]]
    return string_rows_result(["info name", "info value"], rows)


def describe(session: DuckDBSession, parts: list[str]) -> StatementResult:
    """Flink's DESCRIBE: name, type, null, key, extras, watermark."""
    from sqlgateway.engine.duckdb.schema import schema_rows

    ref = names.require_object(session, parts)
    return static_result(DESCRIBE_COLUMNS, schema_rows(session, ref))


__all__ = ["bq", "fnmatch"]
