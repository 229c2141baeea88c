"""Targets, reference figures and the RESULTS.md / results JSON writers."""

from __future__ import annotations

import json
import math
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.stats import Metric, Section


@dataclass(frozen=True)
class Target:
    section: str
    metric: str
    label: str
    op: str  # "<=" or ">="
    value: float


EMBEDDED_TARGETS = (
    Target("select1", "cycle_median_ms", "SELECT 1 cycle, median (ms)", "<=", 2.0),
    Target("select1", "open_median_ms", "open session, median (ms)", "<=", 0.3),
    Target("select1", "execute_median_ms", "execute, median (ms)", "<=", 0.3),
    Target("select1", "close_median_ms", "close session, median (ms)", "<=", 0.3),
    Target("rows100k", "json_median_s", "100k rows JSON to EOS (s)", "<=", 0.1),
    Target("rows100k", "plain_text_median_s", "100k rows PLAIN_TEXT to EOS (s)", "<=", 0.1),
    Target("rows10m", "rows_per_s", "10M mixed rows, end to end (rows/s)", ">=", 1_500_000),
    Target("rows10m", "rss_peak_mb", "10M rows: server peak RSS (MB)", "<=", 300),
    Target("concurrency", "cycles_per_s", "64 clients: SELECT 1 cycles/s", ">=", 1000),
    Target("concurrency", "p99_ms", "64 clients: cycle p99 (ms)", "<=", 50),
    Target("idle_sessions", "rss_100k_mb", "100k idle sessions: server RSS (MB)", "<=", 1536),
)

# Apache Flink SQL Gateway 2.3.0, local execution target, from
# /work/shared/reference/transcripts/bench (same client method: http.client, 10 ms poll sleep).
FLINK_REFERENCE: dict[tuple[str, str], float] = {
    ("select1", "cycle_median_ms"): 1316.74,
    ("select1", "open_median_ms"): 3.49,
    ("select1", "execute_median_ms"): 2.21,
    ("select1", "close_median_ms"): 1.18,
    ("show_catalogs", "cycle_median_ms"): 13.41,
    ("show_catalogs", "open_median_ms"): 1.45,
    ("show_catalogs", "execute_median_ms"): 0.41,
    ("show_catalogs", "close_median_ms"): 0.36,
    ("rows100k", "json_median_s"): 11.125,
    ("rows100k", "plain_text_median_s"): 11.082,
    ("rows100k", "json_rows_per_s"): 8988.7,
    ("rows100k", "plain_text_rows_per_s"): 9023.8,
}

FLINK_TARGETS = tuple(
    Target(s, m, f"{s}.{m} no worse than Flink's gateway", ">=" if "per_s" in m else "<=", v)
    for (s, m), v in FLINK_REFERENCE.items()
) + (
    Target("rows100k", "json_rows_per_s", "100k rows JSON (rows/s)", ">=", 50_000),
    Target("rows10m", "rows_per_s", "mixed rows, end to end (rows/s)", ">=", 50_000),
)

TARGET_SETS = {"embedded": EMBEDDED_TARGETS, "flink": FLINK_TARGETS, "none": ()}


def derive(sections: Sequence[Section]) -> None:
    """Metrics computed from others, so targets can name one figure."""
    by = {s.key: s for s in sections}
    if "rows10m" in by:
        m = by["rows10m"].metrics
        peaks = [v for v in (m.get("rss_peak_hwm_mb"), m.get("rss_peak_sampled_mb")) if v]
        if peaks:
            m["rss_peak_mb"] = max(float(p) for p in peaks)
    if "idle_sessions" in by:
        m = by["idle_sessions"].metrics
        per, base, n = m.get("kb_per_session"), m.get("rss_before_mb"), m.get("sessions")
        if isinstance(per, float | int) and isinstance(base, float | int) and n == 100_000:
            m["rss_100k_mb"] = m["rss_with_sessions_mb"]
        elif isinstance(per, float | int) and isinstance(base, float | int) and per > 0:
            m["rss_100k_mb"] = round(base + per * 100_000 / 1024, 1)
            m["rss_100k_mb_note"] = f"extrapolated from {n} sessions"


def metric(sections: Sequence[Section], key: str, name: str) -> Metric:
    for s in sections:
        if s.key == key and s.status == "ok":
            return s.metrics.get(name)
    return None


def verdict(t: Target, value: Metric) -> str:
    if not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    ok = value <= t.value if t.op == "<=" else value >= t.value
    return "met" if ok else "MISSED"


def _fmt(v: Metric) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if math.isnan(v):
            return "-"
        return f"{v:,.3f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def machine_info() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import os

    return {
        "cpu": f"{cpu} x {os.cpu_count()}",
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def git_commit(repo: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes in the tree)" if dirty else "")


def write_json(path: Path, header: dict[str, str], sections: Sequence[Section]) -> None:
    data = {"header": header, "sections": [asdict(s) for s in sections]}
    path.write_text(json.dumps(data, indent=1, default=str) + "\n")


def load_results(path: Path) -> tuple[dict[str, str], list[Section]]:
    data = json.loads(path.read_text())
    return dict(data["header"]), [Section(**s) for s in data["sections"]]


def load_baseline(path: Path) -> tuple[str, list[Section]]:
    data = json.loads(path.read_text())
    label = data["header"].get("label") or data["header"].get("target", str(path))
    return label, [Section(**s) for s in data["sections"]]


def render(
    header: dict[str, str],
    sections: Sequence[Section],
    targets: Sequence[Target],
    baseline: tuple[str, list[Section]] | None,
) -> str:
    out = ["# sqlgateway benchmark results", ""]
    out += [f"- **{k}**: {v}" for k, v in header.items()]
    out += ["", "Generated by `bench/run.py` (see bench/README.md for the method).", ""]
    if targets:
        out += _targets_table(sections, targets)
    out += _flink_table(sections)
    if baseline:
        out += _baseline_table(sections, baseline)
    for s in sections:
        out += _section_md(s)
    return "\n".join(out) + "\n"


def _targets_table(sections: Sequence[Section], targets: Sequence[Target]) -> list[str]:
    out = ["## Targets", "", "| figure | target | measured | verdict |", "|---|---|---|---|"]
    for t in targets:
        v = metric(sections, t.section, t.metric)
        out.append(f"| {t.label} | {t.op} {_fmt(t.value)} | {_fmt(v)} | {verdict(t, v)} |")
    return out + [""]


def _flink_table(sections: Sequence[Section]) -> list[str]:
    rows = []
    for (s, m), ref in FLINK_REFERENCE.items():
        v = metric(sections, s, m)
        if isinstance(v, int | float):
            rows.append(f"| {s}.{m} | {_fmt(v)} | {_fmt(ref)} | {_ratio(v, ref, m)} |")
    if not rows:
        return []
    head = [
        "## Compared with Apache Flink SQL Gateway 2.3.0",
        "",
        "Reference figures: Flink's gateway, local execution target, same client method "
        "(transcripts/bench). Ratio = how many times better this run is (>1 is better).",
        "",
        "| figure | this run | Flink gateway | ratio |",
        "|---|---|---|---|",
    ]
    return head + rows + [""]


def _ratio(v: float, ref: float, name: str) -> str:
    if not v or not ref:
        return "-"
    r = v / ref if "per_s" in name else ref / v
    return f"{r:,.1f}x"


def _baseline_table(sections: Sequence[Section], baseline: tuple[str, list[Section]]) -> list[str]:
    label, base = baseline
    out = [
        f"## Side by side with {label}",
        "",
        "| figure | this run | baseline | ratio (>1: this run better) |",
        "|---|---|---|---|",
    ]
    for s in sections:
        for m, v in s.metrics.items():
            b = metric(base, s.key, m)
            if _better_known(m) and isinstance(v, int | float) and isinstance(b, int | float):
                out.append(f"| {s.key}.{m} | {_fmt(v)} | {_fmt(b)} | {_ratio(v, b, m)} |")
    return out + [""]


def _better_known(name: str) -> bool:
    return name.endswith(("_ms", "_s", "per_s")) and "cpu" not in name


def _section_md(s: Section) -> list[str]:
    out = [f"## {s.title}", ""]
    out.append(f"Status: **{s.status}**" + (f" — {s.note}" if s.note else ""))
    out += ["", f"Load average before/after: {s.load_before} / {s.load_after}; "
            f"section wall time {s.seconds:.1f} s", ""]  # fmt: skip
    if s.metrics:
        out += ["| metric | value |", "|---|---|"]
        out += [f"| {k} | {_fmt(v)} |" for k, v in s.metrics.items()]
        out.append("")
    if s.distributions:
        keys = ("median", "p10", "p90", "p99", "min", "max")
        out += ["| latency (ms) | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
        for name, d in s.distributions.items():
            cells = " | ".join(_fmt(d.get(k)) for k in keys)
            out.append(f"| {name} | {cells} |")
        out.append("")
    return out
