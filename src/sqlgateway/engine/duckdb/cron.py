"""Quartz cron expressions (the embedded workflow scheduler's triggers) and Flink's freshness ->
cron conversion (``IntervalFreshness.convertFreshnessToCron``).

A Quartz expression has six or seven fields: seconds, minutes, hours, day-of-month, month,
day-of-week and an optional year. Supported per field: ``*``, ``?`` (day fields), numbers,
month/day names, ranges ``a-b``, increments ``a/n`` / ``*/n`` / ``a-b/n`` and lists ``x,y``.
Quartz's ``L``, ``W`` and ``#`` are refused as invalid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlgateway.errors import VALIDATION_EXCEPTION, ExecutionError

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
