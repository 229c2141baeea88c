"""Client-side display settings, read from the session configuration like the Flink SQL client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .render import DEFAULT_MAX_COLUMN_WIDTH

RUNTIME_MODE = "execution.runtime-mode"
MAX_COLUMN_WIDTH = "sql-client.display.max-column-width"
PRINT_TIME_COST = "sql-client.display.print-time-cost"
VERBOSE = "sql-client.verbose"
RESULT_MODE = "sql-client.execution.result-mode"


@dataclass(frozen=True)
class DisplaySettings:
    """How results are shown: streaming changelog vs batch table, widths, timing, errors."""

    streaming: bool = True
    max_column_width: int = DEFAULT_MAX_COLUMN_WIDTH
    print_time_cost: bool = True
    verbose: bool = False
    result_mode: str = "tableau"

    @classmethod
    def from_config(cls, config: Mapping[str, str], verbose: bool = False) -> DisplaySettings:
        """Derive the settings from a session configuration (missing keys: Flink defaults)."""
        width = config.get(MAX_COLUMN_WIDTH, "")
        return cls(
            streaming=config.get(RUNTIME_MODE, "streaming").strip().lower() != "batch",
            max_column_width=int(width) if width.strip().isdigit() else DEFAULT_MAX_COLUMN_WIDTH,
            print_time_cost=config.get(PRINT_TIME_COST, "true").strip().lower() != "false",
            verbose=verbose or config.get(VERBOSE, "false").strip().lower() == "true",
            result_mode=config.get(RESULT_MODE, "tableau").strip().lower(),
        )
