"""Small statistics helpers and the result record every section fills in."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

Metric = float | int | str | None


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[min(rank, len(ordered)) - 1])


def median(values: Sequence[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def summary_ms(samples_ns: Sequence[int]) -> dict[str, float]:
    """median / p10 / p90 / p99 / min / max of nanosecond samples, in milliseconds."""
    ms = [s / 1e6 for s in samples_ns]
    if not ms:
        return {}
    return {
        "median": round(median(ms), 3),
        "p10": round(percentile(ms, 10), 3),
        "p90": round(percentile(ms, 90), 3),
        "p99": round(percentile(ms, 99), 3),
        "min": round(min(ms), 3),
        "max": round(max(ms), 3),
    }


@dataclass
class Section:
    """The outcome of one benchmark section."""

    key: str
    title: str
    status: str = "ok"  # ok | skipped | failed
    note: str = ""
    metrics: dict[str, Metric] = field(default_factory=dict)
    distributions: dict[str, dict[str, float]] = field(default_factory=dict)
    load_before: str = ""
    load_after: str = ""
    seconds: float = 0.0

    def fail(self, message: str) -> Section:
        self.status = "failed"
        self.note = message
        return self

    def skip(self, message: str) -> Section:
        self.status = "skipped"
        self.note = message
        return self
