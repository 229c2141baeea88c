"""The embedded workflow scheduler of the DuckDB engine (Flink's ``EmbeddedQuartzScheduler``).

One daemon thread (``mt-refresh``) fires every workflow, one at a time as Quartz's single-thread
pool does: the cron workflows of FULL-mode materialized tables and of the V3
``/workflow/embedded-scheduler`` endpoints, and the fixed-interval workflows that stand in for
CONTINUOUS-mode refresh jobs (DuckDB has no streaming jobs). Workflow keys are Quartz's: name
``quartz_job_<identifier>`` in group ``default_group``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlgateway.engine.base import WorkflowScheduler
from sqlgateway.engine.duckdb import cron
from sqlgateway.errors import ExecutionError

log = logging.getLogger(__name__)

GROUP = "default_group"
SCHEDULER_EXCEPTION = "org.apache.flink.table.gateway.workflow.scheduler.SchedulerException"
SCHEDULE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MISFIRE_THRESHOLD = 60.0  # seconds late after which missed fire times are skipped (Quartz's)


def job_name(identifier: str) -> str:
    return f"quartz_job_{identifier}"


@dataclass
class Workflow:
    """One scheduled refresh. ``cron`` None: fixed ``interval`` seconds (continuous mode)."""

    name: str
    group: str
    identifier: str
    cron: cron.Cron | None
    interval: float = 0.0
    dynamic_options: dict[str, str] = field(default_factory=dict)
    init_config: dict[str, str] = field(default_factory=dict)
    execution_config: dict[str, str] = field(default_factory=dict)
    rest_endpoint_url: str | None = None
    paused: bool = False
    next_fire: float = 0.0  # epoch seconds
    scheduled: dt.datetime | None = None  # the next fire time as wall-clock time in the zone

    @property
    def periodic(self) -> bool:
        """Cron workflows refresh the partition of their schedule time (isPeriodic)."""
        return self.cron is not None

    @property
    def key(self) -> str:
        """Quartz's JobKey.toString(): ``group.name``."""
        return f"{self.group}.{self.name}"


Fire = Callable[[Workflow, str], None]


class EmbeddedScheduler(WorkflowScheduler):
    """Workflows by key, fired by one thread in the zone ``zone`` (Quartz: the JVM's zone)."""

    def __init__(self, fire: Fire, zone: str) -> None:
        self._fire = fire
        self._zone = _zone(zone)
        self._cond = threading.Condition()
        self._workflows: dict[tuple[str, str], Workflow] = {}
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="mt-refresh", daemon=True)
        self._thread.start()

    # ---- the WorkflowScheduler contract (the V3 endpoints) ------------------------------------

    def create(
        self, identifier: str, cron_expression: str, dynamic_options: Mapping[str, str],
        init_config: Mapping[str, str], execution_config: Mapping[str, str],
        rest_endpoint_url: str | None,
    ) -> tuple[str, str]:  # fmt: skip
        wf = Workflow(job_name(identifier), GROUP, identifier, parse_cron(cron_expression), 0.0,
                      dict(dynamic_options), dict(init_config), dict(execution_config),
                      rest_endpoint_url)  # fmt: skip
        self.add(wf)
        return wf.name, wf.group

    def suspend(self, name: str, group: str) -> None:
        with self._cond:
            self._existing(name, group, "suspend").paused = True

    def resume(self, name: str, group: str, dynamic_options: Mapping[str, str]) -> None:
        with self._cond:
            wf = self._existing(name, group, "resume")
            if dynamic_options:
                wf.dynamic_options = dict(dynamic_options)
            if wf.paused:
                wf.paused = False
                self._schedule(wf, None)
            self._cond.notify_all()

    def delete(self, name: str, group: str) -> None:
        with self._cond:
            self._workflows.pop((name, group), None)
            self._cond.notify_all()

    def modify_cron(self, name: str, group: str, cron_expression: str) -> None:
        with self._cond:
            wf = self._existing(name, group, "modify")
            wf.cron, wf.interval = parse_cron(cron_expression), 0.0
            self._schedule(wf, None)
            self._cond.notify_all()

    # ---- engine side -----------------------------------------------------------------------

    def add(self, wf: Workflow) -> None:
        """Schedule ``wf``; Flink's error if a workflow with its key exists."""
        with self._cond:
            if (wf.name, wf.group) in self._workflows:
                raise ExecutionError(
                    f"Materialized table {wf.identifier} quartz schedule job already exist, "
                    f"job info: {wf.key}.",
                    java_class=SCHEDULER_EXCEPTION,
                )
            self._schedule(wf, None)
            self._workflows[(wf.name, wf.group)] = wf
            self._cond.notify_all()

    def get(self, name: str, group: str = GROUP) -> Workflow | None:
        with self._cond:
            return self._workflows.get((name, group))

    def names(self) -> list[tuple[str, str]]:
        with self._cond:
            return list(self._workflows)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    # ---- firing ----------------------------------------------------------------------------

    def _existing(self, name: str, group: str, verb: str) -> Workflow:
        wf = self._workflows.get((name, group))
        if wf is None:
            raise ExecutionError(
                f"Failed to {verb} a non-existent quartz schedule job: {group}.{name}.",
                java_class=SCHEDULER_EXCEPTION,
            )
        return wf

    def _now_local(self) -> dt.datetime:
        return dt.datetime.now(self._zone).replace(tzinfo=None, microsecond=0)

    def _epoch(self, local: dt.datetime) -> float:
        return local.replace(tzinfo=self._zone).timestamp()

    def _schedule(self, wf: Workflow, after: dt.datetime | None) -> None:
        """Set the next fire time after ``after`` (None: now); late ones are skipped."""
        now = self._now_local()
        if wf.cron is None:
            wf.scheduled = None
            wf.next_fire = time.time() + wf.interval
            return
        base = after if after is not None else now
        nxt = wf.cron.next_after(base)
        if nxt is not None and self._epoch(nxt) < time.time() - MISFIRE_THRESHOLD:
            nxt = wf.cron.next_after(now)
        wf.scheduled = nxt
        wf.next_fire = self._epoch(nxt) if nxt is not None else float("inf")

    def _due(self) -> list[Workflow]:
        """Wait until a workflow is due (or stop); the due workflows, rescheduled."""
        with self._cond:
            while not self._stopped:
                active = [w for w in self._workflows.values() if not w.paused]
                now = time.time()
                due = [w for w in active if w.next_fire <= now]
                if due:
                    return due
                wait = min((w.next_fire for w in active), default=now + 60) - now
                self._cond.wait(max(0.01, min(wait, 60.0)))
            return []

    def _run(self) -> None:
        while True:
            due = self._due()
            if not due:
                return
            for wf in sorted(due, key=lambda w: w.next_fire):
                scheduled = wf.scheduled
                with self._cond:
                    self._schedule(wf, scheduled)
                when = (scheduled or self._now_local()).strftime(SCHEDULE_TIME_FORMAT)
                try:
                    self._fire(wf, when)
                except ExecutionError as exc:  # Quartz logs a failed job and keeps the trigger
                    log.error("refresh workflow %s failed: %s", wf.key, exc.message)
                except Exception:  # noqa: BLE001 - the same, for an unexpected error
                    log.exception("refresh workflow %s failed", wf.key)


def _zone(name: str) -> ZoneInfo | None:
    """The zone fire times are in; None (the process's local time) if unknown."""
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, OSError, LookupError):
        return None


def parse_cron(expression: str) -> cron.Cron:
    """A Quartz expression, or Quartz's "CronExpression '…' is invalid." error."""
    try:
        return cron.parse(expression)
    except cron.CronError as exc:
        cause = ExecutionError(str(exc), java_class="java.text.ParseException")
        raise cron.invalid(expression) from cause
