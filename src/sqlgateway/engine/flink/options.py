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


def _local_cluster_mode(text: str) -> str:
    mode = text.strip().lower()
    if mode not in ("shared", "per-job"):
        raise ValueError(f"expected 'shared' or 'per-job', got {text!r}")
    return mode


LOCAL_CLUSTER = Option(
    "sql-gateway.flink.local-cluster",
    _local_cluster_mode,
    "shared",
    "How jobs of the `local` execution target run: `shared` submits them to one warm "
    "MiniCluster started with the engine (no ~1 s cluster start per job); `per-job` starts a "
    "MiniCluster per job as Flink's own gateway does. Jobs that set cluster-level options "
    "(taskmanager.*, jobmanager.*, ...) or need more slots than are free use a per-job cluster.",
)
LOCAL_CLUSTER_SLOTS = Option(
    "sql-gateway.flink.local-cluster.slots",
    int,
    "16",
    "Task slots of the shared local MiniCluster (unbounded jobs hold theirs until cancelled).",
)

JOB_STATE_DIR = Option(
    "sql-gateway.flink.job-state-dir",
    str,
    "",
    "Directory of the small files in which each gateway process records the jobs it runs on "
    "remote clusters (default: `jobs/` under the cache dir). Gateways sharing it cancel the jobs "
    "of a gateway process that died without closing its sessions.",
)
CANCEL_ORPHANED_JOBS = Option(
    "sql-gateway.flink.cancel-orphaned-jobs",
    config.parse_bool,
    "true",
    "At start, cancel the remote jobs recorded by gateway processes that are no longer running "
    "(retried every 5 s while a cluster is unreachable).",
)

config.register(
    PRESTART,
    JOB_STATE_DIR,
    CANCEL_ORPHANED_JOBS,
    LOCAL_CLUSTER,
    LOCAL_CLUSTER_SLOTS,
    CACHE_DIR,
    RESULT_BUFFER_ROWS,
    HEALTH_CHECK_INTERVAL,
    HEALTH_CHECK_FAILURES,
    JVM_START_TIMEOUT,
)
