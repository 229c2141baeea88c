"""Quartz cron expressions, Flink's freshness -> cron conversion and the date-formatter patterns
of periodic materialized-table refreshes."""

from __future__ import annotations

import datetime as dt

import pytest

from sqlgateway.engine import workflow as cron
from sqlgateway.engine.workflow import java_format
from sqlgateway.errors import ExecutionError

T = dt.datetime(2024, 1, 1, 10, 0, 7, 500)  # a Monday


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("0/5 * * * * ? *", dt.datetime(2024, 1, 1, 10, 0, 10)),
        ("0 0/15 * * * ? *", dt.datetime(2024, 1, 1, 10, 15)),
        ("0 0 0/6 * * ? *", dt.datetime(2024, 1, 1, 12, 0)),
        ("0 0 0 * * ? *", dt.datetime(2024, 1, 2)),
        ("* * * * * ?", dt.datetime(2024, 1, 1, 10, 0, 8)),
        ("0 30 9 ? * MON-FRI", dt.datetime(2024, 1, 2, 9, 30)),
        ("0 0 12 ? * SUN", dt.datetime(2024, 1, 7, 12, 0)),
        ("0 0 12 1 JAN,JUL ? 2030", dt.datetime(2030, 1, 1, 12, 0)),
        ("15,45 * * * * ?", dt.datetime(2024, 1, 1, 10, 0, 15)),
        ("0 0 0 29 2 ?", dt.datetime(2024, 2, 29)),
        ("0 0 0 1 1 ? 2199", dt.datetime(2199, 1, 1)),
    ],
)
def test_next_fire_time(expression: str, expected: dt.datetime) -> None:
    assert cron.parse(expression).next_after(T) == expected


@pytest.mark.parametrize(
    "expression",
    ["", "* * * * *", "0 0 0 * * *", "0 0 0 1 * MON", "61 * * * * ?", "0 0 0 L * ?",
     "? * * * * *", "0 0 25 * * ?", "0 0 0 ? FOO *"],
)  # fmt: skip
def test_invalid_expressions(expression: str) -> None:
    with pytest.raises(cron.CronError):
        cron.parse(expression)


def test_freshness_to_cron_as_flink() -> None:
    assert cron.freshness_to_cron(30, "SECOND") == "0/30 * * * * ? *"
    assert cron.freshness_to_cron(5, "SECOND") == "0/5 * * * * ? *"
    assert cron.freshness_to_cron(15, "MINUTE") == "0 0/15 * * * ? *"
    assert cron.freshness_to_cron(6, "HOUR") == "0 0 0/6 * * ? *"
    assert cron.freshness_to_cron(1, "DAY") == "0 0 0 * * ? *"
    errors = {
        (90, "SECOND"): "freshness must be less than 60 when the time unit is SECOND.",
        (32, "SECOND"): "only freshness that are factors of 60 are currently supported when the "
        "time unit is SECOND.",
        (7, "HOUR"): "factors of 24 are currently supported when the time unit is HOUR.",
        (2, "DAY"): "In full refresh mode, freshness must be 1 when the time unit is DAY.",
    }
    for (interval, unit), message in errors.items():
        with pytest.raises(ExecutionError, match=message.replace(".", r"\.")):
            cron.freshness_to_cron(interval, unit)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("yyyy-MM-dd", "2024-03-05"),
        ("yyyyMMdd", "20240305"),
        ("yyyy-MM-dd HH", "2024-03-05 07"),
        ("HH:mm:ss.SSS", "07:08:09.123"),
        ("yy/M/d H:m", "24/3/5 7:8"),
        ("'dt='yyyy-MM-dd", "dt=2024-03-05"),
        ("'it''s' yyyy", "it's 2024"),
        ("EEE yyyy", None),  # other pattern letters: no value (Flink's formatter fails)
    ],
)
def test_java_date_patterns(pattern: str, expected: str | None) -> None:
    value = dt.datetime(2024, 3, 5, 7, 8, 9, 123456)
    assert java_format(value, pattern) == expected
