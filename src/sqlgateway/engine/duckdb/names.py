"""Object names: Flink's ``[catalog.][database.]object`` paths on DuckDB, existence checks and
the Flink error messages for missing/duplicate catalogs, databases, tables and views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlgateway.engine.duckdb.metastore import META_SCHEMA, TableMeta, key
from sqlgateway.errors import VALIDATION_EXCEPTION, ExecutionError

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

CATALOG_EXCEPTION = "org.apache.flink.table.catalog.exceptions.CatalogException"
HIDDEN_CATALOGS = frozenset({"memory", "system", "temp"})
HIDDEN_SCHEMAS = frozenset({META_SCHEMA, "information_schema", "pg_catalog"})


def q(name: str) -> str:
    """DuckDB quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def bq(name: str) -> str:
    """Flink back-quoted identifier."""
    return "`" + name.replace("`", "``") + "`"


@dataclass(frozen=True)
class Path:
    catalog: str
    database: str
    name: str

    @property
    def physical(self) -> str:
        return f"{q(self.catalog)}.{q(self.database)}.{q(self.name)}"

    @property
    def flink(self) -> str:
        return f"{bq(self.catalog)}.{bq(self.database)}.{bq(self.name)}"

    @property
    def dotted(self) -> str:
        return f"{self.catalog}.{self.database}.{self.name}"


@dataclass(frozen=True)
class ObjectRef:
    """A resolved table or view."""

    path: Path
    kind: str  # TABLE | VIEW
    meta: TableMeta | None

    @property
    def physical(self) -> str:
        if self.meta is not None and self.meta.physical:
            return self.meta.physical
        return self.path.physical


def resolve(session: DuckDBSession, parts: list[str] | tuple[str, ...]) -> Path:
    """Complete a 1-3 part name with the session's current catalog/database."""
    if len(parts) == 1:
        return Path(session.catalog, session.database, parts[0])
    if len(parts) == 2:
        return Path(session.catalog, parts[0], parts[1])
    if len(parts) == 3:
        return Path(parts[0], parts[1], parts[2])
    raise validation(f"Invalid identifier: {'.'.join(parts)}")


def validation(message: str, cause: ExecutionError | None = None) -> ExecutionError:
    err = ExecutionError(message, java_class=VALIDATION_EXCEPTION)
    if cause is not None:
        err.__cause__ = cause
    return err


def catalogs(session: DuckDBSession) -> list[str]:
    rows = session.fetch("SELECT database_name FROM duckdb_databases() WHERE NOT internal")
    return sorted(r[0] for r in rows if r[0] not in HIDDEN_CATALOGS)


def catalog_exists(session: DuckDBSession, catalog: str) -> bool:
    return catalog.lower() in {c.lower() for c in catalogs(session)}


def databases(session: DuckDBSession, catalog: str) -> list[str]:
    rows = session.fetch(
        "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ? AND NOT internal",
        [catalog],
    )
    names = sorted(r[0] for r in rows if r[0] not in HIDDEN_SCHEMAS)
    if "main" in names and len(names) > 1 and session.engine.is_flink_catalog(catalog):
        names.remove("main")
    return names


def require_catalog(session: DuckDBSession, catalog: str) -> None:
    if not catalog_exists(session, catalog):
        raise ExecutionError(
            f"A catalog with name [{catalog}] does not exist.", java_class=CATALOG_EXCEPTION
        )


def require_database(session: DuckDBSession, catalog: str, database: str) -> None:
    require_catalog(session, catalog)
    if database.lower() not in {d.lower() for d in databases(session, catalog)}:
        raise ExecutionError(
            f"A database with name [{database}] does not exist in the catalog: [{catalog}].",
            java_class=CATALOG_EXCEPTION,
        )


def duck_objects(session: DuckDBSession, catalog: str, database: str) -> dict[str, str]:
    """DuckDB tables and views of a schema: lower-case name -> (original name, kind)."""
    rows = session.fetch(
        "SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = ? AND "
        "schema_name = ? UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() WHERE "
        "database_name = ? AND schema_name = ? AND NOT internal",
        [catalog, database, catalog, database],
    )
    return {r[0]: r[1] for r in rows}


def list_objects(session: DuckDBSession, catalog: str, database: str) -> dict[str, str]:
    """Flink tables/views of a database (temporary ones included): name -> TABLE | VIEW."""
    metas = session.engine.meta.names(catalog, database)
    out: dict[str, str] = {}
    for name, kind in duck_objects(session, catalog, database).items():
        meta = metas.get(name.lower())
        out[name] = meta.kind if meta is not None else kind
    known = {n.lower() for n in out}
    for name, meta in metas.items():
        if name not in known:
            out[meta.name or name] = meta.kind
    for (cat, db, name), meta in session.temporary.items():
        if cat == catalog.lower() and db == database.lower():
            out[meta.name or name] = meta.kind
    return out


def lookup(session: DuckDBSession, path: Path) -> ObjectRef | None:
    """The table or view at ``path`` (temporary objects shadow permanent ones)."""
    k = key(path.catalog, path.database, path.name)
    temp = session.temporary.get(k)
    if temp is not None:
        return ObjectRef(path, temp.kind, temp)
    meta = session.engine.meta.get(k)
    if meta is not None:
        return ObjectRef(Path(path.catalog, path.database, meta.name or path.name), meta.kind, meta)
    objects = duck_objects(session, path.catalog, path.database)
    for name, kind in objects.items():
        if name.lower() == path.name.lower():
            return ObjectRef(Path(path.catalog, path.database, name), kind, None)
    return None


def require_object(session: DuckDBSession, parts: list[str] | tuple[str, ...]) -> ObjectRef:
    path = resolve(session, parts)
    ref = lookup(session, path)
    if ref is None:
        raise validation(f"Tables or views with the identifier '{path.dotted}' doesn't exist.")
    return ref
