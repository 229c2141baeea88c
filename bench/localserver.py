"""Start (and stop) our own gateway as a child process for ``--start-local``."""

from __future__ import annotations

import http.client
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CMD = (
    "{python} -m sqlgateway serve -Dsql-gateway.endpoint.rest.address=127.0.0.1 "
    "-Dsql-gateway.endpoint.rest.port=0"
)
# The gateway prints this once it is bound (server.READY_LINE); with port 0 it names the port.
_READY = re.compile(r"listening on (https?://\S+?:(\d+))\b")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalServer:
    """A gateway child process on 127.0.0.1, with its log in a temporary file."""

    def __init__(
        self, options: list[str], cmd_template: str = DEFAULT_CMD, src: Path | None = None
    ) -> None:
        """``cmd_template`` may contain ``{port}`` (a free port is picked); otherwise the port is
        read from the gateway's ready line."""
        self.port = free_port() if "{port}" in cmd_template else 0
        cmd = cmd_template.format(python=shlex.quote(sys.executable), port=self.port)
        self.argv = shlex.split(cmd) + [f"-D{o}" for o in options]
        self.log = Path(tempfile.mkstemp(prefix="sqlgateway-bench-", suffix=".log")[1])
        self.proc: subprocess.Popen[bytes] | None = None
        self.src = src or Path(__file__).resolve().parent.parent / "src"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 60.0) -> LocalServer:
        env = dict(os.environ)
        path = (str(self.src), env.get("PYTHONPATH"))
        env["PYTHONPATH"] = os.pathsep.join(p for p in path if p)
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"gateway exited with {self.proc.returncode}:\n{self.tail()}")
            if not self.port:
                self._read_port()
                if not self.port:
                    time.sleep(0.05)
                    continue
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/v1/info")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gateway did not answer within {timeout:.0f} s:\n{self.tail()}")

    def _read_port(self) -> None:
        m = _READY.search(self.log.read_text(errors="replace"))
        if m:
            self.port = int(m.group(2))

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
