"""``sqlgateway auth``: create credentials for the tokens and password files.

::

    sqlgateway auth token alice [--scheme sha256|argon2] [--file tokens.txt]
    sqlgateway auth password bob [--scheme argon2|bcrypt] [--file passwords.txt] [--stdin]
    sqlgateway auth check passwords.txt        # validate a tokens or password file

``token`` prints a new random token (give it to the client; only its hash is stored) and the
``name:hash`` line; with ``--file`` the line is appended (the file is created with mode 0600).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlgateway.config import ConfigError
from sqlgateway.security import hashing
from sqlgateway.security.credentials import parse_entries


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Add the ``auth`` sub-commands to ``parser`` (or a new parser)."""
    parser = parser or argparse.ArgumentParser(prog="sqlgateway auth", description=__doc__)
    sub = parser.add_subparsers(dest="auth_command", required=True)
    token = sub.add_parser("token", help="create a bearer token and its tokens-file line")
    token.add_argument("name", help="principal the token authenticates")
    token.add_argument("--scheme", choices=("sha256", "argon2"), default="sha256")
    token.add_argument("--file", help="append the line to this tokens file")
    password = sub.add_parser("password", help="hash a password for the password file")
    password.add_argument("name", help="user name")
    password.add_argument("--scheme", choices=("argon2", "bcrypt"), default="argon2")
    password.add_argument("--file", help="append the line to this password file")
    password.add_argument("--stdin", action="store_true", help="read the password from stdin")
    check = sub.add_parser("check", help="validate a tokens or password file")
    check.add_argument("file")
    return parser


def _validate_name(name: str) -> None:
    if not name or ":" in name or name != name.strip() or "\n" in name:
        raise ConfigError(f"invalid principal name {name!r} (no ':' or surrounding spaces)")


def _append(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise ConfigError("the passwords differ")
    return first


def _token(args: argparse.Namespace) -> int:
    _validate_name(args.name)
    token = hashing.new_token()
    stored = hashing.sha256_token(token) if args.scheme == "sha256" else hashing.argon2_hash(token)
    line = f"{args.name}:{stored}"
    if args.file:
        _append(args.file, line)
        print(f"# appended to {args.file}", file=sys.stderr)
    else:
        print(f"# tokens-file line:\n{line}", file=sys.stderr)
    print(token)
    return 0


def _password(args: argparse.Namespace) -> int:
    _validate_name(args.name)
    secret = _read_password(args.stdin)
    if not secret:
        raise ConfigError("empty password")
    stored = hashing.argon2_hash(secret) if args.scheme == "argon2" else hashing.bcrypt_hash(secret)
    line = f"{args.name}:{stored}"
    if args.file:
        _append(args.file, line)
        print(f"# appended to {args.file}", file=sys.stderr)
    else:
        print(line)
    return 0


def _check(args: argparse.Namespace) -> int:
    entries = parse_entries(Path(args.file).read_text(encoding="utf-8"), args.file)
    count = sum(len(v) for v in entries.values())
    print(f"{args.file}: {count} credential(s) for {len(entries)} principal(s)")
    return 0


def run(args: argparse.Namespace) -> int:
    """Execute parsed ``auth`` arguments; errors print one line and return 2."""
    try:
        handler = {"token": _token, "password": _password, "check": _check}[args.auth_command]
        return handler(args)
    except (ConfigError, ValueError, OSError) as exc:
        print(f"sqlgateway auth: {exc}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``sqlgateway auth ...`` (``argv`` without the ``auth`` word)."""
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
