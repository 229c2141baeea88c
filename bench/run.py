"""Benchmark a Flink-SQL-Gateway-compatible REST endpoint and write bench/RESULTS.md.

    python bench/run.py --start-local                 # our gateway, embedded DuckDB engine
    python bench/run.py --url http://127.0.0.1:8083 --flavour flink --label "Flink 2.3.0"

See bench/README.md for every section, the method and the targets.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # run as a script: import the bench package, not its modules

from bench.client import GatewayClient, GatewayError  # noqa: E402
from bench.localserver import DEFAULT_CMD, LocalServer  # noqa: E402
from bench.procmon import ProcMonitor, load_average  # noqa: E402
from bench.report import (  # noqa: E402
    TARGET_SETS,
    derive,
    git_commit,
    load_baseline,
    load_results,
    machine_info,
    render,
    write_json,
)
from bench.sections import SECTIONS, Ctx  # noqa: E402
from bench.stats import Section  # noqa: E402
from bench.workloads import VerificationError, apply_overrides, workloads  # noqa: E402

ORDER = ["select1", "show_catalogs", "rows100k", "rows10m", "concurrency", "streaming",
         "idle_sessions"]  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    t = p.add_argument_group("target")
    t.add_argument("--url", help="gateway to measure, e.g. http://127.0.0.1:8083")
    t.add_argument("--start-local", action="store_true", help="start our gateway on a free port")
    t.add_argument("--engine", choices=["duckdb", "flink"], default="duckdb",
                   help="engine of the local gateway (sets -Dsql-gateway.engine)")  # fmt: skip
    t.add_argument("--server-opt", action="append", default=[], metavar="KEY=VALUE",
                   help="extra -D option for the local gateway (repeatable)")  # fmt: skip
    t.add_argument("--server-cmd", default=DEFAULT_CMD, help="command template ({python}, {port})")
    t.add_argument(
        "--src",
        type=Path,
        help="sqlgateway sources for the local gateway (default: src/ of this tree)",
    )
    t.add_argument("--server-pid", type=int, help="pid of a gateway not started here (for RSS)")
    t.add_argument("--label", help="name of the target in the report")
    t.add_argument("--api-version", default="v3", choices=["v1", "v2", "v3", "v4"])
    w = p.add_argument_group("workloads")
    w.add_argument("--only", help="comma-separated sections: " + ",".join(ORDER))
    w.add_argument("--quick", action="store_true", help="small sizes and short runs (smoke test)")
    w.add_argument("--flavour", choices=["duckdb", "flink"],
                   help="workload SQL: plain SQL over range() or Flink datagen")  # fmt: skip
    w.add_argument("--sql", action="append", default=[], metavar="NAME=SQL",
                   help="override a workload query (NAME.setup=SQL adds a setup)")  # fmt: skip
    w.add_argument("--big-rows", type=int, help="rows of the mixed-column workload (10,000,000)")
    w.add_argument("--runs", type=int, help="measured runs of the latency cycles (200)")
    w.add_argument("--clients", type=int, default=64)
    w.add_argument("--load-seconds", type=float)
    w.add_argument("--idle-sessions", type=int)
    w.add_argument("--stream-seconds", type=float)
    w.add_argument("--poll-sleep-ms", type=float, default=10.0,
                   help="sleep after NOT_READY or an empty page (reference: 10)")  # fmt: skip
    w.add_argument("--long-poll-wait", default="1 s",
                   help="with --start-local: rerun the streaming section on a second gateway "
                   "with sql-gateway.result.fetch-max-wait set to this ('' to skip)")  # fmt: skip
    o = p.add_argument_group("output")
    o.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    o.add_argument("--targets", choices=sorted(TARGET_SETS), help="target set to judge against")
    o.add_argument("--baseline", help="results JSON of another run, for a side-by-side table")
    o.add_argument("--from-json", help="only re-render the report from this results JSON")
    o.add_argument("--notes", default=str(ROOT / "bench" / "NOTES.md"),
                   help="hand-written analysis appended to the report ('' for none)")  # fmt: skip
    args = p.parse_args(argv)
    if not args.url and not args.start_local and not args.from_json:
        p.error("give --url or --start-local")
    return args


def build_ctx(args: argparse.Namespace, url: str, monitor: ProcMonitor | None) -> Ctx:
    flavour = args.flavour or ("flink" if args.engine == "flink" and args.start_local else "duckdb")
    big = args.big_rows or (200_000 if args.quick else 10_000_000)
    wl = workloads(flavour, big)
    apply_overrides(wl, args.sql)
    return Ctx(
        url=url, version=args.api_version, flavour=flavour, quick=args.quick,
        poll_sleep=args.poll_sleep_ms / 1000, workloads=wl, monitor=monitor,
        clients=args.clients,
        runs=args.runs or (20 if args.quick else 200),
        load_seconds=args.load_seconds or (3.0 if args.quick else 30.0),
        idle_sessions=args.idle_sessions or (2_000 if args.quick else 100_000),
        stream_seconds=args.stream_seconds or (3.0 if args.quick else 20.0),
    )  # fmt: skip


def selected(args: argparse.Namespace) -> list[str]:
    if not args.only:
        return list(ORDER)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise SystemExit(f"unknown section(s) {unknown}; known: {ORDER}")
    return [n for n in ORDER if n in names]


def run_section(name: str, ctx: Ctx) -> Section:
    load0, t0 = load_average(), time.perf_counter()
    print(f"[{datetime.now(UTC):%H:%M:%S}] {name} ...", flush=True)
    try:
        sec = SECTIONS[name](ctx)
    except VerificationError as exc:
        sec = Section(name, name).fail(f"WRONG DATA: {exc}")
    except (GatewayError, OSError, RuntimeError) as exc:
        traceback.print_exc()
        sec = Section(name, name).fail(f"{type(exc).__name__}: {exc}")
    sec.load_before, sec.load_after = load0, load_average()
    sec.seconds = time.perf_counter() - t0
    print(f"    {sec.status} {sec.note} {sec.metrics}", flush=True)
    return sec


def header(args: argparse.Namespace, ctx: Ctx, mon: ProcMonitor | None) -> dict[str, str]:
    c = GatewayClient(ctx.url, ctx.version)
    try:
        info = c.info()
    finally:
        c.close()
    h = {
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        "commit": git_commit(ROOT),
        **machine_info(),
        "target": args.label
        or (
            "sqlgateway (local, " + args.engine + ")" if args.start_local else ctx.url
        ),  # fmt: skip
        "gateway /info": f"{info.get('productName')} {info.get('version')}",
        "workload flavour": ctx.flavour,
        "mode": "quick (smoke sizes)" if ctx.quick else "full",
        "client": f"http.client keep-alive; poll sleep {ctx.poll_sleep * 1000:g} ms",
        "load average at start": load_average(),
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
    }
    if mon:
        h["server RSS at start"] = f"{mon.rss_mb():.1f} MB"
    return h


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        head, sections = load_results(Path(args.from_json))
        return write_outputs(args, head, sections)
    names = selected(args)
    servers: list[LocalServer] = []
    try:
        url, pid = args.url, args.server_pid
        if args.start_local:
            opts = [f"sql-gateway.engine={args.engine}", *args.server_opt]
            servers.append(LocalServer(opts, args.server_cmd, args.src).start())
            url, pid = servers[0].url, servers[0].pid
        mon = ProcMonitor(pid) if pid else None
        ctx = build_ctx(args, url, mon)
        if args.start_local and args.long_poll_wait and "streaming" in names:
            lp = [*opts, f"sql-gateway.result.fetch-max-wait={args.long_poll_wait}"]
            servers.append(LocalServer(lp, args.server_cmd, args.src).start())
            ctx.long_poll_url, ctx.long_poll_wait = servers[-1].url, args.long_poll_wait
        head = header(args, ctx, mon)
        sections = [run_section(n, ctx) for n in names]
        head["load average at end"] = load_average()
    finally:
        for s in servers:
            s.stop()
    return write_outputs(args, head, sections)


def write_outputs(args: argparse.Namespace, head: dict[str, str], sections: list[Section]) -> int:
    derive(sections)
    target_set = args.targets or ("flink" if args.engine == "flink" else "embedded")
    if not args.start_local and not args.targets:
        target_set = "none"
    baseline = load_baseline(Path(args.baseline)) if args.baseline else None
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = render(head, sections, TARGET_SETS[target_set], baseline)
    if args.notes and Path(args.notes).is_file():
        text += "\n" + Path(args.notes).read_text()
    out.write_text(text)
    write_json(out.with_suffix(".json"), head, sections)
    print(f"wrote {out} and {out.with_suffix('.json')}")
    failed = [s.key for s in sections if s.status == "failed"]
    if failed:
        print(f"FAILED sections: {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
