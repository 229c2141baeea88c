"""In-process sampling profiler for the gateway (all threads), for machines where py-spy cannot
keep up (it fell minutes behind on the shared 2-core VMs).

    python bench/sampler.py --out /tmp/gw.folded [--rate 200] -- -m sqlgateway serve -D...

A daemon thread snapshots ``sys._current_frames()`` ``rate`` times a second and writes collapsed
stacks (``thread;frame;frame count`` — flamegraph.pl / speedscope input) every 2 s and at exit.
``--top N`` prints the N hottest functions (self and inclusive) of an existing file instead.
Sampling stops once the process exits; it only sees Python frames (time in C code such as
DuckDB or JSON encoding is charged to the Python line that called it).
"""

from __future__ import annotations

import argparse
import atexit
import collections
import runpy
import sys
import threading
import time
from pathlib import Path
from types import FrameType


def _stack(frame: FrameType | None) -> str:
    parts: list[str] = []
    while frame is not None:
        code = frame.f_code
        parts.append(f"{code.co_name} ({Path(code.co_filename).name}:{frame.f_lineno})")
        frame = frame.f_back
    return ";".join(reversed(parts))


class Sampler:
    def __init__(self, out: Path, rate: float, delay: float = 0.0) -> None:
        self.out = out
        self.delay = delay
        self.interval = 1.0 / rate
        self.counts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self._run, name="bench-sampler", daemon=True).start()
        atexit.register(self.write)

    def _run(self) -> None:
        time.sleep(self.delay)
        me = threading.get_ident()
        names = {t.ident: t.name for t in threading.enumerate()}
        last_write = time.monotonic()
        while True:
            time.sleep(self.interval)
            frames = sys._current_frames()
            if len(frames) != len(names):
                names = {t.ident: t.name for t in threading.enumerate()}
            with self.lock:
                for ident, frame in frames.items():
                    if ident != me:
                        name = names.get(ident, "?").split("-")[0].split(" ")[0]
                        self.counts[f"{name};{_stack(frame)}"] += 1
            if time.monotonic() - last_write > 2:
                self.write()
                last_write = time.monotonic()

    def write(self) -> None:
        with self.lock:
            lines = [f"{stack} {n}" for stack, n in self.counts.most_common()]
        self.out.write_text("\n".join(lines) + "\n")


def top(path: Path, n: int, skip_idle: bool = True) -> str:
    """The hottest functions of a collapsed-stack file: self samples and inclusive samples."""
    own: collections.Counter[str] = collections.Counter()
    incl: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if skip_idle and _idle(frames[-1]):
            continue
        c = int(count)
        total += c
        own[frames[-1]] += c
        for f in set(frames[1:]):
            incl[f] += c
    out = [f"busy samples: {total}", "", "self %  function"]
    out += [f"{100 * c / total:6.1f}  {f}" for f, c in own.most_common(n)]
    out += ["", "incl %  function"]
    out += [f"{100 * c / total:6.1f}  {f}" for f, c in incl.most_common(n)]
    return "\n".join(out)


_IDLE = ("wait (threading.py", "select (selectors.py", "get (queue.py", "_worker (thread.py",
         "sleep", "poll (", "run_forever", "_work (pool.py")  # fmt: skip


def _idle(frame: str) -> bool:
    return frame.startswith(_IDLE) or frame.startswith("wait (")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--rate", type=float, default=200.0)
    p.add_argument("--delay", type=float, default=0.0, help="start sampling after S seconds")
    p.add_argument("--top", type=int, help="print the hottest functions of --out and exit")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="-- -m module args... | script args...")
    args = p.parse_args()
    if args.top:
        print(top(args.out, args.top))
        return
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    Sampler(args.out, args.rate, args.delay).start()
    if rest[:1] == ["-m"]:
        sys.argv = [rest[1], *rest[2:]]
        runpy.run_module(rest[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = rest
        runpy.run_path(rest[0], run_name="__main__")


if __name__ == "__main__":
    main()
