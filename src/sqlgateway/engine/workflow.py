"""The embedded workflow scheduler shared by the engines (Flink's ``EmbeddedQuartzScheduler``).

Engine-neutral parts of materialized tables in FULL refresh mode:

* Quartz cron expressions (the scheduler's triggers) and Flink's freshness -> cron conversion
  (``IntervalFreshness.convertFreshnessToCron``). A Quartz expression has six or seven fields:
  seconds, minutes, hours, day-of-month, month, day-of-week and an optional year. Supported per
  field: ``*``, ``?`` (day fields), numbers, month/day names, ranges ``a-b``, increments ``a/n`` /
  ``*/n`` / ``a-b/n`` and lists ``x,y``. Quartz's ``L``, ``W`` and ``#`` are refused as invalid.
* The workflow registry and its one daemon thread (``mt-refresh``), firing every workflow one at
  a time as Quartz's single-thread pool does. Workflow keys are Quartz's: name
  ``quartz_job_<identifier>`` in group ``default_group``. A fire calls the engine's callback with
  the schedule time (``yyyy-MM-dd HH:mm:ss``), as Flink's Quartz job calls the refresh endpoint
  with ``isPeriodic`` and ``scheduleTime``.
* The partition a periodic refresh overwrites (Flink's ``getPeriodRefreshPartition``): the
  schedule time minus the freshness, formatted by the ``partition.fields.<col>.date-formatter``
  options.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlgateway.engine.base import WorkflowScheduler
from sqlgateway.errors import SQL_EXECUTION_EXCEPTION, VALIDATION_EXCEPTION, ExecutionError

log = logging.getLogger(__name__)

SCHEDULE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
FORMATTER = re.compile(r"partition\.fields\.(.+)\.date-formatter")

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
# (low, high, names starting at ``low``) per field
_FIELDS = [
    (0, 59, None), (0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS),
    (1, 7, _DAYS), (1970, 2199, None),
]  # fmt: skip


class CronError(ValueError):
    """An expression Quartz's ``CronExpression`` would refuse."""


@dataclass(frozen=True)
class Cron:
    """A parsed Quartz cron expression; ``next_after`` gives its fire times."""

    text: str
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # day-of-month, None = '?'
    months: frozenset[int]
    weekdays: frozenset[int] | None  # 1 = Sunday … 7 = Saturday, None = '?'
    years: frozenset[int] | None  # None = every year

    def _day_matches(self, day: dt.date) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.days is not None and day.day not in self.days:
            return False
        return self.weekdays is None or (day.isoweekday() % 7 + 1) in self.weekdays

    def next_after(self, after: dt.datetime) -> dt.datetime | None:
        """The first fire time strictly after ``after`` (naive wall-clock time), or None."""
        start = after.replace(microsecond=0) + dt.timedelta(seconds=1)
        day = start.date()
        for _ in range(366 * 8):
            if day.year > 2199:
                return None
            if self.years is not None and day.year not in self.years:
                day = dt.date(day.year + 1, 1, 1)  # skip whole years (e.g. "… ? 2199")
                continue
            if day.month not in self.months:
                day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                continue
            if self._day_matches(day):
                found = self._first_in_day(day, start)
                if found is not None:
                    return found
            day += dt.timedelta(days=1)
        return None

    def _first_in_day(self, day: dt.date, start: dt.datetime) -> dt.datetime | None:
        floor = start.time() if day == start.date() else dt.time(0, 0, 0)
        for h in sorted(self.hours):
            if h < floor.hour:
                continue
            for m in sorted(self.minutes):
                if (h, m) < (floor.hour, floor.minute):
                    continue
                for s in sorted(self.seconds):
                    if (h, m, s) >= (floor.hour, floor.minute, floor.second):
                        return dt.datetime.combine(day, dt.time(h, m, s))
        return None


def parse(text: str) -> Cron:
    """Parse a Quartz expression; raises ``CronError`` as Quartz's parser would refuse it."""
    parts = (text or "").split()
    if len(parts) not in (6, 7):
        raise CronError(f"Unexpected end of expression: {text}")
    sets: list[frozenset[int] | None] = []
    for i, part in enumerate(parts):
        sets.append(_field(part.upper(), i))
    days, weekdays = sets[3], sets[5]
    if (days is None) == (weekdays is None):
        raise CronError(
            "Support for specifying both a day-of-week AND a day-of-month parameter is not "
            "implemented."
        )
    years = sets[6] if len(parts) == 7 else None
    s, mi, h, mo = sets[0], sets[1], sets[2], sets[4]
    if s is None or mi is None or h is None or mo is None:
        raise CronError("'?' can only be specified for Day-of-Month or Day-of-Week.")
    return Cron(text, s, mi, h, days, mo, weekdays, years)


def _field(part: str, index: int) -> frozenset[int] | None:
    low, high, names = _FIELDS[index]
    if part == "?":
        if index not in (3, 5):
            raise CronError("'?' can only be specified for Day-of-Month or Day-of-Week.")
        return None
    out: set[int] = set()
    for item in part.split(","):
        out.update(_item(item, low, high, names))
    return frozenset(out)


def _item(item: str, low: int, high: int, names: list[str] | None) -> range:
    base, _, step_text = item.partition("/")
    step = _number(step_text, 1, 10**6, None) if step_text else 1
    if base in ("*", ""):
        start, end = low, high
    elif "-" in base:
        a, b = base.split("-", 1)
        start, end = _number(a, low, high, names), _number(b, low, high, names)
    else:
        start = _number(base, low, high, names)
        end = high if step_text else start
    if end < start:
        raise CronError(f"Illegal range {item}")
    return range(start, end + 1, step)


def _number(text: str, low: int, high: int, names: list[str] | None) -> int:
    if names is not None and text in names:
        return names.index(text) + low
    if not text.isdigit():
        raise CronError(f"Illegal characters for this position: '{text}'")
    value = int(text)
    if not low <= value <= high:
        raise CronError(f"Value {value} out of range [{low}, {high}]")
    return value


def invalid(text: str) -> ExecutionError:
    """What Quartz's ``CronScheduleBuilder.cronSchedule`` throws for a bad expression."""
    return ExecutionError(
        f"CronExpression '{text}' is invalid.", java_class="java.lang.RuntimeException"
    )


# ---- freshness -> cron (Flink's IntervalFreshness) ---------------------------------------------

_TEMPLATES = {
    "SECOND": ("0/{} * * * * ? *", 60), "MINUTE": ("0 0/{} * * * ? *", 60),
    "HOUR": ("0 0 0/{} * * ? *", 24),
}  # fmt: skip


def freshness_to_cron(interval: int, unit: str) -> str:
    """Flink's cron expression for a FULL-mode freshness; ``ValidationException`` if none."""
    if unit == "DAY":
        if interval > 1:
            raise _validation(
                "In full refresh mode, freshness must be 1 when the time unit is DAY."
            )
        return "0 0 0 * * ? *"
    template, bound = _TEMPLATES[unit]
    if interval >= bound:
        raise _validation(
            f"In full refresh mode, freshness must be less than {bound} when the time unit "
            f"is {unit}."
        )
    if bound % interval:
        raise _validation(
            f"In full refresh mode, only freshness that are factors of {bound} are currently "
            f"supported when the time unit is {unit}."
        )
    return template.format(interval)


def _validation(message: str) -> ExecutionError:
    return ExecutionError(message, java_class=VALIDATION_EXCEPTION)


# ---- the scheduler ---------------------------------------------------------------------------

GROUP = "default_group"
SCHEDULER_EXCEPTION = "org.apache.flink.table.gateway.workflow.scheduler.SchedulerException"
MISFIRE_THRESHOLD = 60.0  # seconds late after which missed fire times are skipped (Quartz's)


def job_name(identifier: str) -> str:
    return f"quartz_job_{identifier}"


@dataclass
class Workflow:
    """One scheduled refresh. ``cron`` None: fixed ``interval`` seconds (continuous mode)."""

    name: str
    group: str
    identifier: str
    cron: Cron | None
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


def parse_cron(expression: str) -> Cron:
    """A Quartz expression, or Quartz's "CronExpression '…' is invalid." error."""
    try:
        return parse(expression)
    except CronError as exc:
        cause = ExecutionError(str(exc), java_class="java.text.ParseException")
        raise invalid(expression) from cause


# ---- schedule time -> partition (Flink's getPeriodRefreshPartition) ----------------------------


def period_partition(
    identifier: str, schedule_time: str | None, options: Mapping[str, str],
    freshness: dt.timedelta, zone: ZoneInfo,
) -> dict[str, str]:  # fmt: skip
    """Each date-formatter option's value of (schedule time minus ``freshness``) in ``zone``:
    the partition spec a periodic refresh of ``identifier`` overwrites."""
    if schedule_time is None:
        raise ExecutionError(
            "The scheduler time must not be null during the periodic refresh of the "
            f"materialized table {identifier}.",
            java_class=VALIDATION_EXCEPTION,
        )
    out: dict[str, str] = {}
    for option, pattern in options.items():
        m = FORMATTER.fullmatch(option)
        if m is None:
            continue
        value = _shifted(schedule_time, pattern, zone, freshness)
        if value is None:
            raise ExecutionError(
                f"Failed to parse a valid partition value for the field '{m.group(1)}' in "
                f"materialized table {identifier} using the scheduler time '{schedule_time}' "
                "based on the date format 'yyyy-MM-dd HH:mm:ss'.",
                java_class=SQL_EXECUTION_EXCEPTION,
            )
        out[m.group(1)] = value
    return out


def _shifted(text: str, pattern: str, zone: ZoneInfo, minus: dt.timedelta) -> str | None:
    try:
        local = dt.datetime.strptime(text.strip(), SCHEDULE_TIME_FORMAT).replace(tzinfo=zone)
    except ValueError:
        return None
    shifted = (local.astimezone(dt.UTC) - minus).astimezone(zone)
    return java_format(shifted, pattern)


_JAVA = re.compile(r"'((?:[^']|'')*)'|(y+|M+|d+|H+|m+|s+|S+)|([A-Za-z])|([^A-Za-z']+)")


def java_format(value: dt.datetime, pattern: str) -> str | None:
    """``value`` formatted by a Java date pattern (letters y M d H m s S, quoted literals);
    None for a pattern using other letters."""
    out: list[str] = []
    for m in _JAVA.finditer(pattern):
        literal, letters, other, text = m.groups()
        if literal is not None:
            out.append(literal.replace("''", "'") or "'")
        elif text is not None:
            out.append(text)
        elif other is not None:
            return None
        else:
            out.append(_date_field(value, letters))
    return "".join(out)


def _date_field(value: dt.datetime, letters: str) -> str:
    width = len(letters)
    kind = letters[0]
    if kind == "y":
        return str(value.year % 100).zfill(2) if width == 2 else str(value.year).zfill(width)
    if kind == "S":
        return str(value.microsecond // 1000).zfill(3)[:width].ljust(width, "0")
    number = {"M": value.month, "d": value.day, "H": value.hour, "m": value.minute,
              "s": value.second}[kind]  # fmt: skip
    return str(number).zfill(width)
