"""Table connectors on the DuckDB engine: ``datagen``, ``filesystem``, ``print``, ``blackhole``.

A connector table has no DuckDB object: reading it expands to a DuckDB subquery built at query
time (``source_sql``); writing runs the query and hands the rows to the sink (``write``).
Option validation follows Flink's factories: unknown or missing options are a
ValidationException naming the option.
"""

from __future__ import annotations

import glob
import os
import re
import sys
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlgateway.engine.duckdb.metastore import TableMeta
from sqlgateway.engine.duckdb.names import Path, q, validation
from sqlgateway.engine.duckdb.typemap import duck_type
from sqlgateway.model import LogicalType
from sqlgateway.sql.types import parse_type

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

SOURCES = {"datagen", "filesystem"}
SINKS = {"filesystem", "print", "blackhole"}
FORMATS = {"csv": "csv", "json": "json", "parquet": "parquet"}
_FIELD_OPTIONS = {"kind", "min", "max", "max-past", "length", "var-len", "start", "end",
                  "null-rate"}  # fmt: skip
_COMMON = {"connector", "scan.parallelism", "sink.parallelism"}
_OPTIONS: dict[str, set[str]] = {
    "datagen": {"rows-per-second", "number-of-rows"},
    "filesystem": {"path", "format", "csv.field-delimiter", "csv.ignore-parse-errors",
                   "csv.null-literal", "json.ignore-parse-errors", "source.monitor-interval",
                   "sink.rolling-policy.file-size", "partition.default-name"},
    "print": {"print-identifier", "standard-error"},
    "blackhole": set(),
}  # fmt: skip


def physical_columns(meta: TableMeta) -> list[tuple[str, LogicalType]]:
    return [(c.name, parse_type(c.type)) for c in meta.columns if c.expr is None and
            c.metadata_key is None]  # fmt: skip


def _local(path: str) -> str:
    return path[len("file://") :] if path.startswith("file://") else path


def validate(meta: TableMeta, settings: Any) -> None:
    """Flink's factory checks: known connector, required and supported options."""
    connector = meta.connector
    assert connector is not None
    if connector not in _OPTIONS:
        raise validation(
            f"Could not find any factory for identifier '{connector}' that implements "
            "'org.apache.flink.table.factories.DynamicTableFactory' in the classpath.\n\n"
            f"Available factory identifiers are:\n\n{chr(10).join(sorted(_OPTIONS))}"
        )
    allowed = _COMMON | _OPTIONS[connector]
    columns = {c.name for c in meta.columns}
    unsupported = []
    for k in meta.options:
        m = re.fullmatch(r"fields\.(.+)\.([a-z\-]+)", k)
        if connector == "datagen" and m and m.group(1) in columns and m.group(2) in _FIELD_OPTIONS:
            continue
        if k not in allowed:
            unsupported.append(k)
    if unsupported:
        raise validation(
            f"Unsupported options found for '{connector}'.\n\nUnsupported options:\n\n"
            + "\n".join(sorted(unsupported))
            + "\n\nSupported options:\n\n"
            + "\n".join(sorted(allowed))
        )
    if connector == "filesystem":
        for required in ("path", "format"):
            if required not in meta.options:
                raise validation(f"Missing required options are:\n\n{required}")
        from sqlgateway.engine.duckdb.sandbox import check_path

        check_path(_local(meta.options["path"]), settings)
        if meta.options["format"] not in FORMATS:
            raise validation(
                f"Could not find any format factory for identifier '{meta.options['format']}' "
                "in the classpath."
            )
    if connector == "datagen":
        for name, t in physical_columns(meta):
            _field_expr(meta, name, t)  # raises on bad options


def check_source(path: Path, meta: TableMeta) -> None:
    connector = meta.connector
    if connector is not None and connector not in SOURCES:
        raise validation(
            f"Connector '{connector}' can only be used as a sink. It cannot be used as a source."
        )


def check_sink(meta: TableMeta) -> None:
    connector = meta.connector
    if connector is not None and connector not in SINKS:
        raise validation(
            f"Connector '{connector}' can only be used as a source. It cannot be used as a sink."
        )


def is_unbounded(meta: TableMeta) -> bool:
    """A datagen table without ``number-of-rows`` and without sequence fields is unbounded."""
    if meta.connector != "datagen" or "number-of-rows" in meta.options:
        return False
    return not any(v == "sequence" for k, v in meta.options.items() if k.endswith(".kind"))


# ---- reading --------------------------------------------------------------------------------


def source_sql(session: DuckDBSession, meta: TableMeta, rows: int | None = None) -> str:
    """A DuckDB query producing the physical columns of a connector table."""
    if meta.connector == "datagen":
        return _datagen_sql(meta, rows)
    if meta.connector == "filesystem":
        return _filesystem_sql(session, meta)
    raise validation(f"Connector '{meta.connector}' cannot be used as a source.")


def _datagen_sql(meta: TableMeta, rows: int | None) -> str:
    cols = physical_columns(meta)
    count = rows if rows is not None else _datagen_rows(meta)
    exprs = [f"{_field_expr(meta, n, t)} AS {q(n)}" for n, t in cols]
    return f"SELECT {', '.join(exprs) or 'NULL'} FROM range({count}) AS __g(__i)"


def _datagen_rows(meta: TableMeta) -> int:
    limits = []
    if "number-of-rows" in meta.options:
        limits.append(_int(meta, "number-of-rows"))
    for name, _t in physical_columns(meta):
        if meta.options.get(f"fields.{name}.kind") == "sequence":
            start, end = _int(meta, f"fields.{name}.start"), _int(meta, f"fields.{name}.end")
            limits.append(max(0, end - start + 1))
    return min(limits) if limits else 0


def _int(meta: TableMeta, k: str) -> int:
    if k not in meta.options:
        field = k.split(".")[1] if k.startswith("fields.") else k
        kind = k.rsplit(".", 1)[-1]
        if kind in ("start", "end"):
            raise validation(f"Could not find required property '{k}' for sequence generator.")
        raise validation(f"Missing option '{k}' ({field}).")
    try:
        return int(meta.options[k])
    except ValueError:
        raise validation(f"Could not parse value '{meta.options[k]}' for key '{k}'.") from None


def _num(meta: TableMeta, k: str, default: float) -> float:
    if k not in meta.options:
        return default
    try:
        return float(meta.options[k])
    except ValueError:
        raise validation(f"Could not parse value '{meta.options[k]}' for key '{k}'.") from None


_INT_RANGES = {"TINYINT": 2**7, "SMALLINT": 2**15, "INTEGER": 2**31, "BIGINT": 2**63}


def _field_expr(meta: TableMeta, name: str, t: LogicalType) -> str:
    prefix = f"fields.{name}."
    kind = meta.options.get(prefix + "kind", "random")
    if kind == "sequence":
        start = _int(meta, prefix + "start")
        _int(meta, prefix + "end")
        expr = f"CAST({start} + __i AS {duck_type(t)})"
    elif kind == "random":
        expr = _random_expr(meta, prefix, t)
    else:
        raise validation(f"Unsupported generator kind '{kind}' for field '{name}' (use "
                         "'random' or 'sequence').")  # fmt: skip
    rate = _num(meta, prefix + "null-rate", 0.0)
    if rate > 0:
        expr = f"CASE WHEN random() < {rate} THEN NULL ELSE {expr} END"
    return expr


def _random_expr(meta: TableMeta, prefix: str, t: LogicalType) -> str:  # noqa: C901
    r = t.root
    if r in _INT_RANGES:
        half = _INT_RANGES[r]
        top = half - 1 if half < 2**63 else half - 2**11  # largest double below 2^63
        lo, hi = _num(meta, prefix + "min", -half), _num(meta, prefix + "max", top)
        span = float(min(hi, top)) - float(lo) + 1.0
        pick = f"LEAST({float(lo)!r} + floor(random() * {span!r}), {float(min(hi, top))!r})"
        return f"CAST({pick} AS {duck_type(t)})"
    if r in ("FLOAT", "DOUBLE", "DECIMAL"):
        limit = 10.0 ** ((t.precision or 10) - (t.scale or 0)) - 1 if r == "DECIMAL" else 1e308
        lo, hi = (
            _num(meta, prefix + "min", 0.0 if r == "DECIMAL" else 4.9e-324),
            _num(meta, prefix + "max", limit),
        )
        return f"CAST({lo!r} + random() * ({hi!r} - {lo!r}) AS {duck_type(t)})"
    if r == "BOOLEAN":
        return "(random() < 0.5)"
    if r in ("CHAR", "VARCHAR", "BINARY", "VARBINARY"):
        length = int(_num(meta, prefix + "length", 100 if r in ("VARCHAR", "VARBINARY") else
                          (t.length or 1)))  # fmt: skip
        parts = ", ".join("md5(random()::VARCHAR)" for _ in range(max(1, -(-length // 32))))
        text = f"left(concat({parts}), {length})"
        if meta.options.get(prefix + "var-len", "false").lower() == "true":
            text = f"left({text}, 1 + CAST(floor(random() * {length}) AS INTEGER))"
        return text if r in ("CHAR", "VARCHAR") else f"CAST({text} AS BLOB)"
    if r in ("TIMESTAMP_WITHOUT_TIME_ZONE", "TIMESTAMP_WITH_LOCAL_TIME_ZONE", "DATE",
             "TIME_WITHOUT_TIME_ZONE"):  # fmt: skip
        past_ms = int(_num(meta, prefix + "max-past", 0))
        now = "current_localtimestamp()" if r != "TIMESTAMP_WITH_LOCAL_TIME_ZONE" else "now()"
        shift = f"- to_milliseconds(CAST(floor(random() * {past_ms + 1}) AS BIGINT))"
        return f"CAST({now} {shift if past_ms else ''} AS {duck_type(t)})"
    if r == "ARRAY":
        assert t.element is not None
        inner = _random_expr(meta, prefix, t.element)
        return f"[{inner}, {inner}, {inner}]"
    if r == "MAP":
        assert t.key is not None and t.value is not None
        k, v = _random_expr(meta, prefix, t.key), _random_expr(meta, prefix, t.value)
        return f"MAP {{{k}: {v}}}"
    if r == "ROW":
        items = ", ".join(f"{q(f.name)} := {_random_expr(meta, prefix, f.type)}" for f in t.fields)
        return f"struct_pack({items})"
    raise validation(f"Unsupported type {t.summary()} for the datagen connector.")


def _filesystem_sql(session: DuckDBSession, meta: TableMeta) -> str:
    cols = physical_columns(meta)
    files = data_files(session, meta.options["path"])
    if not files:
        nulls = ", ".join(f"CAST(NULL AS {duck_type(t)}) AS {q(n)}" for n, t in cols)
        return f"SELECT {nulls} WHERE false"
    fmt = FORMATS[meta.options["format"]]
    listing = "[" + ", ".join(_lit(f) for f in files) + "]"
    casts = ", ".join(f"CAST({q(n)} AS {duck_type(t)}) AS {q(n)}" for n, t in cols)
    if fmt == "parquet":
        return f"SELECT {casts} FROM read_parquet({listing})"
    schema = "{" + ", ".join(f"{_lit(n)}: {_lit(duck_type(t))}" for n, t in cols) + "}"
    if fmt == "json":
        return (
            f"SELECT {casts} FROM read_json({listing}, columns = {schema}, "
            "format = 'newline_delimited')"
        )
    delim = meta.options.get("csv.field-delimiter", ",")
    return (
        f"SELECT {casts} FROM read_csv({listing}, columns = {schema}, header = false, "
        f"delim = {_lit(delim)}, quote = '\"', escape = '\"', nullstr = "
        f"{_lit(meta.options.get('csv.null-literal', ''))})"
    )


def data_files(session: DuckDBSession, path: str) -> list[str]:
    """The files of a filesystem table: the file itself or the visible files below a directory."""
    from sqlgateway.engine.duckdb.sandbox import check_path

    local = path[len("file://") :] if path.startswith("file://") else path
    check_path(local, session.engine.settings)
    if os.path.isfile(local):
        return [local]
    found = glob.glob(os.path.join(glob.escape(local), "**", "*"), recursive=True)
    return sorted(f for f in found if os.path.isfile(f) and not
                  os.path.basename(f).startswith((".", "_")))  # fmt: skip


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---- writing --------------------------------------------------------------------------------


def write(
    session: DuckDBSession, cursor: Any, meta: TableMeta, query: str, overwrite: bool
) -> None:
    """Run ``query`` (DuckDB SQL yielding the physical columns) into the connector sink."""
    cols = physical_columns(meta)
    casts = ", ".join(f"CAST({q(n)} AS {duck_type(t)}) AS {q(n)}" for n, t in cols)
    renamed = f"SELECT {casts} FROM ({query}) AS __src({', '.join(q(n) for n, _ in cols)})"
    connector = meta.connector
    if connector == "blackhole":
        cursor.execute(f"SELECT count(*) FROM ({renamed})").fetchall()
    elif connector == "print":
        _print_rows(meta, cursor.execute(renamed).fetchall())
    elif connector == "filesystem":
        _write_files(session, cursor, meta, renamed, overwrite)


def _print_rows(meta: TableMeta, rows: Iterable[tuple[Any, ...]]) -> None:
    ident = meta.options.get("print-identifier")
    stream = sys.stderr if meta.options.get("standard-error") == "true" else sys.stdout
    for row in rows:
        text = "+I[" + ", ".join("null" if v is None else str(v) for v in row) + "]"
        print(f"{ident}> {text}" if ident else text, file=stream)


def _write_files(
    session: DuckDBSession, cursor: Any, meta: TableMeta, sql: str, overwrite: bool
) -> None:
    path = meta.options["path"]
    local = path[len("file://") :] if path.startswith("file://") else path
    fmt = FORMATS[meta.options["format"]]
    if os.path.isfile(local):
        raise validation(f"The filesystem sink path '{path}' is a file; it must be a directory.")
    if overwrite:
        for f in data_files(session, path):
            os.remove(f)
    os.makedirs(local, exist_ok=True)
    target = os.path.join(local, f"part-{uuid.uuid4()}-0.{fmt}")
    options = {"csv": f"FORMAT csv, HEADER false, DELIMITER "
                      f"{_lit(meta.options.get('csv.field-delimiter', ','))}",
               "json": "FORMAT json", "parquet": "FORMAT parquet"}[fmt]  # fmt: skip
    cursor.execute(f"COPY ({sql}) TO {_lit(target)} ({options})")
