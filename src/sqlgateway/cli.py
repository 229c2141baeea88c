"""The ``sqlgateway`` command: ``serve`` (the gateway), ``sql`` (interactive client), ``auth``."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import textwrap
from collections.abc import Sequence

from sqlgateway import __version__, config


def options_help() -> str:
    """Every declared option with its default and meaning (for ``serve --help`` and docs)."""
    lines = ["options (set with -Dkey=value, in --config FILE, or as SQLGATEWAY_<KEY>):", ""]
    for opt in sorted(config.OPTIONS, key=lambda o: o.key):
        default = "(none)" if opt.default is None else opt.default
        lines.append(f"  {opt.key}  [default: {default}]")
        lines.extend(
            textwrap.wrap(opt.doc, 76, initial_indent="      ", subsequent_indent="      ")
        )
    return "\n".join(lines)


def _load_optional_options() -> None:
    """Import optional modules so their options are declared before --help or loading."""
    for module in (
        "sqlgateway.service.gateway",
        "sqlgateway.rest.auth",
        "sqlgateway.security",
        "sqlgateway.logsetup",
        "sqlgateway.engine.routing",
        "sqlgateway.engine.duckdb.engine",
        "sqlgateway.engine.duckdb.sandbox",
        "sqlgateway.engine.flink",
    ):
        with contextlib.suppress(ImportError):
            __import__(module)


def _serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="start the gateway (embedded DuckDB unless -Dsql-gateway.engine=flink)",
        description="Start the Flink SQL Gateway compatible REST server.",
        epilog=options_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "-D", dest="dynamic", action="append", default=[], metavar="KEY=VALUE",
        help="set a configuration option (Flink style, e.g. -Dsql-gateway.endpoint.rest.port=0)",
    )  # fmt: skip
    p.add_argument("--config", "-c", metavar="FILE", help="YAML configuration file (config.yaml)")
    p.add_argument("--log-level", default=None, help="root log level (DEBUG, INFO, WARNING, ERROR)")


def _run_serve(args: argparse.Namespace) -> int:
    from sqlgateway.server import serve

    try:
        settings = config.load(args.config, config.parse_dynamic(args.dynamic))
    except config.ConfigError as exc:
        print(f"sqlgateway: {exc}", file=sys.stderr)
        return 2
    _configure_logging(settings, args.log_level)
    try:
        return serve(settings)
    except config.ConfigError as exc:
        print(f"sqlgateway: {exc}", file=sys.stderr)
        return 2


def _configure_logging(settings: config.Settings, level: str | None) -> None:
    try:
        from sqlgateway.logsetup import configure_logging
    except ImportError:
        logging.basicConfig(
            level=(level or "INFO").upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        return
    configure_logging(settings, level=level)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sql":  # the client needs none of the server modules: start fast
        from sqlgateway.shell import main as sql_main

        return int(sql_main(argv[1:]))
    _load_optional_options()
    parser = argparse.ArgumentParser(
        prog="sqlgateway",
        description="A Flink SQL Gateway (REST API v1-v4) on embedded DuckDB or Apache Flink.",
    )
    parser.add_argument("--version", action="version", version=f"sqlgateway {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _serve_parser(sub)
    sub.add_parser("sql", help="interactive SQL client for any Flink SQL gateway", add_help=False)
    sub.add_parser("auth", help="manage credentials (hash tokens and passwords)", add_help=False)
    if argv and argv[0] == "auth":
        from sqlgateway.security.cli import main as auth_main

        return int(auth_main(argv[1:]))
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _run_serve(args)
    parser.print_help()
    return 2
