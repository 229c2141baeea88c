"""The Apache Flink engine: sessions run in one PyFlink-launched JVM, jobs go to a local
mini-cluster (``execution.target: local``) or a session cluster (``remote``)."""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from sqlgateway.config import Settings
from sqlgateway.engine.base import Engine, EngineSession, WorkflowScheduler
from sqlgateway.engine.flink import convert, options
from sqlgateway.engine.flink.health import ClusterMonitor
from sqlgateway.engine.flink.jvm import ILLEGAL_STATE, Jvm, JvmGeneration
from sqlgateway.engine.flink.registry import JobRegistry
from sqlgateway.engine.flink.session import FlinkSession
from sqlgateway.engine.flink.source import JVM_ERRORS
from sqlgateway.engine.flink.workflows import FlinkWorkflows
from sqlgateway.errors import ExecutionError
from sqlgateway.model import SessionHandle

log = logging.getLogger(__name__)
logging.getLogger("py4j").setLevel(logging.CRITICAL)  # JVM loss is reported by the engine

# What Flink's gateway puts into every session configuration (seen in real 2.3.0 sessions).
GATEWAY_DEFAULTS = {
    "execution.target": "local",
    "execution.attached": "true",
    "execution.shutdown-on-attached-exit": "false",
}


class FlinkEngine(Engine):
    """Creates Flink sessions. Thread-safe; the JVM starts with the first session."""

    name = "flink"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._defaults = {**GATEWAY_DEFAULTS, **settings.flink_config}
        self._buffer_rows = settings.get(options.RESULT_BUFFER_ROWS)
        self._local_cluster = {
            options.LOCAL_CLUSTER.key: settings.get(options.LOCAL_CLUSTER),
            options.LOCAL_CLUSTER_SLOTS.key: str(settings.get(options.LOCAL_CLUSTER_SLOTS)),
        }
        cache_dir = settings.get(options.CACHE_DIR)
        self._jvm = Jvm(cache_dir, settings.get(options.JVM_START_TIMEOUT))
        self._jvm.on_death.append(self._jvm_died)
        self.jobs = JobRegistry(
            settings.get(options.JOB_STATE_DIR) or str(Path(cache_dir).expanduser() / "jobs"),
            settings.get(options.CANCEL_ORPHANED_JOBS),
        )
        self.monitor = ClusterMonitor(
            settings.get(options.HEALTH_CHECK_INTERVAL),
            settings.get(options.HEALTH_CHECK_FAILURES),
        )
        self.monitor.add_listener(self._cluster_lost)
        self._sessions: weakref.WeakSet[FlinkSession] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._closed = False
        # Quartz fires in the JVM's zone: the gateway's local-time-zone, else the process's
        zone = self._defaults.get("table.local-time-zone", "")
        self.workflows = FlinkWorkflows(self, "" if zone == "default" else zone)
        if settings.get(options.PRESTART):
            threading.Thread(target=self._warm_up, name="flink-warm-up", daemon=True).start()

    # ---- contract -------------------------------------------------------------------------------

    def open_session(
        self, handle: SessionHandle, session_name: str | None, properties: Mapping[str, str]
    ) -> EngineSession:
        conf = {
            **self._defaults,
            # Flink's gateway gives every session its own resource directory (ADD JAR, UDFs).
            "table.resources.download-dir": str(
                Path(tempfile.gettempdir()) / f"sql-gateway-{handle}"
            ),
            **{str(k): str(v) for k, v in properties.items()},
        }
        session = FlinkSession(self, str(handle), dict(self._defaults), conf)
        with self._lock:
            self._sessions.add(session)
        return session

    def version(self) -> str:
        try:
            from pyflink.version import __version__

            return f"Apache Flink {__version__} (PyFlink)"
        except ImportError:  # pragma: no cover
            return "Apache Flink"

    def deploy_script(
        self, session: EngineSession, script: str | None, script_uri: str | None,
        overrides: Mapping[str, str],
    ) -> str:  # fmt: skip
        raise ExecutionError(
            "Deploying scripts needs an application-mode execution target "
            "(kubernetes-application or yarn-application), which the sqlgateway Flink engine "
            "does not support yet; run the statements in a session instead.",
            java_class="java.lang.UnsupportedOperationException",
        )

    def workflow_scheduler(self) -> WorkflowScheduler:
        return self.workflows

    def close(self) -> None:
        self._closed = True
        self.workflows.stop()
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.close()
        self.monitor.close()
        self._jvm.close()
        self.jobs.close()

    # ---- used by sessions ---------------------------------------------------------------------

    def open_sessions(self) -> list[FlinkSession]:
        """The sessions open now."""
        with self._lock:
            return [s for s in self._sessions if s.is_open]

    @property
    def jvm(self) -> Jvm:
        return self._jvm

    def open_runner(
        self, name: str, defaults: dict[str, str], conf: dict[str, str]
    ) -> tuple[JvmGeneration, Any]:
        """A new SessionRunner in the current JVM (started on first use)."""
        gen = self._jvm.ensure()
        try:
            runner = gen.runner_class().openJson(
                name,
                orjson.dumps(defaults).decode(),
                orjson.dumps(conf).decode(),
                orjson.dumps(self._hidden(conf)).decode(),
                self._buffer_rows,
            )
        except JVM_ERRORS as exc:
            gen.check()
            raise ExecutionError(
                f"Could not open a Flink session: {exc}", java_class=ILLEGAL_STATE
            ) from None
        if isinstance(runner, str):
            convert.parse_meta(runner)
        return gen, runner

    @staticmethod
    def cluster_url(conf: Mapping[str, str]) -> str | None:
        """The REST URL of the remote session cluster a configuration targets, if any."""
        if conf.get("execution.target", "local").strip().lower() != "remote":
            return None
        host = conf.get("rest.address", "localhost").strip() or "localhost"
        port = conf.get("rest.port", "8081").strip() or "8081"
        return f"http://{host}:{port}"

    def _warm_up(self) -> None:
        """Start the JVM (and the shared local MiniCluster) and run one query, so the first real
        statement finds warm planner, deployment and result-collection classes."""
        try:
            gen, runner = self.open_runner("warm-up", dict(self._defaults), dict(self._defaults))
            local = self.cluster_url(self._defaults) is None
            if local:
                error = gen.runner_class().prestartLocalCluster()
                if error is not None:
                    convert.parse_meta(error)
            outcome = runner.execute("SELECT 1" if local else "EXPLAIN SELECT 1", {})
            convert.parse_meta(outcome.meta())
            fetcher = outcome.fetcher()
            if fetcher is not None:
                while fetcher.poll(100, 10_000) is not None:
                    pass
                runner.release(fetcher)
            runner.close(False)
            log.info("Flink JVM %d warmed up", gen.number)
        except Exception:  # noqa: BLE001 - warm-up is best effort; sessions report real errors
            if self._closed:
                return  # the engine closed while warming up
            log.warning("Flink warm-up failed", exc_info=True)

    def _hidden(self, conf: Mapping[str, str]) -> dict[str, str]:
        """Settings that are not part of the visible session config (a session may still SET
        them): how local jobs run, and what Python UDFs need."""
        hidden = dict(self._local_cluster)
        if "python.executable" not in conf:
            hidden["python.executable"] = sys.executable
            hidden["python.client.executable"] = sys.executable
        return hidden

    def _jvm_died(self, gen: JvmGeneration) -> None:
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.cancel_lost_queries(gen)

    def _cluster_lost(self, url: str, message: str) -> None:
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.fail_results(url, message)
