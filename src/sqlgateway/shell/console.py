"""Terminal output: result lines on stdout, errors and a spinner/elapsed-time line on stderr."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from typing import TextIO

from .render import display_width

SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_CLEAR_LINE = "\r\x1b[K"


class Console:
    """Writes output lines; owns the transient status line (spinner) when ``spinner`` is on."""

    def __init__(
        self,
        out: TextIO | None = None,
        err: TextIO | None = None,
        spinner: bool | None = None,
    ) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.spinner = _isatty(self.err) if spinner is None else spinner
        self._frame = 0
        self._status_shown = False

    def line(self, text: str = "") -> None:
        """Print one line of output (clears the status line first)."""
        self.clear_status()
        self.out.write(text + "\n")
        self.out.flush()

    def lines(self, texts: list[str]) -> None:
        """Print several lines."""
        self.clear_status()
        self.out.write("".join(t + "\n" for t in texts))
        self.out.flush()

    def is_terminal(self) -> bool:
        """True when results go to a terminal (live redraws are possible)."""
        return _isatty(self.out)

    def height(self) -> int:
        """Terminal height in lines."""
        return shutil.get_terminal_size().lines

    def redraw(self, previous: int, texts: Sequence[str]) -> int:
        """Erase the last ``previous`` physical lines, print ``texts``; return their line count."""
        self.clear_status()
        if previous:
            self.out.write(f"\x1b[{previous}F\x1b[J")
        self.out.write("".join(t + "\n" for t in texts))
        self.out.flush()
        width = max(1, shutil.get_terminal_size().columns)
        return sum(max(1, -(-display_width(t) // width)) for t in texts)

    def error(self, text: str) -> None:
        """Print an error message on stderr."""
        self.clear_status()
        self.out.flush()
        self.err.write(text + "\n")
        self.err.flush()

    def status(self, text: str) -> None:
        """Show/refresh the spinner status line (no-op when the spinner is disabled)."""
        if not self.spinner:
            return
        self._frame = (self._frame + 1) % len(SPINNER_FRAMES)
        self.out.flush()
        self.err.write(f"{_CLEAR_LINE}{SPINNER_FRAMES[self._frame]} {text}")
        self.err.flush()
        self._status_shown = True

    def clear_status(self) -> None:
        """Erase the status line if it is shown."""
        if self._status_shown:
            self.err.write(_CLEAR_LINE)
            self.err.flush()
            self._status_shown = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
