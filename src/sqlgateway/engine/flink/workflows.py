"""The Flink engine's embedded workflow scheduler: FULL-mode materialized tables.

The JVM side (MaterializedTables.java) creates, suspends, resumes and drops FULL tables in the
catalog and records each change as a workflow event; the session hands the events to this
scheduler (the shared ``engine/workflow.py`` one), which keeps Flink's cron workflow per table
(``quartz_job_<identifier>`` in ``default_group``). A fire refreshes the partition of its schedule
time, as Flink's Quartz job does through the refresh endpoint (``isPeriodic`` + ``scheduleTime``):
in the open session that holds the table in an in-memory catalog (the one that created it, or
for a workflow of the V3 endpoints the first such session), else in a new session opened with the
workflow's init config (as Flink's gateway, which sees persistent catalogs only). A table in an
in-memory catalog ends with its session, and so does its workflow.
"""

from __future__ import annotations

import logging
import uuid
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlgateway.engine.base import MaterializedRefresh
from sqlgateway.engine.workflow import (
    GROUP,
    EmbeddedScheduler,
    Workflow,
    freshness_to_cron,
    job_name,
    parse_cron,
)
from sqlgateway.errors import SQL_EXECUTION_EXCEPTION, ExecutionError
from sqlgateway.model import SessionHandle, new_operation_handle

if TYPE_CHECKING:
    from sqlgateway.engine.flink.engine import FlinkEngine
    from sqlgateway.engine.flink.session import FlinkSession

log = logging.getLogger(__name__)


class FlinkWorkflows(EmbeddedScheduler):
    """Workflows of FULL-mode tables (and of the V3 workflow endpoints) on the Flink engine."""

    def __init__(self, engine: FlinkEngine, zone: str) -> None:
        self._engine = engine
        self._owners: dict[str, weakref.ref[FlinkSession]] = {}
        super().__init__(self._refresh, zone)

    def apply(self, session: FlinkSession, events: list[dict[str, Any]]) -> None:
        """Apply the JVM's workflow events of one statement of ``session``."""
        for event in events:
            identifier = str(event["identifier"])
            name = job_name(identifier)
            action = event["action"]
            if action == "create":
                self._create(session, event)
            elif action == "drop":
                self.delete(name, GROUP)
                self._owners.pop(name, None)
            else:
                if self.get(name) is None:  # e.g. deleted through the V3 endpoint
                    self.add(self._workflow(event, session.init_config()))
                if action == "suspend":
                    self.suspend(name, GROUP)
                else:
                    self.resume(name, GROUP, event.get("dynamicOptions") or {})
                self._owners.setdefault(name, weakref.ref(session))

    def _create(self, session: FlinkSession, event: Mapping[str, Any]) -> None:
        identifier = str(event["identifier"])
        try:
            self.add(self._workflow(event, session.init_config()))
        except ExecutionError as exc:  # Flink drops the table again ("weak atomicity")
            session.drop_materialized(identifier)
            raise ExecutionError(
                f"Failed to create refresh workflow for materialized table {identifier}.",
                java_class=SQL_EXECUTION_EXCEPTION,
            ) from exc
        self._owners[job_name(identifier)] = weakref.ref(session)

    @staticmethod
    def _workflow(event: Mapping[str, Any], init_config: Mapping[str, str]) -> Workflow:
        identifier = str(event["identifier"])
        cron = parse_cron(freshness_to_cron(int(event["interval"]), str(event["unit"])))
        return Workflow(job_name(identifier), GROUP, identifier, cron,
                        init_config=dict(init_config))  # fmt: skip

    def owned_by(self, session: FlinkSession) -> list[Workflow]:
        """The workflows of the tables ``session`` created (and still owns)."""
        out: list[Workflow] = []
        for name, ref in list(self._owners.items()):
            wf = self.get(name)
            if ref() is session and wf is not None:
                out.append(wf)
        return out

    def forget(self, wf: Workflow) -> None:
        """Delete ``wf`` (its table ended with its session)."""
        self.delete(wf.name, wf.group)
        self._owners.pop(wf.name, None)

    def _refresh(self, wf: Workflow, schedule_time: str) -> None:
        spec = MaterializedRefresh(wf.periodic, schedule_time, {}, wf.dynamic_options)
        owner = self._owner(wf)
        if owner is not None:
            owner.refresh_materialized_table(
                new_operation_handle(), wf.identifier, spec, wf.execution_config
            ).source.close()
            return
        name = f"{wf.identifier}-quartz-refresh-session-{schedule_time}"
        session = self._engine.open_session(SessionHandle(uuid.uuid4()), name, wf.init_config)
        try:
            session.refresh_materialized_table(
                new_operation_handle(), wf.identifier, spec, wf.execution_config
            ).source.close()
        finally:
            session.close()

    def _owner(self, wf: Workflow) -> FlinkSession | None:
        """The open session holding the workflow's table in an in-memory catalog, if any: the
        one that created it, else (a workflow of the V3 endpoints) the first that holds it."""
        ref = self._owners.get(wf.name)
        owner = ref() if ref is not None else None
        if owner is not None and owner.is_open:
            return owner
        for session in self._engine.open_sessions():
            if session.holds(wf.identifier):
                self._owners[wf.name] = weakref.ref(session)
                return session
        return None
