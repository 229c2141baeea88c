"""Running ``sqlgateway sql`` as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SQL_CMD = [sys.executable, "-m", "sqlgateway.shell"]  # the same main() as ``sqlgateway sql``
CLI_CMD = [sys.executable, "-m", "sqlgateway", "sql"]
# an unbounded stream, 5 rows per second (Flink's datagen connector; works on every engine)
SLOW_STREAM = (
    "CREATE TEMPORARY TABLE slow_stream (id INT) "
    "WITH ('connector' = 'datagen', 'rows-per-second' = '5');"
)
LONG_QUERY = "SELECT id FROM slow_stream;"


def run_sql(
    *args: str,
    stdin: str | None = None,
    home: Path | None = None,
    timeout: float = 60,
    cli: bool = False,
) -> subprocess.CompletedProcess[str]:
    """``sqlgateway sql ARGS`` with pipes; returns the completed process."""
    env = {**os.environ, "HOME": str(home or Path.cwd())}
    env.pop("SQLGATEWAY_TOKEN", None)
    env.pop("SQLGATEWAY_PASSWORD", None)
    return subprocess.run(
        [*(CLI_CMD if cli else SQL_CMD), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
