"""The interactive prompt: prompt_toolkit line editing, history, highlighting, completion."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, ThreadedCompleter
from prompt_toolkit.filters import completion_is_selected, is_searching
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.lexers import Lexer, PygmentsLexer

from .commands import parse_command
from .splitter import split_statements

PROMPT = "Flink SQL> "
CONTINUATION = "> "
HISTORY_ENV = "SQLGATEWAY_HISTORY"
DEFAULT_HISTORY = "~/.sqlgateway_history"


def ready_to_submit(text: str) -> bool:
    """Enter submits when the input is empty, a client command or ends with a full ``;``."""
    if not text.strip() or parse_command(text) is not None:
        return True
    split = split_statements(text)
    return bool(split.statements) and split.complete


def history_path(explicit: str | None = None) -> Path:
    """``--history-file``, else ``$SQLGATEWAY_HISTORY``, else ``~/.sqlgateway_history``."""
    return Path(explicit or os.environ.get(HISTORY_ENV) or DEFAULT_HISTORY).expanduser()


def sql_lexer() -> Lexer | None:
    """prompt_toolkit lexer wrapping pygments' ``SqlLexer`` (None without pygments)."""
    try:
        module = importlib.import_module("pygments.lexers.sql")
    except ImportError:
        return None
    return PygmentsLexer(module.SqlLexer)


def key_bindings() -> KeyBindings:
    """Enter: newline until the statement is complete; Alt-Enter: submit anyway."""
    bindings = KeyBindings()

    @bindings.add("enter", filter=~completion_is_selected & ~is_searching)
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if ready_to_submit(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("enter", filter=completion_is_selected & ~is_searching)
    def _accept_completion(event: KeyPressEvent) -> None:
        event.current_buffer.complete_state = None

    @bindings.add("escape", "enter", filter=~is_searching)
    def _force_submit(event: KeyPressEvent) -> None:
        event.current_buffer.validate_and_handle()

    return bindings


def _continuation(width: int, line_number: int, wrap_count: int) -> str:
    return CONTINUATION.rjust(width)


def _open_history(path: Path) -> History:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))


def make_prompt(history_file: Path, completer: Completer | None) -> Callable[[], str]:
    """A function reading one submission (may hold several statements) from the terminal.

    It raises ``KeyboardInterrupt`` (Ctrl-C) and ``EOFError`` (Ctrl-D) like ``input``.
    """
    session: PromptSession[str] = PromptSession(
        history=_open_history(history_file),
        lexer=sql_lexer(),
        completer=ThreadedCompleter(completer) if completer else None,
        complete_while_typing=False,
        multiline=True,
        key_bindings=key_bindings(),
        prompt_continuation=_continuation,
        enable_history_search=False,
    )

    def read() -> str:
        return session.prompt(PROMPT)

    return read
