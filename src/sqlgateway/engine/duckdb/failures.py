"""Map DuckDB exceptions to ``ExecutionError`` with the Flink exception class users expect."""

from __future__ import annotations

import re

import duckdb

from sqlgateway.errors import (
    PARSER_EXCEPTION,
    SQL_EXECUTION_EXCEPTION,
    TABLE_EXCEPTION,
    VALIDATION_EXCEPTION,
    ExecutionError,
)

TABLE_RUNTIME_EXCEPTION = "org.apache.flink.table.api.TableRuntimeException"

_PREFIX = re.compile(r"^[A-Za-z ]+ Error: ")
_LINE = re.compile(r"\n*LINE (\d+): (.*)\n(\s*)\^+.*$", re.S)


def clean_message(exc: BaseException) -> str:
    """DuckDB's message without its ``Xxx Error:`` prefix; the ``LINE n: …`` excerpt with its
    caret becomes ``at line n, column c``."""
    text = _PREFIX.sub("", str(exc).strip(), count=1)
    m = _LINE.search(text)
    if m:
        column = len(m.group(3)) - len(f"LINE {m.group(1)}: ") + 1
        text = text[: m.start()].rstrip()
        text = f"{text.rstrip('!').rstrip('.')} at line {m.group(1)}, column {max(column, 1)}."
    return text


def _flinkish(text: str) -> str:
    """Rephrase the most common DuckDB catalog/binder messages in Flink's words."""
    m = re.match(r"Table with name (\S+) does not exist!?(.*)", text, re.S)
    if m:
        return f"Object '{m.group(1)}' not found{_suffix(m.group(2))}"
    m = re.match(r'Referenced column "([^"]+)" not found in FROM clause!?(.*)', text, re.S)
    if m:
        return f"Column '{m.group(1)}' not found in any table{_suffix(m.group(2))}"
    return text


def _suffix(rest: str) -> str:
    m = re.search(r" at line \d+, column \d+\.", rest)
    return m.group(0) if m else ""


def is_runtime(exc: BaseException) -> bool:
    """Errors that happen while rows are produced (Flink: job failures), not at planning."""
    return isinstance(
        exc,
        duckdb.ConversionException
        | duckdb.OutOfRangeException
        | duckdb.InvalidInputException
        | duckdb.DataError,
    )


def execution_error(exc: BaseException) -> ExecutionError:
    """The ``ExecutionError`` for an exception raised while planning/executing a statement."""
    if isinstance(exc, ExecutionError):
        return exc
    text = clean_message(exc)
    if isinstance(exc, duckdb.ParserException):
        return ExecutionError(f"SQL parse failed. {text}", java_class=PARSER_EXCEPTION)
    if isinstance(exc, duckdb.CatalogException | duckdb.BinderException):
        msg = f"SQL validation failed. {_flinkish(text)}"
        return ExecutionError(msg, java_class=VALIDATION_EXCEPTION)
    if isinstance(exc, duckdb.InterruptException):
        return ExecutionError("The operation was cancelled.", java_class=SQL_EXECUTION_EXCEPTION)
    if is_runtime(exc):
        if text.startswith("Division by zero"):
            text = text.split(". Use TRY(", 1)[0].rstrip(".").replace(" // ", " / ") + "."
            return ExecutionError(text, java_class="java.lang.ArithmeticException")
        return ExecutionError(text, java_class=TABLE_RUNTIME_EXCEPTION)
    return ExecutionError(text, java_class=TABLE_EXCEPTION)


def retrieval_error(exc: BaseException) -> ExecutionError:
    """A failure while fetching rows: ``Error while retrieving result.`` caused by the cause."""
    err = ExecutionError("Error while retrieving result.", java_class=SQL_EXECUTION_EXCEPTION)
    err.__cause__ = execution_error(exc)
    return err
