"""The SQL sandbox of the embedded DuckDB engine (on by default).

Two layers:

1. :func:`apply_sandbox` sets DuckDB's own controls on the shared database, once, after the
   engine attached its catalogs and before any client SQL runs. Verified on DuckDB 2.0.1:

   * ``allowed_directories`` = the configured data directories (each with a trailing ``/`` so a
     sibling ``/data2`` does not match ``/data``) — files, globs, COPY, ATTACH, EXPORT inside them
     still work;
   * ``enable_external_access = false`` — every other path, every URL (http, https, s3, …),
     Python replacement scans, extension loading. DuckDB refuses to turn it back on while the
     database runs, and refuses to change ``allowed_directories`` / ``allowed_paths`` once it is
     off;
   * ``autoinstall_known_extensions`` / ``autoload_known_extensions`` /
     ``allow_community_extensions`` = false, ``python_enable_replacements`` = false;
   * optionally ``lock_configuration = true`` (option ``…sandbox.lock-configuration``): DuckDB then
     refuses every later ``SET``/``RESET``/``PRAGMA``, *including the engine's own* per-cursor
     ``SET TimeZone`` — only usable when the engine does not change settings per cursor.

2. :func:`check_statement` — defence in depth for statements the engine hands to DuckDB verbatim:
   DuckDB-level configuration and extension statements (``SET``, ``RESET``, ``PRAGMA``, ``CALL``,
   ``INSTALL``, ``LOAD``, ``UPDATE EXTENSIONS``) and table functions that change the database's
   configuration are refused with a clear message. Flink's ``SET 'k' = 'v'`` never reaches DuckDB
   (the engine keeps it in the session configuration), so session properties, ``SET``,
   ``RESET``, configure-session and ``executionConfig`` cannot switch the sandbox off.

:func:`check_path` lets engine code that opens files itself (connectors) apply the same rule.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlgateway.config import Option, Settings, parse_bool, register
from sqlgateway.errors import VALIDATION_EXCEPTION, ExecutionError
from sqlgateway.security import options as opt

SANDBOX_LOCK_CONFIGURATION = Option(
    "sql-gateway.security.sandbox.lock-configuration", parse_bool, "false",
    "Also set DuckDB's lock_configuration: every later SET/PRAGMA is refused by DuckDB itself, "
    "including per-session time zones (table.local-time-zone other than the default).",
)  # fmt: skip
register(SANDBOX_LOCK_CONFIGURATION)

SANDBOX_HINT = f"(the SQL sandbox is on: {opt.SANDBOX_ENABLED.key})"


@dataclass(frozen=True)
class SandboxSettings:
    """The sandbox part of the gateway settings, normalised."""

    enabled: bool
    directories: tuple[str, ...]
    lock: bool

    @classmethod
    def of(cls, settings: Settings) -> SandboxSettings:
        dirs = tuple(normalise_directory(d) for d in settings.get(opt.SANDBOX_ALLOWED_DIRECTORIES))
        return cls(
            settings.get(opt.SANDBOX_ENABLED), dirs, settings.get(SANDBOX_LOCK_CONFIGURATION)
        )


def normalise_directory(path: str) -> str:
    """Absolute, symlink-resolved directory path with exactly one trailing separator."""
    resolved = os.path.realpath(os.path.expanduser(path))
    return resolved.rstrip(os.sep) + os.sep


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sandbox_statements(sandbox: SandboxSettings) -> list[str]:
    """The DuckDB statements :func:`apply_sandbox` runs, in order (the order matters:
    ``allowed_directories`` cannot be changed once external access is off)."""
    dirs = ", ".join(_literal(d) for d in sandbox.directories)
    out = [
        f"SET allowed_directories = [{dirs}]",
        "SET autoinstall_known_extensions = false",
        "SET autoload_known_extensions = false",
        "SET allow_community_extensions = false",
        "SET python_enable_replacements = false",
        "SET enable_external_access = false",
    ]
    if sandbox.lock:
        out.append("SET lock_configuration = true")
    return out


def apply_sandbox(con: Any, settings: Settings) -> bool:
    """Confine the DuckDB database behind connection ``con`` (all its cursors) as configured.

    Call once, after the engine's own ATTACH/CREATE SCHEMA and before client SQL runs; a
    second call is a no-op. Returns whether the sandbox is on. Creates missing allowed
    directories (so ``COPY … TO`` into them works) and fails loudly if a setting is refused."""
    sandbox = SandboxSettings.of(settings)
    if not sandbox.enabled:
        return False
    if is_sandboxed(con):
        return True
    for directory in sandbox.directories:
        Path(directory).mkdir(parents=True, exist_ok=True)
    for statement in sandbox_statements(sandbox):
        con.execute(statement)
    return True


def is_sandboxed(con: Any) -> bool:
    """Whether external access is already off for the database behind ``con``."""
    row = con.execute("SELECT current_setting('enable_external_access')").fetchone()
    return row is not None and row[0] in (False, "false")


def ensure_sandbox(engine: Any, settings: Settings) -> bool:
    """Apply the sandbox to a DuckDB engine through its public ``cursor()`` (the settings are
    database-wide), unless the engine already did. For start-up code that owns neither the
    engine nor its connection; returns whether the sandbox is on. Non-DuckDB engines: False."""
    if getattr(engine, "name", None) != "duckdb" or not callable(getattr(engine, "cursor", None)):
        return False
    cursor = engine.cursor()
    try:
        return apply_sandbox(cursor, settings)
    finally:
        cursor.close()


# ---- defence in depth: statements and functions -----------------------------------------------

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_LEADING = re.compile(r"[\s(;]*([A-Za-z_]+)(?:\s+([A-Za-z_]+))?")
_REFUSED_FIRST_WORDS = {
    "SET": "changing DuckDB settings",
    "RESET": "changing DuckDB settings",
    "PRAGMA": "PRAGMA statements",
    "CALL": "CALL statements",
    "INSTALL": "installing extensions",
    "FORCE": "installing extensions",
    "UPDATE EXTENSIONS": "updating extensions",
    "LOAD": "loading extensions",
}
_REFUSED_FUNCTIONS = (
    "enable_logging", "disable_logging", "truncate_duckdb_logs", "enable_profiling",
    "disable_profiling", "add_grammar_extension", "remove_grammar_extension",
    "create_external_resource", "register_external_resource", "deregister_external_resource",
    "destroy_external_resource", "register_external_resource_type",
    "json_execute_serialized_sql", "force_checkpoint",
)  # fmt: skip
_FUNCTION_CALL = re.compile(r"\b(" + "|".join(_REFUSED_FUNCTIONS) + r")\s*\(", re.I)


def refusal(statement: str) -> str | None:
    """Why the sandbox refuses ``statement`` (a DuckDB-level statement), or None."""
    text = _COMMENTS.sub(" ", statement)
    m = _LEADING.match(text)
    if m:
        first, second = m.group(1).upper(), (m.group(2) or "").upper()
        if first == "LOAD" and second == "MODULE":
            return None
        what = _REFUSED_FIRST_WORDS.get(f"{first} {second}") or _REFUSED_FIRST_WORDS.get(first)
        if first == "UPDATE" and second != "EXTENSIONS":
            what = None
        if what is not None:
            return f"The SQL sandbox does not allow {what} {SANDBOX_HINT}."
    call = _FUNCTION_CALL.search(text)
    if call:
        return (
            f"The SQL sandbox does not allow the function {call.group(1).lower()} {SANDBOX_HINT}."
        )
    return None


def check_statement(statement: str, settings: Settings) -> None:
    """Raise ``ExecutionError`` (ValidationException) if the sandbox refuses ``statement``.
    Call it on every client statement text the engine passes to DuckDB verbatim."""
    if not settings.get(opt.SANDBOX_ENABLED):
        return
    reason = refusal(statement)
    if reason is not None:
        raise ExecutionError(reason, java_class=VALIDATION_EXCEPTION)


def check_path(path: str, settings: Settings) -> None:
    """Raise ``ExecutionError`` unless ``path`` is inside an allowed directory (sandbox on).
    For engine code that opens files itself instead of through DuckDB."""
    sandbox = SandboxSettings.of(settings)
    if not sandbox.enabled:
        return
    if "://" in path:
        raise ExecutionError(
            f"The SQL sandbox does not allow access to {path!r}: only files in the allowed "
            f"directories ({opt.SANDBOX_ALLOWED_DIRECTORIES.key}) {SANDBOX_HINT}.",
            java_class=VALIDATION_EXCEPTION,
        )
    real = os.path.realpath(os.path.expanduser(path))
    if not any((real + os.sep).startswith(d) for d in sandbox.directories):
        raise ExecutionError(
            f"The SQL sandbox does not allow access to {path!r}: it is outside the allowed "
            f"directories {list(sandbox.directories)} ({opt.SANDBOX_ALLOWED_DIRECTORIES.key}).",
            java_class=VALIDATION_EXCEPTION,
        )
