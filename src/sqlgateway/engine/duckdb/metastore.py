"""Flink metadata of tables and views (declared types, connector options, computed columns,
watermarks, view text) that DuckDB itself does not keep.

Permanent entries are written through to a hidden ``__sqlgateway__.objects`` table inside their
catalog's DuckDB database (so a file-backed catalog keeps them across restarts) and cached here.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlgateway.sql.ddl import ColumnDef

META_SCHEMA = "__sqlgateway__"
Key = tuple[str, str, str]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class TableMeta:
    """A Flink table or view. ``physical`` is the DuckDB object holding/producing its rows."""

    kind: str  # TABLE | VIEW
    physical: str  # DuckDB table holding the rows ("" for connector tables and views)
    name: str = ""  # the object name as created (case preserved)
    home: tuple[str, str] = ("", "")  # catalog/database a view's query is resolved in
    columns: list[ColumnDef] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    watermarks: list[tuple[str, str]] = field(default_factory=list)
    comment: str | None = None
    partition_keys: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    query: str | None = None
    temporary: bool = False
    storage: str | None = None  # DuckDB table INSERTs write to (regular tables)
    materialized: dict[str, str] | None = None  # query, freshness, refresh mode, status

    @property
    def connector(self) -> str | None:
        return self.options.get("connector")

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TableMeta:
        data: dict[str, Any] = json.loads(text)
        data["columns"] = [ColumnDef(**c) for c in data.get("columns", [])]
        data["watermarks"] = [tuple(w) for w in data.get("watermarks", [])]
        data["home"] = tuple(data.get("home", ("", "")))
        return cls(**data)


def key(catalog: str, database: str, name: str) -> Key:
    """Lookup key: DuckDB identifiers are case-insensitive."""
    return (catalog.lower(), database.lower(), name.lower())


class MetaStore:
    """Permanent table/view metadata of every catalog, cached in memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Key, TableMeta] = {}
        self.version = 0  # bumped on every change (translation caches)

    def load(self, cursor: Any, catalog: str) -> None:
        """Read the entries persisted in ``catalog`` (at start-up / ATTACH)."""
        table = f"{_q(catalog)}.{_q(META_SCHEMA)}.objects"
        try:
            rows = cursor.execute(f"SELECT db, name, meta FROM {table}").fetchall()
        except Exception:  # noqa: BLE001 - no metadata table yet
            return
        with self._lock:
            self.version += 1
            for db, name, meta in rows:
                self._entries[key(catalog, db, name)] = TableMeta.from_json(meta)

    def get(self, k: Key) -> TableMeta | None:
        with self._lock:
            return self._entries.get(k)

    def put(self, cursor: Any, k: Key, meta: TableMeta) -> None:
        table = self._ensure(cursor, k[0])
        cursor.execute(f"DELETE FROM {table} WHERE db = ? AND name = ?", [k[1], k[2]])
        cursor.execute(f"INSERT INTO {table} VALUES (?, ?, ?)", [k[1], k[2], meta.to_json()])
        with self._lock:
            self._entries[k] = meta
            self.version += 1

    def drop(self, cursor: Any, k: Key) -> None:
        with self._lock:
            present = self._entries.pop(k, None) is not None
            self.version += 1
        if present:
            table = self._ensure(cursor, k[0])
            cursor.execute(f"DELETE FROM {table} WHERE db = ? AND name = ?", [k[1], k[2]])

    def forget(self, catalog: str, database: str | None = None) -> None:
        """Drop cached entries of a detached catalog / dropped database."""
        with self._lock:
            self.version += 1
            for k in [
                k for k in self._entries
                if k[0] == catalog.lower() and (database is None or k[1] == database.lower())
            ]:  # fmt: skip
                del self._entries[k]

    def items(self) -> list[tuple[Key, TableMeta]]:
        with self._lock:
            return list(self._entries.items())

    def names(self, catalog: str, database: str) -> dict[str, TableMeta]:
        with self._lock:
            return {
                k[2]: m
                for k, m in self._entries.items()
                if k[0] == catalog.lower() and k[1] == database.lower()
            }

    def _ensure(self, cursor: Any, catalog: str) -> str:
        schema = f"{_q(catalog)}.{_q(META_SCHEMA)}"
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        table = f"{schema}.objects"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (db VARCHAR, name VARCHAR, meta VARCHAR)"
        )
        return table
