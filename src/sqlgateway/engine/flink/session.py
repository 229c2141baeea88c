"""One gateway session on Flink: a SessionRunner in the JVM plus its open results."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import orjson

from sqlgateway.engine import workflow
from sqlgateway.engine.base import EngineSession, MaterializedRefresh, StatementResult
from sqlgateway.engine.common import PyRowBatch, StaticRowSource
from sqlgateway.engine.flink import convert, registry
from sqlgateway.engine.flink.jvm import ILLEGAL_STATE, JvmGeneration
from sqlgateway.engine.flink.source import JVM_ERRORS, FlinkRowSource
from sqlgateway.errors import ExecutionError
from sqlgateway.model import OperationHandle

if TYPE_CHECKING:
    from sqlgateway.engine.flink.engine import FlinkEngine


class FlinkSession(EngineSession):
    """Sessions keep their configuration in Python too, so a session whose JVM died is rebuilt
    (same configuration; in-memory catalog objects are lost) on its next statement."""

    def __init__(
        self, engine: FlinkEngine, name: str, defaults: dict[str, str], conf: dict[str, str]
    ) -> None:
        self._engine = engine
        self._name = name
        self._defaults = defaults
        self._conf = dict(conf)
        self._lock = threading.Lock()
        # statements and the scheduler's periodic refreshes take turns on the session's runner
        self._turn = threading.RLock()
        self._sources: set[FlinkRowSource] = set()
        self._executing: OperationHandle | None = None
        self._closed = False
        self._jobs: dict[str, tuple[str, bool]] = {}  # remote job id -> (cluster URL, is query)
        self._gen, self._runner = engine.open_runner(name, defaults, self._conf)
        self._cluster_url = engine.cluster_url(self._conf)
        if self._cluster_url is not None:
            engine.monitor.register(self._cluster_url)

    # ---- contract -------------------------------------------------------------------------------

    def execute(
        self, handle: OperationHandle, statement: str, overrides: Mapping[str, str]
    ) -> StatementResult:
        self._check_cluster()
        gen, runner = self._ensure_runner()
        target = self._engine.cluster_url({**self.get_config(), **overrides})
        with self._turn:
            return self._outcome(
                gen, runner, handle, target, lambda: runner.execute(statement, dict(overrides)),
                "MATERIALIZED" in statement.upper(),
            )  # fmt: skip

    def _outcome(
        self, gen: JvmGeneration, runner: Any, handle: OperationHandle, target: str | None,
        call: Callable[[], Any], workflows: bool = False,
    ) -> StatementResult:  # fmt: skip
        self._executing = handle
        try:
            outcome = self._call(gen, call)
            meta = convert.parse_meta(self._call(gen, outcome.meta))
            job_id = meta.get("jobId")
            if job_id is not None and target is not None:
                self._record_job(job_id, target, bool(meta["isQuery"]))
            fetcher = self._call(gen, outcome.fetcher)
        except ExecutionError as exc:
            self._raise_cluster_problem(exc)
            raise
        finally:
            self._executing = None
            self._refresh_config(gen, runner)
            if workflows:
                self._apply_workflow_events(gen, runner)
        columns = convert.columns(meta)
        source = self._source(gen, runner, fetcher, columns, job_id)
        return StatementResult(
            columns, convert.result_kind(meta), source, bool(meta["isQuery"]), job_id
        )

    def configure(self, handle: OperationHandle, statement: str) -> None:
        gen, runner = self._ensure_runner()
        with self._turn:
            self._executing = handle
            try:
                outcome = self._call(gen, lambda: runner.configure(statement))
                convert.parse_meta(self._call(gen, outcome.meta))
                fetcher = self._call(gen, outcome.fetcher)
                if fetcher is not None:
                    self._call(gen, lambda: runner.release(fetcher))
            finally:
                self._executing = None
                self._refresh_config(gen, runner)
                if "MATERIALIZED" in statement.upper():
                    self._apply_workflow_events(gen, runner)

    def refresh_materialized_table(
        self, handle: OperationHandle, identifier: str, refresh: MaterializedRefresh,
        overrides: Mapping[str, str],
    ) -> StatementResult:  # fmt: skip
        """Flink's ``refreshMaterializedTable``: a periodic refresh overwrites the partition of
        its schedule time (engine/workflow.py), dynamic options become table hints."""
        self._check_cluster()
        gen, runner = self._ensure_runner()
        target = self._engine.cluster_url({**self.get_config(), **overrides})
        with self._turn:
            partitions = dict(refresh.static_partitions)
            if refresh.periodic:
                partitions = self._period_partition(gen, runner, identifier, refresh, overrides)
            return self._outcome(
                gen, runner, handle, target,
                lambda: runner.refreshMaterialized(
                    identifier, partitions, refresh.periodic, dict(refresh.dynamic_options),
                    dict(overrides),
                ),
            )  # fmt: skip

    def _period_partition(
        self, gen: JvmGeneration, runner: Any, identifier: str, refresh: MaterializedRefresh,
        overrides: Mapping[str, str],
    ) -> dict[str, str]:  # fmt: skip
        outcome = self._call(gen, lambda: runner.describeMaterialized(identifier, dict(overrides)))
        info = convert.parse_meta(self._call(gen, outcome.meta))["info"]
        freshness = dt.timedelta(milliseconds=int(info["freshnessMillis"]))
        return workflow.period_partition(
            str(info["identifier"]), refresh.schedule_time, info["options"], freshness,
            _zone(str(info["zone"])),
        )  # fmt: skip

    def drop_materialized(self, identifier: str) -> None:
        """Drop a materialized table from the catalog (its workflow could not be created)."""
        gen, runner = self._ensure_runner()
        outcome = self._call(gen, lambda: runner.dropMaterialized(identifier))
        convert.parse_meta(self._call(gen, outcome.meta))

    def init_config(self) -> dict[str, str]:
        """Flink's ``getSessionInitializationConf``: the session configuration a refresh
        workflow opens its sessions with (what differs from the defaults, without the resources
        directory and the workflow-scheduler options)."""
        return {
            k: v
            for k, v in self.get_config().items()
            if self._defaults.get(k) != v
            and k != "table.resources.download-dir"
            and not k.startswith("workflow-scheduler.")
        }

    def holds(self, identifier: str) -> bool:
        """True when this session's in-memory catalog holds the table ``identifier``."""
        if self._closed or not self._gen.alive:
            return False
        with contextlib.suppress(*JVM_ERRORS):
            return bool(self._runner.holds(identifier))
        return False

    @property
    def is_open(self) -> bool:
        """False once the session is closed."""
        return not self._closed

    def _apply_workflow_events(self, gen: JvmGeneration, runner: Any) -> None:
        if not gen.alive:
            return
        events = orjson.loads(self._call(gen, runner.takeWorkflowEvents))
        if events:
            self._engine.workflows.apply(self, events)

    def complete(self, statement: str, position: int) -> list[str]:
        gen, runner = self._ensure_runner()
        outcome = self._call(gen, lambda: runner.complete(statement, int(position)))
        meta = convert.parse_meta(self._call(gen, outcome.meta))
        return [str(c) for c in meta.get("candidates", [])]

    def cancel(self, handle: OperationHandle) -> None:
        if self._executing == handle and self._gen.alive:
            with contextlib.suppress(*JVM_ERRORS):
                self._runner.cancel()

    def get_config(self) -> dict[str, str]:
        with self._lock:
            return dict(self._conf)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            sources = list(self._sources)
            self._sources.clear()
        for source in sources:
            source.close()
        if self._cluster_url is not None:
            self._engine.monitor.unregister(self._cluster_url)
        self._end_workflows()
        if self._gen.alive:
            cancel_inserts = self._conf.get("execution.target", "local") == "local"
            with contextlib.suppress(*JVM_ERRORS):
                self._runner.close(cancel_inserts)
        # queries were cancelled above; INSERT jobs on a remote cluster outlive the session (as
        # with Flink's gateway), so no record of this session's jobs is kept
        with self._lock:
            jobs, self._jobs = list(self._jobs), {}
        for job in jobs:
            self._engine.jobs.discard(job)

    # ---- helpers --------------------------------------------------------------------------------

    def _end_workflows(self) -> None:
        """The tables this session created in an in-memory catalog end with it: so do their
        workflows (the others' fires open a session with the workflow's init config)."""
        for wf in self._engine.workflows.owned_by(self):
            gone = True
            if self._gen.alive:
                with contextlib.suppress(*JVM_ERRORS):
                    gone = bool(self._runner.inMemory(wf.identifier))
            if gone:
                self._engine.workflows.forget(wf)

    def fail_results(self, url: str, message: str) -> None:
        """The remote cluster at ``url`` is lost: fail this session's running results and
        interrupt a statement that waits for it (job submission retries for a minute)."""
        if url != self._cluster_url:
            return
        if self._executing is not None and self._gen.alive:
            with contextlib.suppress(*JVM_ERRORS):
                self._runner.cancel()
        with self._lock:
            sources = list(self._sources)
        for source in sources:
            source.fail(message)
            source.close()

    def _record_job(self, job_id: str, url: str, is_query: bool) -> None:
        with self._lock:
            self._jobs[job_id] = (url, is_query)
        self._engine.jobs.add(job_id, url)

    def _release_job(self, job_id: str) -> None:
        with self._lock:
            known = self._jobs.pop(job_id, None)
        if known is not None:
            self._engine.jobs.discard(job_id)

    def cancel_lost_queries(self, gen: JvmGeneration) -> None:
        """The JVM ``gen`` died: cancel the remote query jobs whose results it was reading
        (nobody can read them any more); INSERT jobs keep running."""
        if gen is not self._gen:
            return
        with self._lock:
            queries = {j: url for j, (url, query) in self._jobs.items() if query}
            for job in queries:
                del self._jobs[job]
        for job, url in queries.items():
            if registry.cancel_job(url, job):
                self._engine.jobs.discard(job)

    def _raise_cluster_problem(self, exc: ExecutionError) -> None:
        """A statement failed while its cluster is lost: say so (keeping Flink's error)."""
        if self._cluster_url is None:
            return
        problem = self._engine.monitor.problem(self._cluster_url)
        if problem is not None:
            raise ExecutionError(problem, java_class=ILLEGAL_STATE) from exc

    def _check_cluster(self) -> None:
        if self._cluster_url is None:
            return
        problem = self._engine.monitor.problem(self._cluster_url)
        if problem is not None:
            raise ExecutionError(
                problem + " The statement was not run; retry once the cluster is back.",
                java_class=ILLEGAL_STATE,
            )

    def _ensure_runner(self) -> tuple[JvmGeneration, Any]:
        with self._lock:
            if self._closed:
                raise ExecutionError("The session is closed.", java_class=ILLEGAL_STATE)
            if not self._gen.alive:
                self._gen, self._runner = self._engine.open_runner(
                    self._name, self._defaults, self._conf
                )
            return self._gen, self._runner

    def _call(self, gen: JvmGeneration, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except JVM_ERRORS as exc:
            gen.process.poll()
            if gen.process.returncode is not None and gen.death is None:
                code = gen.process.returncode
                gen.death = f"The Flink JVM exited unexpectedly (exit code {code})."
            raise ExecutionError(
                gen.death or f"The call into the Flink JVM failed: {exc}",
                java_class=ILLEGAL_STATE,
            ) from None

    def _refresh_config(self, gen: JvmGeneration, runner: Any) -> None:
        if not gen.alive:
            return
        try:
            conf = orjson.loads(runner.configJson())
        except JVM_ERRORS:
            return
        with self._lock:
            self._conf = {str(k): str(v) for k, v in conf.items()}

    def _source(
        self, gen: JvmGeneration, runner: Any, fetcher: Any, columns: list[Any], job_id: str | None
    ) -> FlinkRowSource | StaticRowSource:
        if fetcher is None:
            return StaticRowSource(PyRowBatch([c.type for c in columns], []))
        url = self._cluster_url
        health = (lambda: self._engine.monitor.problem(url)) if url is not None else None

        def forget(source: FlinkRowSource) -> None:
            with self._lock:
                self._sources.discard(source)
            if job_id is not None:
                self._release_job(job_id)  # closing the result cancelled its job

        source = FlinkRowSource(runner, fetcher, gen, health, forget)
        with self._lock:
            self._sources.add(source)
        return source


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, LookupError):
        return ZoneInfo("UTC")
