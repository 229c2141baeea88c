"""Smoke test of the benchmark: ``bench/run.py --quick --start-local`` against a real gateway on
127.0.0.1 (port 0) must finish, verify every result and write a RESULTS file with every section.

No timing is asserted: the figures are printed, not judged here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SECTIONS = {
    "select1": "SELECT 1 cycle",
    "show_catalogs": "SHOW CATALOGS cycle",
    "rows100k": "100,000 rows to EOS (JSON, PLAIN_TEXT)",
    "rows10m": "20,000 rows x 9 mixed columns to EOS (JSON)",
    "concurrency": "8 concurrent clients, SELECT 1 cycles",
    "streaming": "streaming query: empty pages per non-empty page",
    "idle_sessions": "300 idle sessions",
}


def test_quick_bench_writes_all_sections(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    cmd = [
        sys.executable, str(ROOT / "bench" / "run.py"), "--start-local", "--quick",
        "--out", str(out), "--big-rows", "20000", "--clients", "8", "--load-seconds", "1",
        "--idle-sessions", "300", "--stream-seconds", "1.5", "--long-poll-wait", "500 ms",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    text = out.read_text()
    for title in SECTIONS.values():
        assert f"## {title}" in text
    for head in ("**date**", "**commit**", "**cpu**", "load average", "## Targets"):
        assert head in text

    data = json.loads(out.with_suffix(".json").read_text())
    sections = {s["key"]: s for s in data["sections"]}
    assert set(sections) == set(SECTIONS)
    for key, sec in sections.items():
        allowed = ("ok", "skipped") if key == "streaming" else ("ok",)
        assert sec["status"] in allowed, (key, sec["note"])

    m = {key: sec["metrics"] for key, sec in sections.items()}
    assert m["rows100k"]["json_rows"] == 100_000
    assert m["rows100k"]["plain_text_rows"] == 100_000
    assert m["rows10m"]["rows"] == 20_000
    assert m["rows10m"]["rss_peak_mb"] > 0
    assert m["select1"]["runs"] == 20
    assert m["concurrency"]["cycles"] > 0 and m["concurrency"]["errors"] == 0
    assert m["idle_sessions"]["sessions"] == 300
    assert m["idle_sessions"]["rss_with_sessions_mb"] > 0
