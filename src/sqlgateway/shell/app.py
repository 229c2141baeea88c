"""``sqlgateway sql``: connect, open a session, run -e / -f / stdin / the interactive prompt."""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from sqlgateway.client import ApiVersion, GatewayClient, GatewayClientError

from .commands import HELP_TEXT, Command, parse_command
from .console import Console
from .options import Options, parse_options
from .runner import StatementRunner, describe_error, session_gone
from .settings import DisplaySettings
from .splitter import statements_of, strip_comments

HEARTBEAT_SECONDS = 60.0
_CONFIG_WORDS = ("SET", "RESET")


class Shell:
    """One connected session: runs statements and client commands, tracks display settings."""

    def __init__(
        self,
        client: GatewayClient,
        session: str,
        console: Console,
        verbose: bool = False,
        reopen: Callable[[], str] | None = None,
        echo: bool = False,
    ) -> None:
        self.client = client
        self.session = session
        self.console = console
        self.verbose = verbose
        self.reopen = reopen
        self.echo = echo
        self.runner = StatementRunner(client, session, console)
        self.settings = DisplaySettings(verbose=verbose)
        self.quit = False

    def refresh_settings(self) -> None:
        """Re-read the session configuration (runtime mode, display options)."""
        with contextlib.suppress(GatewayClientError):
            config = self.client.get_session_config(self.session)
            self.settings = DisplaySettings.from_config(config, self.verbose)

    def run_text(self, text: str) -> bool:
        """Run every statement of ``text``; stop at the first failure; True if all succeeded."""
        for statement in statements_of(text):
            if self.echo:
                self.console.line(f"Flink SQL> {statement}")
            if not self.run_statement(statement):
                return False
            if self.quit:
                break
        return True

    def run_statement(self, statement: str) -> bool:
        """Run one statement or client command."""
        command = parse_command(statement)
        if command is Command.QUIT:
            self.quit = True
        elif command is Command.HELP:
            self.console.line(HELP_TEXT)
        elif command is Command.CLEAR:
            self.console.line("\x1b[H\x1b[2J")
        else:
            ok = self.runner.run(statement, self.settings)
            if ok and _first_word(statement) in _CONFIG_WORDS:
                self.refresh_settings()
            if not ok and session_gone(self.runner.last_error, self.session):
                self._reconnect()
            return ok
        return True

    def _reconnect(self) -> None:
        """The session vanished (idle timeout, gateway restart): open a fresh one."""
        if self.reopen is None:
            return
        try:
            self.session = self.runner.session = self.reopen()
        except GatewayClientError as exc:
            self.console.error(f"[ERROR] Could not open a new session: {describe_error(exc)}")
            return
        self.refresh_settings()
        self.console.error(
            f"[WARNING] The session no longer existed; opened a new session {self.session} "
            "(session state such as SET values and temporary objects is lost)."
        )

    def interactive(self, read: Callable[[], str]) -> int:
        """The read-eval-print loop; returns the exit code (0)."""
        while not self.quit:
            try:
                text = read()
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            with contextlib.suppress(KeyboardInterrupt):
                self.run_text(text)
            self.console.line()
        return 0

    def complete(self, statement: str, position: int) -> list[str]:
        """Completion candidates from the gateway (none for API v1)."""
        if self.client.version is ApiVersion.V1:
            return []
        return self.client.complete(self.session, statement, position)


def _first_word(statement: str) -> str:
    words = strip_comments(statement).split(None, 1)
    return words[0].upper().rstrip(";") if words else ""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``sqlgateway sql``; returns the process exit code."""
    try:
        options = parse_options(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return run(options)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader of our output went away (e.g. `| head`): exit quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def run(options: Options, client: GatewayClient | None = None) -> int:
    """Run the client with parsed options (``client``: a preconfigured client to use)."""
    console = Console(spinner=options.spinner)
    if client is None:
        options = _ask_password(options)
        client = GatewayClient(
            options.endpoint, credentials=options.credentials, api_version=options.api_version
        )
    try:
        session = _open(client, options, console)
        if session is None:
            return 1
        shell = Shell(
            client,
            session,
            console,
            options.verbose,
            reopen=lambda: client.open_session(options.properties, options.session_name),
            echo=options.echo,
        )
        try:
            return _run_session(shell, options)
        finally:
            with contextlib.suppress(GatewayClientError):
                client.close_session(shell.session)
    finally:
        client.close()


def _ask_password(options: Options) -> Options:
    creds = options.credentials
    if creds.user is None or creds.password is not None or creds.token:
        return options
    if not sys.stdin.isatty():
        return options
    password = getpass.getpass(f"Password for {creds.user}: ")
    return replace(options, credentials=replace(creds, password=password))


def _open(client: GatewayClient, options: Options, console: Console) -> str | None:
    try:
        return client.open_session(options.properties, options.session_name)
    except GatewayClientError as exc:
        detail = describe_error(exc, options.verbose)
        console.error(f"[ERROR] Could not open a session on {client.endpoint}: {detail}")
        return None


def _run_session(shell: Shell, options: Options) -> int:
    stop = threading.Event()
    threading.Thread(target=_heartbeat, args=(shell, stop), daemon=True).start()
    try:
        shell.refresh_settings()
        if options.init_file and not shell.run_text(_read(options.init_file)):
            return 1
        if options.execute is not None:
            return 0 if shell.run_text(options.execute) else 1
        if options.file is not None:
            return 0 if shell.run_text(_read(options.file)) else 1
        if not sys.stdin.isatty():
            return 0 if shell.run_text(sys.stdin.read()) else 1
        return _interactive(shell, options)
    except BrokenPipeError:
        raise
    except OSError as exc:
        shell.console.error(f"[ERROR] {exc}")
        return 1
    finally:
        stop.set()


def _interactive(shell: Shell, options: Options) -> int:
    # prompt_toolkit is imported only here: -e/-f/stdin runs start faster without it
    from .completion import GatewayCompleter
    from .repl import history_path, make_prompt

    _banner(shell)
    read = make_prompt(history_path(options.history_file), GatewayCompleter(shell.complete))
    code = shell.interactive(read)
    shell.console.lines(["Shutting down the session...", "done."])
    return code


def _read(path: str) -> str:
    return Path(path).expanduser().read_text(encoding="utf-8")


def _heartbeat(shell: Shell, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        with contextlib.suppress(GatewayClientError):
            shell.client.heartbeat(shell.session)


def _banner(shell: Shell) -> None:
    product = ""
    with contextlib.suppress(GatewayClientError):
        info = shell.client.info()
        product = f"{info.get('productName', '')} {info.get('version', '')}".strip()
    where = f"{shell.client.endpoint} ({product}, REST API {shell.client.version.name})"
    shell.console.lines(
        [
            f"Connected to the SQL gateway at {where}; session {shell.session}.",
            "Statements end with ';'. Type HELP; for help, QUIT; or Ctrl-D to exit.",
            "",
        ]
    )
