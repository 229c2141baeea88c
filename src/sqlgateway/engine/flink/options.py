"""Gateway options of the Flink engine (``sql-gateway.flink.*``), declared with the core loader.

Every other key of the gateway configuration (``execution.target``, ``rest.address``,
``rest.port``, ``parallelism.default``, ...) is Flink configuration and reaches the sessions as is.
"""

from __future__ import annotations

from pathlib import Path

from sqlgateway import config
from sqlgateway.config import Option, parse_duration

CACHE_DIR = Option(
    "sql-gateway.flink.cache-dir",
    str,
    str(Path.home() / ".cache" / "sqlgateway"),
    "Where the engine's small Java helper is compiled (once per source/Flink version).",
)
RESULT_BUFFER_ROWS = Option(
    "sql-gateway.flink.result-buffer-rows",
    int,
    "10000",
    "Rows of one query result buffered in the JVM ahead of the client (the job waits when full).",
)
HEALTH_CHECK_INTERVAL = Option(
    "sql-gateway.flink.health-check-interval",
    parse_duration,
    "1 s",
    "How often a remote Flink cluster's REST endpoint is probed while results are open.",
)
HEALTH_CHECK_FAILURES = Option(
    "sql-gateway.flink.health-check-failures",
    int,
    "3",
    "Consecutive failed probes after which a remote cluster counts as lost and its running "
    "results fail.",
)
JVM_START_TIMEOUT = Option(
    "sql-gateway.flink.jvm-start-timeout",
    parse_duration,
    "60 s",
    "How long to wait for the Flink JVM to start.",
)

PRESTART = Option(
    "sql-gateway.flink.prestart",
    config.parse_bool,
    "true",
    "Start and warm up the Flink JVM in the background when the gateway starts, so the first "
    "session does not wait for it.",
)

config.register(
    PRESTART,
    CACHE_DIR,
    RESULT_BUFFER_ROWS,
    HEALTH_CHECK_INTERVAL,
    HEALTH_CHECK_FAILURES,
    JVM_START_TIMEOUT,
)
