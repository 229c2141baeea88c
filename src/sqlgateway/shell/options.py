"""Command-line options of ``sqlgateway sql``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlgateway.client import DEFAULT_ENDPOINT, ApiVersion, Credentials

DESCRIPTION = """\
Interactive SQL client for any Apache Flink SQL Gateway (REST API v1-v4): this
project's server or Flink's own. Statements end with ';'. Without -e/-f an
interactive prompt starts (reading a script from stdin when it is not a terminal).
Exit status: 0 on success, 1 when a statement (or the connection) failed, 2 on usage errors.
"""


@dataclass
class Options:
    """Parsed command line."""

    endpoint: str = DEFAULT_ENDPOINT
    execute: str | None = None
    file: str | None = None
    init_file: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    credentials: Credentials = field(default_factory=Credentials)
    api_version: ApiVersion | None = None
    session_name: str = "sqlgateway-sql"
    history_file: str | None = None
    spinner: bool | None = None
    verbose: bool = False
    echo: bool = False


def _property(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value


def _version(text: str) -> ApiVersion:
    name = text.strip().upper()
    name = name if name.startswith("V") else "V" + name
    if name not in ApiVersion.__members__:
        raise argparse.ArgumentTypeError(f"unknown API version {text!r} (V1..V4)")
    return ApiVersion[name]


def build_parser(prog: str = "sqlgateway sql") -> argparse.ArgumentParser:
    """The argparse parser (also usable to embed as a subcommand's arguments)."""
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``sql`` options to ``parser``."""
    parser.add_argument(
        "--endpoint", default=DEFAULT_ENDPOINT, help=f"gateway URL (default {DEFAULT_ENDPOINT})"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("-e", "--execute", metavar="SQL", help="run these statements and exit")
    mode.add_argument("-f", "--file", metavar="SCRIPT", help="run a SQL script file and exit")
    parser.add_argument("-i", "--init", metavar="FILE", help="SQL script run before anything else")
    parser.add_argument(
        "--session-property",
        "-D",
        metavar="KEY=VALUE",
        action="append",
        type=_property,
        default=[],
        help="session property sent when opening the session (repeatable)",
    )
    parser.add_argument("--token", help="bearer token (default: $SQLGATEWAY_TOKEN)")
    parser.add_argument("--user", help="user name for HTTP basic auth")
    parser.add_argument(
        "--password", help="password for basic auth (default: $SQLGATEWAY_PASSWORD or a prompt)"
    )
    parser.add_argument(
        "--api-version", type=_version, help="force a REST API version instead of negotiating"
    )
    parser.add_argument("--session-name", default="sqlgateway-sql", help="session name")
    parser.add_argument("--history-file", help="history file (default ~/.sqlgateway_history)")
    parser.add_argument(
        "--no-spinner", action="store_true", help="no spinner/elapsed-time status line"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print full server stack traces on errors"
    )
    parser.add_argument(
        "--echo", action="store_true", help="print each statement before its result (-e/-f)"
    )


def parse_options(argv: Sequence[str]) -> Options:
    """Parse ``argv`` (raises SystemExit on usage errors, like argparse)."""
    return options_from_namespace(build_parser().parse_args(list(argv)))


def options_from_namespace(ns: argparse.Namespace) -> Options:
    """Build :class:`Options` from a namespace filled by :func:`add_arguments`."""
    token = ns.token or os.environ.get("SQLGATEWAY_TOKEN") or None
    password = ns.password or os.environ.get("SQLGATEWAY_PASSWORD")
    return Options(
        endpoint=ns.endpoint,
        execute=ns.execute,
        file=ns.file,
        init_file=ns.init,
        properties=dict(ns.session_property),
        credentials=Credentials(token=token, user=ns.user, password=password),
        api_version=ns.api_version,
        session_name=ns.session_name,
        history_file=ns.history_file,
        spinner=False if ns.no_spinner else None,
        verbose=ns.verbose,
        echo=ns.echo,
    )
