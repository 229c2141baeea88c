"""A live, in-place updating table for streaming results (``result-mode = 'table'``).

The changelog is materialized like the Flink SQL client's table mode (``+I``/``+U`` add a
row, ``-U``/``-D`` retract the last equal row) and the table is redrawn in place, at most a few
times per second, showing the newest rows that fit on the screen.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlgateway.client import Column, Row

from .console import Console
from .render import border, elapsed_suffix, format_value, rows_in_set, table_row, widths_by_content

_RETRACTIONS = ("UPDATE_BEFORE", "DELETE")
REDRAW_INTERVAL = 0.2


class MaterializedTable:
    """The current rows of a changelog stream."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.changes = 0

    def apply(self, changes: Sequence[Row]) -> None:
        """Apply changelog rows (values rendered as display strings)."""
        for change in changes:
            self.changes += 1
            cells = [format_value(v).replace("\n", "\\n") for v in change.fields]
            if change.kind not in _RETRACTIONS:
                self.rows.append(cells)
                continue
            for idx in range(len(self.rows) - 1, -1, -1):
                if self.rows[idx] == cells:
                    del self.rows[idx]
                    break


class LiveTable:
    """Redraws a :class:`MaterializedTable` in place on a terminal."""

    def __init__(self, console: Console, columns: Sequence[Column], max_width: int) -> None:
        self.console = console
        self.names = [c.name for c in columns]
        self.max_width = max_width
        self.table = MaterializedTable()
        self.drawn = 0
        self.last_draw = 0.0

    def apply(self, changes: Sequence[Row]) -> None:
        """Apply a page of changes and redraw if the last redraw is old enough."""
        if not changes and self.last_draw:
            return
        self.table.apply(changes)
        if time.monotonic() - self.last_draw >= REDRAW_INTERVAL:
            self.draw(self.console.height() - 4)

    def lines(self, limit: int | None) -> list[str]:
        """The table lines, keeping only the newest ``limit`` rows when given."""
        rows = self.table.rows
        hidden = max(0, len(rows) - limit) if limit is not None else 0
        shown = rows[hidden:]
        widths = widths_by_content(self.names, shown, self.max_width)
        line = border(widths)
        body = [table_row(r, widths) for r in shown]
        more = [f"({hidden} more rows above)"] if hidden else []
        return [*more, line, table_row(self.names, widths), line, *body, line]

    def draw(self, limit: int | None) -> None:
        """Replace the previously drawn table with the current one."""
        lines = self.lines(max(1, limit) if limit is not None else None)
        self.drawn = self.console.redraw(self.drawn, lines)
        self.last_draw = time.monotonic()

    def finish(self, seconds: float | None, terminated: bool) -> None:
        """Final full table and a summary line."""
        self.draw(None)
        count = len(self.table.rows)
        summary = "Query terminated, " if terminated else ""
        text = f"{summary}{rows_in_set(count)}, materialized from {self.table.changes} changes"
        self.console.line(text + elapsed_suffix(seconds))
