"""Shared fixtures: real gateways on 127.0.0.1 with ephemeral ports (in-process or subprocess)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from sqlgateway import config
from sqlgateway.server import READY_LINE, Gateway, build, uvicorn_config

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
if not REFERENCE.exists():  # CI lays shared/ beside the clone
    REFERENCE = Path(os.environ.get("SQLGATEWAY_REFERENCE", "../shared/reference")).resolve()


@dataclass
class RunningGateway:
    gateway: Gateway
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        return self.gateway.url

    @property
    def service(self) -> Any:
        return self.gateway.service

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=kw.pop("timeout", 30), **kw)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.gateway.service.close()
        self.gateway.sock.close()


def start_gateway(overrides: dict[str, str] | None = None) -> RunningGateway:
    """A real gateway (uvicorn + our app) serving on 127.0.0.1, port 0, in a thread."""
    raw = {
        "sql-gateway.endpoint.rest.address": "127.0.0.1",
        "sql-gateway.endpoint.rest.port": "0",
        **(overrides or {}),
    }
    gateway = build(config.load(None, raw, environ={}))
    server = uvicorn.Server(uvicorn_config(gateway))
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[gateway.sock])), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("gateway did not start")
        time.sleep(0.005)
    return RunningGateway(gateway, server, thread)


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    g = start_gateway()
    yield g
    g.stop()


@pytest.fixture
def gateway_factory() -> Iterator[Callable[..., RunningGateway]]:
    started: list[RunningGateway] = []

    def make(overrides: dict[str, str] | None = None) -> RunningGateway:
        g = start_gateway(overrides)
        started.append(g)
        return g

    yield make
    for g in started:
        g.stop()


@dataclass
class GatewayProcess:
    proc: subprocess.Popen[str]
    url: str

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        m = re.search(r"VmRSS:\s+(\d+)", status)
        return int(m.group(1)) if m else 0

    def hwm_kb(self) -> int:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        m = re.search(r"VmHWM:\s+(\d+)", status)
        return int(m.group(1)) if m else 0

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start_process(*dynamic: str, env: dict[str, str] | None = None) -> GatewayProcess:
    """``python -m sqlgateway serve`` as a subprocess on an ephemeral port."""
    args = [sys.executable, "-m", "sqlgateway", "serve", "-Dsql-gateway.endpoint.rest.port=0"]
    args += [f"-D{d}" for d in dynamic]
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if READY_LINE in line:
            url = line.split(READY_LINE, 1)[1].split()[0]
            threading.Thread(target=_drain, args=(proc,), daemon=True).start()
            return GatewayProcess(proc, url)
    proc.kill()
    raise RuntimeError("gateway process did not start:\n" + "".join(lines))


def _drain(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    for _ in proc.stdout:
        pass


@pytest.fixture
def process_factory() -> Iterator[Callable[..., GatewayProcess]]:
    started: list[GatewayProcess] = []

    def make(*dynamic: str, env: dict[str, str] | None = None) -> GatewayProcess:
        p = start_process(*dynamic, env=env)
        started.append(p)
        return p

    yield make
    for p in started:
        p.stop(signal.SIGKILL)
