"""SET / RESET statements: the session configuration (never reaches DuckDB)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import ok_result, string_rows_result
from sqlgateway.errors import PARSER_EXCEPTION, ExecutionError

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

_SET_KV = re.compile(r"SET\s+('(?:[^']|'')*'|[^\s=']+)\s*=\s*('(?:[^']|'')*'|\S.*)$", re.I | re.S)
_SET_DANGLING = re.compile(r"SET\s+('(?:[^']|'')*'|[^\s=']+)\s*=\s*$", re.I | re.S)
_RESET_K = re.compile(r"RESET\s+('(?:[^']|'')*'|\S+)$", re.I | re.S)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def run_set(session: DuckDBSession, text: str, overrides: dict[str, str]) -> StatementResult:
    """``SET`` lists the configuration sorted by key; ``SET 'k' = 'v'`` changes it."""
    if re.fullmatch(r"SET", text, re.I):
        items = sorted(session.config.visible(overrides).items())
        return string_rows_result(["key", "value"], [list(kv) for kv in items])
    m = _SET_KV.fullmatch(text)
    if m is None:
        raise _set_parse_error(text)
    session.config.set(_unquote(m.group(1)), _unquote(m.group(2)))
    return ok_result()


def _set_parse_error(text: str) -> ExecutionError:
    if _SET_DANGLING.fullmatch(text):
        column = len(text.rstrip()) + 1
        return ExecutionError(
            f'Encountered "<EOF>" at line 1, column {column}.\nWas expecting one of:\n'
            "    <BINARY_STRING_LITERAL> ...\n    <QUOTED_STRING> ...\n"
            "    <PREFIXED_STRING_LITERAL> ...\n    <UNICODE_STRING_LITERAL> ...\n"
            "    <C_STYLE_ESCAPED_STRING_LITERAL> ...\n"
            "    <BIG_QUERY_DOUBLE_QUOTED_STRING> ...\n    <BIG_QUERY_QUOTED_STRING> ...\n",
            java_class="org.apache.flink.table.api.SqlParserEOFException",
        )
    return ExecutionError(
        f"SQL parse failed. Cannot parse SET statement: {text}", java_class=PARSER_EXCEPTION
    )


def run_reset(session: DuckDBSession, text: str) -> StatementResult:
    """``RESET`` restores the initial configuration; ``RESET 'k'`` one key."""
    if re.fullmatch(r"RESET", text, re.I):
        session.config.reset()
        return ok_result()
    m = _RESET_K.fullmatch(text)
    if m is None:
        raise ExecutionError(
            f"SQL parse failed. Cannot parse RESET statement: {text}", java_class=PARSER_EXCEPTION
        )
    session.config.reset(_unquote(m.group(1)))
    return ok_result()
