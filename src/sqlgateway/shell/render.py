"""Tableau rendering like the Flink SQL client (``sql-client.execution.result-mode=tableau``).

Pure functions: column widths (from data for batch results, from types for streaming
changelogs), cell formatting with truncation (``...``), borders and row-count footers.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlgateway.client import Column, Row

NULL_COLUMN = "<NULL>"
TRUNCATED_FLAG = "..."
ROW_KIND_COLUMN = "op"
DEFAULT_MAX_COLUMN_WIDTH = 30

_FIXED_WIDTHS = {"TINYINT": 4, "SMALLINT": 6, "INTEGER": 11, "BIGINT": 20, "BOOLEAN": 5, "DATE": 10}
_TIMESTAMPS = ("TIMESTAMP_WITHOUT_TIME_ZONE", "TIMESTAMP_WITH_LOCAL_TIME_ZONE")


def char_width(char: str) -> int:
    """Display width of one character: 2 for East Asian wide/full-width, else 1."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal display width of ``text`` (as Flink's ``getStringDisplayWidth``)."""
    return sum(char_width(c) for c in text)


def truncate(text: str, width: int) -> str:
    """The longest prefix of ``text`` whose display width is at most ``width``."""
    used = 0
    for idx, char in enumerate(text):
        used += char_width(char)
        if used > width:
            return text[:idx]
    return text


def format_value(value: Any, null_text: str = NULL_COLUMN) -> str:
    """A field as text: PLAIN_TEXT strings pass through; JSON values (v1) are stringified."""
    if value is None:
        return null_text
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def widths_by_content(
    names: Sequence[str], rows: Sequence[Sequence[str]], max_width: int
) -> list[int]:
    """Column widths from names and data, capped at ``max_width`` (batch results)."""
    widths = [len(n) for n in names]
    for row in rows:
        for idx, cell in enumerate(row):
            widths[idx] = max(widths[idx], display_width(cell))
    return [min(w, max_width) for w in widths]


def type_width(column: Column, max_width: int) -> int:
    """The width Flink reserves for a column type in streaming mode."""
    root = column.type_root
    precision = int(column.logical_type.get("precision", 0) or 0)
    if root in _FIXED_WIDTHS:
        return _FIXED_WIDTHS[root]
    if root == "DECIMAL":
        return precision + 2
    if root == "TIME_WITHOUT_TIME_ZONE":
        return 8 if precision == 0 else precision + 9
    if root in _TIMESTAMPS:
        return 19 if precision == 0 else 20 + precision
    return max_width


def widths_by_type(columns: Sequence[Column], max_width: int, with_kind: bool) -> list[int]:
    """Column widths from types (streaming results); includes the ``op`` column if asked."""
    widths = [max(len(c.name), type_width(c, max_width), len(NULL_COLUMN)) for c in columns]
    return [len(ROW_KIND_COLUMN), *widths] if with_kind else widths


def border(widths: Sequence[int]) -> str:
    """``+----+-----+`` for the given widths."""
    return "+" + "+".join("-" * (w + 2) for w in widths) + "+"


def table_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    """``| a | b |`` with right-aligned cells, truncated with ``...`` when too wide."""
    parts = []
    for cell, width in zip(cells, widths, strict=True):
        cell_width = display_width(cell)
        if cell_width <= width:
            parts.append(" " * (width - cell_width) + cell)
        else:
            keep = max(0, width - len(TRUNCATED_FLAG))
            parts.append(truncate(cell, keep) + TRUNCATED_FLAG)
    return "| " + " | ".join(parts) + " |"


def row_cells(row: Row, null_text: str, with_kind: bool) -> list[str]:
    """A result row as display strings (``op`` first when ``with_kind``)."""
    cells = [format_value(v, null_text) for v in row.fields]
    return [row.short_kind, *cells] if with_kind else cells


def render_table(
    columns: Sequence[Column],
    rows: Sequence[Row],
    max_width: int = DEFAULT_MAX_COLUMN_WIDTH,
    null_text: str = NULL_COLUMN,
) -> list[str]:
    """Lines of a complete table with data-inferred widths (no footer)."""
    names = [c.name for c in columns]
    cells = [row_cells(r, null_text, False) for r in rows]
    widths = widths_by_content(names, cells, max_width)
    line = border(widths)
    return [line, table_row(names, widths), line, *(table_row(c, widths) for c in cells), line]


def row_term(count: int) -> str:
    """``row`` or ``rows`` (Flink: plural only for more than one)."""
    return "rows" if count > 1 else "row"


def rows_in_set(count: int) -> str:
    """``Empty set`` / ``1 row in set`` / ``N rows in set``."""
    return "Empty set" if count == 0 else f"{count} {row_term(count)} in set"


def elapsed_suffix(seconds: float | None) -> str:
    """`` (1.23 seconds)`` or nothing."""
    return "" if seconds is None else f" ({seconds:.2f} seconds)"


class ChangelogTable:
    """A streaming (type-width) table rendered incrementally, one line at a time."""

    def __init__(self, columns: Sequence[Column], max_width: int, with_kind: bool = True) -> None:
        self.columns = list(columns)
        self.with_kind = with_kind
        self.widths = widths_by_type(self.columns, max_width, with_kind)
        self.count = 0

    def header(self) -> list[str]:
        """Border, column names, border."""
        names = [c.name for c in self.columns]
        if self.with_kind:
            names = [ROW_KIND_COLUMN, *names]
        line = border(self.widths)
        return [line, table_row(names, self.widths), line]

    def row(self, row: Row) -> str:
        """One changelog row (counts it)."""
        self.count += 1
        return table_row(row_cells(row, NULL_COLUMN, self.with_kind), self.widths)

    def footer(self, seconds: float | None, terminated: bool = False) -> list[str]:
        """Closing border (if any rows) and ``Received a total of N rows``."""
        lines = [border(self.widths)] if self.count > 0 else []
        prefix = "Query terminated, received" if terminated else "Received"
        lines.append(f"{prefix} a total of {self.count} {row_term(self.count)}")
        lines[-1] += elapsed_suffix(seconds)
        return lines
