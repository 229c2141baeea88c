"""One-minute soak (bench/soak.py): 64 clients, flat RSS/threads/fds, every idle session reaped."""

from __future__ import annotations

import pytest
from bench.soak import run_soak


@pytest.mark.slow
def test_one_minute_soak() -> None:
    report = run_soak(seconds=60, clients=64)
    assert report.ok, report.failures
    assert report.statements > 300 and report.rows > 100_000
    assert report.abandoned > 0 and report.expired == report.abandoned
    assert report.sessions_open_after == 0
