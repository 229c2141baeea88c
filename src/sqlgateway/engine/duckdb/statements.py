"""Statement dispatch of the DuckDB engine: which handler runs which kind of Flink statement."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import ok_result, string_rows_result
from sqlgateway.engine.duckdb import catalog, jobs, materialized, queries, settings_stmt, tables
from sqlgateway.engine.duckdb.names import validation
from sqlgateway.engine.duckdb.sandbox import check_statement
from sqlgateway.errors import PARSER_EXCEPTION, SQL_EXECUTION_EXCEPTION, ExecutionError
from sqlgateway.model import OperationHandle
from sqlgateway.sql.classifier import Kind, Statement, is_ctas

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

ENGINE = "the duckdb engine"


def unsupported(what: str) -> ExecutionError:
    return validation(f"{what} is not supported on {ENGINE}.")


def run(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    """Execute one classified statement for ``session``."""
    if session.statement_set is not None and stmt.kind is not Kind.END:
        return jobs.add_to_set(session, stmt.text)
    if not stmt.text:
        raise ExecutionError("SQL parse failed. Empty statement.", java_class=PARSER_EXCEPTION)
    kind = stmt.kind
    if kind is Kind.SET:
        return settings_stmt.run_set(session, stmt.text, overrides)
    if kind is Kind.RESET:
        return settings_stmt.run_reset(session, stmt.text)
    check_statement(stmt.text, session.engine.settings)
    if kind is Kind.QUERY:
        return queries.run_query(session, handle, stmt.text, overrides)
    if kind is Kind.INSERT:
        return jobs.run_dml(session, handle, [stmt.text], overrides)
    if kind is Kind.STATEMENT_SET:
        return jobs.execute_set(session, handle, stmt.text, overrides)
    if kind is Kind.BEGIN_STATEMENT_SET:
        return jobs.begin_set(session)
    if kind is Kind.END:
        return jobs.end_set(session, handle, overrides)
    if kind in (Kind.CREATE, Kind.DROP, Kind.ALTER):
        return _ddl(session, handle, stmt, overrides)
    return _other(session, handle, stmt, overrides)


def _ddl(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    obj, text = stmt.object, stmt.text
    if stmt.kind is Kind.CREATE and is_ctas(stmt):
        return jobs.run_dml(session, handle, [text], overrides)
    handlers = {
        (Kind.CREATE, "TABLE"): tables.create_table,
        (Kind.CREATE, "TEMPORARY TABLE"): tables.create_table,
        (Kind.CREATE, "VIEW"): tables.create_view,
        (Kind.CREATE, "TEMPORARY VIEW"): tables.create_view,
        (Kind.CREATE, "CATALOG"): catalog.create_catalog,
        (Kind.CREATE, "DATABASE"): catalog.create_database,
        (Kind.DROP, "TABLE"): tables.drop_object,
        (Kind.DROP, "TEMPORARY TABLE"): tables.drop_object,
        (Kind.DROP, "VIEW"): tables.drop_object,
        (Kind.DROP, "TEMPORARY VIEW"): tables.drop_object,
        (Kind.DROP, "CATALOG"): catalog.drop_catalog,
        (Kind.DROP, "DATABASE"): catalog.drop_database,
        (Kind.ALTER, "TABLE"): tables.alter_object,
        (Kind.ALTER, "VIEW"): tables.alter_object,
        (Kind.ALTER, "CATALOG"): catalog.alter_catalog,
        (Kind.ALTER, "DATABASE"): catalog.alter_database,
    }
    if obj == "MATERIALIZED TABLE":
        if stmt.kind is Kind.CREATE:
            return materialized.create(session, handle, text)
        if stmt.kind is Kind.DROP:
            return materialized.drop(session, text)
        return materialized.alter(session, handle, text, overrides)
    handler = handlers.get((stmt.kind, obj))
    if handler is not None:
        return handler(session, text)
    if "FUNCTION" in obj:
        raise unsupported(f"{stmt.kind.value} FUNCTION (user-defined functions need a JVM)")
    if obj in ("MODEL", "TEMPORARY MODEL"):
        raise unsupported(f"{stmt.kind.value} {obj}")
    # Other DuckDB objects (MACRO, SEQUENCE, INDEX, TYPE, SCHEMA …): a documented extension.
    session.execute_sql(text, handle, overrides)
    return ok_result()


def _other(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    kind, text = stmt.kind, stmt.text
    if kind is Kind.USE:
        return catalog.run_use(session, text)
    if kind is Kind.SHOW:
        return _show(session, text)
    if kind is Kind.DESCRIBE:
        if re.match(r"(DESCRIBE|DESC)\s+JOB\b", text, re.I):
            return jobs.describe_job(session, text)
        return catalog.run_describe(session, text)
    if kind is Kind.EXPLAIN:
        return jobs.explain(session, text)
    if kind is Kind.STOP_JOB:
        return jobs.stop_job(session, text)
    if kind in (Kind.LOAD_MODULE, Kind.UNLOAD_MODULE):
        return _module(text, kind is Kind.LOAD_MODULE)
    if kind is Kind.ADD_JAR:
        raise unsupported("ADD JAR (there is no JVM to load jars into)")
    if kind is Kind.REMOVE_JAR:
        raise ExecutionError("SQL Gateway doesn't support REMOVE JAR syntax now.",
                             java_class=SQL_EXECUTION_EXCEPTION)  # fmt: skip
    if kind is Kind.EXECUTE:
        inner = re.sub(r"^EXECUTE\s+", "", text, flags=re.I)
        if re.match(r"(INSERT|CREATE)\b", inner, re.I):
            return jobs.run_dml(session, handle, [inner], overrides)
        raise unsupported("EXECUTE PLAN / COMPILE PLAN")
    first = stmt.words[0] if stmt.words else ""
    if first in ("DELETE", "UPDATE", "TRUNCATE"):
        session.execute_sql(text, handle, overrides)
        return ok_result()
    if first in ("COMPILE", "ANALYZE", "CALL"):
        raise unsupported(f"{first}")
    # Not a Flink statement we know: let DuckDB parse it (its syntax error is reported).
    session.execute_sql(text, handle, overrides)
    return ok_result()


def _show(session: DuckDBSession, text: str) -> StatementResult:
    what = text.split()[1].upper() if len(text.split()) > 1 else ""
    if what == "JOBS":
        return jobs.show_jobs(session)
    if what == "MATERIALIZED":
        return materialized.show(session)
    if what == "JARS":
        return string_rows_result(["jars"], [])
    return catalog.run_show(session, text)


def _module(text: str, load: bool) -> StatementResult:
    m = re.match(r"(?:UN)?LOAD\s+MODULE\s+(`[^`]+`|\w+)", text, re.I)
    name = (m.group(1).strip("`") if m else "").lower()
    if load:
        if name == "core":
            raise validation("A module with name 'core' already exists")
        raise validation(
            f"Could not find any factory for identifier '{name}' that implements "
            "'org.apache.flink.table.factories.ModuleFactory' in the classpath."
        )
    if name == "core":
        raise unsupported("Unloading the core module")
    raise validation(f"No module with name '{name}' exists")


def complete(session: DuckDBSession, statement: str, position: int) -> list[str]:
    """complete-statement candidates (see ``sqlgateway.sql.completion``)."""
    from sqlgateway.sql.completion import candidates

    return candidates(statement, position, lambda: _table_names(session))


def _table_names(session: DuckDBSession) -> list[str]:
    from sqlgateway.engine.duckdb import names

    return sorted(names.list_objects(session, session.catalog, session.database))


def close_session(session: DuckDBSession) -> None:
    """Drop what the session owns (temporary objects)."""
    session.drop_temp_schema()
