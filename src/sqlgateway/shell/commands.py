"""Client-side commands handled by the shell itself (not sent to the gateway)."""

from __future__ import annotations

from enum import Enum

from .splitter import strip_comments


class Command(Enum):
    """A client command."""

    QUIT = "quit"
    HELP = "help"
    CLEAR = "clear"


_NAMES = {"quit": Command.QUIT, "exit": Command.QUIT, "help": Command.HELP, "clear": Command.CLEAR}

HELP_TEXT = """\
The following commands are available:

CLEAR		Clears the current terminal.
HELP		Prints the available commands.
QUIT/EXIT	Quits the SQL client (Ctrl-D works too).

Every other statement is sent to the SQL gateway. End statements with ';'
(multi-line input continues until then; Alt-Enter / Esc Enter submits anyway).
Tab asks the gateway for completions. Ctrl-C while a statement runs stops it
(the operation is closed); Ctrl-C at the prompt clears the input.

Result display follows the session configuration, as in the Flink SQL client:
SET 'execution.runtime-mode' = 'batch';              -- tables with "N rows in set"
SET 'execution.runtime-mode' = 'streaming';          -- live changelog with 'op' column
SET 'sql-client.display.max-column-width' = '30';
SET 'sql-client.verbose' = 'true';                   -- full server stack traces
"""


def parse_command(statement: str) -> Command | None:
    """The client command in ``statement`` (``QUIT;``, ``exit``, ``help;``...), else None."""
    word = strip_comments(statement).strip().rstrip(";").strip().lower()
    return _NAMES.get(word)
