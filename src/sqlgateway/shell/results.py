"""Turns result pages into console output (Flink SQL client tableau wording)."""

from __future__ import annotations

from sqlgateway.client import Column, ResultPage, ResultType, Row

from .console import Console
from .live import LiveTable
from .render import ChangelogTable, elapsed_suffix, render_table, rows_in_set
from .settings import DisplaySettings

SUCCEEDED = "[INFO] Execute statement succeeded."
UNLIMITED_WIDTH = 2**31 - 1


class ResultView:
    """Receives the pages of one statement and prints them.

    Streaming query results are printed live as a changelog (``op`` column), or as a
    materialized table redrawn in place when ``sql-client.execution.result-mode`` is ``table``
    and the output is a terminal; batch query results and non-query results are printed as one
    table when the result is complete.
    """

    def __init__(self, console: Console, settings: DisplaySettings) -> None:
        self.console = console
        self.settings = settings
        self.columns: list[Column] = []
        self.rows: list[Row] = []
        self.started = False
        self.is_query = False
        self.job_id: str | None = None
        self.result_kind: str | None = None
        self.changelog: ChangelogTable | None = None
        self.live: LiveTable | None = None

    @property
    def received(self) -> int:
        """Rows received so far."""
        if self.live is not None:
            return self.live.table.changes
        return self.changelog.count if self.changelog else len(self.rows)

    def add(self, page: ResultPage) -> None:
        """Consume one page (NOT_READY pages are ignored)."""
        if page.result_type is ResultType.NOT_READY:
            return
        if not self.started:
            self._start(page)
        if self.live is not None:
            self.live.apply(page.rows)
        elif self.changelog is not None:
            self.console.lines([self.changelog.row(r) for r in page.rows])
        else:
            self.rows.extend(page.rows)

    def _start(self, page: ResultPage) -> None:
        self.started = True
        self.columns = page.columns
        self.job_id = page.job_id
        self.result_kind = page.result_kind
        is_query = page.is_query_result
        self.is_query = bool(is_query) if is_query is not None else page.job_id is not None
        if not (self.is_query and self.settings.streaming):
            return
        width = self.settings.max_column_width
        if self.settings.result_mode == "table" and self.console.is_terminal():
            self.live = LiveTable(self.console, self.columns, width)
        else:
            self.changelog = ChangelogTable(self.columns, width)
            self.console.lines(self.changelog.header())

    def finish(self, seconds: float, terminated: bool = False) -> None:
        """Print what remains after EOS (or after Ctrl-C when ``terminated``)."""
        shown = seconds if self.settings.print_time_cost else None
        if self.live is not None:
            self.live.finish(shown, terminated)
        elif self.changelog is not None:
            self.console.lines(self.changelog.footer(shown, terminated))
        elif self.is_query:
            self._finish_batch_query(shown, terminated)
        elif terminated:
            self.console.line("[INFO] Statement canceled.")
        else:
            self._finish_static()

    def _finish_batch_query(self, shown: float | None, terminated: bool) -> None:
        if terminated:
            count = len(self.rows)
            self.console.line(f"Query terminated, received a total of {count} rows")
            return
        if self.rows:
            self.console.lines(
                render_table(self.columns, self.rows, self.settings.max_column_width)
            )
        self.console.line(rows_in_set(len(self.rows)) + elapsed_suffix(shown))

    def _finish_static(self) -> None:
        if self._is_plain_success():
            self.console.line(SUCCEEDED)
        elif self.job_id and [c.name for c in self.columns] == ["job id"]:
            self.console.lines(
                [
                    "[INFO] Submitting SQL update statement to the cluster...",
                    "[INFO] SQL update statement has been successfully submitted to the cluster:",
                    f"Job ID: {self.job_id}",
                ]
            )
        elif self._single_multiline_cell():
            self.console.line(str(self.rows[0].fields[0]))
        else:
            if self.rows:
                self.console.lines(render_table(self.columns, self.rows, UNLIMITED_WIDTH, ""))
            self.console.line(rows_in_set(len(self.rows)))

    def _is_plain_success(self) -> bool:
        if self.result_kind is not None:
            return self.result_kind == "SUCCESS"
        return [c.name for c in self.columns] == ["result"] and [r.fields for r in self.rows] == [
            ["OK"]
        ]

    def _single_multiline_cell(self) -> bool:
        """EXPLAIN / SHOW CREATE results: one multi-line text cell is printed as plain text."""
        if len(self.columns) != 1 or len(self.rows) != 1:
            return False
        value = self.rows[0].fields[0] if self.rows[0].fields else None
        return isinstance(value, str) and "\n" in value
