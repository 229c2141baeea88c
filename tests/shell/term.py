"""A pexpect-driven pseudo-terminal whose output is matched after stripping ANSI sequences."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pexpect  # type: ignore[import-untyped]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[=>]|\x1b\][^\x07]*\x07")
SHELL_CMD = [sys.executable, "-m", "sqlgateway.shell"]


def clean(text: str) -> str:
    """Terminal output without escape sequences, carriage returns folded into newlines."""
    return _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


class Term:
    """The shell running in a pty; ``expect`` searches the cleaned output after the last match."""

    def __init__(self, args: list[str], home: Path, timeout: float = 45.0) -> None:
        env = {
            **os.environ,
            "HOME": str(home),
            "TERM": "xterm",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "COLUMNS": "200",
            "LINES": "50",
        }
        self.child = pexpect.spawn(
            SHELL_CMD[0],
            [*SHELL_CMD[1:], *args],
            env=env,
            encoding="utf-8",
            timeout=timeout,
            dimensions=(50, 200),
        )
        self.timeout = timeout
        self.raw = ""
        self.pos = 0

    @property
    def text(self) -> str:
        """All cleaned output so far."""
        return clean(self.raw)

    def _pump(self) -> bool:
        try:
            self.raw += self.child.read_nonblocking(65536, timeout=0.05)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            return False
        return True

    def expect(self, pattern: str, timeout: float | None = None) -> re.Match[str]:
        """Wait until ``pattern`` (regex) appears in the cleaned output after the last match."""
        deadline = time.monotonic() + (timeout or self.timeout)
        regex = re.compile(pattern)
        while True:
            alive = self._pump()
            match = regex.search(self.text, self.pos)
            if match:
                self.pos = match.end()
                return match
            if not alive or time.monotonic() > deadline:
                raise AssertionError(
                    f"pattern {pattern!r} not found; output after last match:\n"
                    + self.text[self.pos :]
                )

    def prompt(self) -> None:
        """Wait for the next ``Flink SQL>`` prompt."""
        self.expect(r"Flink SQL>")

    def send(self, text: str) -> None:
        """Type ``text`` (use ``\\r`` for Enter)."""
        self.child.send(text)

    def line(self, text: str) -> None:
        """Type one line and press Enter."""
        self.child.send(text + "\r")

    def interrupt(self) -> None:
        """Ctrl-C."""
        self.child.sendintr()

    def wait_exit(self, timeout: float = 20.0) -> int:
        """Wait for the process to end; return its exit status."""
        deadline = time.monotonic() + timeout
        while self._pump():
            if time.monotonic() > deadline:
                raise AssertionError("shell did not exit:\n" + self.text[self.pos :])
        self.child.close()
        status = self.child.exitstatus
        return int(status) if status is not None else -1

    def close(self) -> None:
        """Kill the shell if it is still running."""
        if self.child.isalive():
            self.child.terminate(force=True)
