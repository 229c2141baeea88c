"""The interactive shell in a pseudo-terminal (pexpect) against a real server."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sqlgateway.client import GatewayClient
from tests.conftest import RunningGateway
from tests.shell.helpers import LONG_QUERY, SLOW_STREAM

pytest.importorskip("pexpect")  # test extra; see tests/shell/term.py
pytest.importorskip("prompt_toolkit")

from tests.shell.term import Term  # noqa: E402


@pytest.fixture
def term(gateway: RunningGateway, tmp_path: Path) -> Iterator[Term]:
    t = Term(["--endpoint", gateway.url], tmp_path)
    t.expect(r"Connected to the SQL gateway at .*REST API V4")
    t.prompt()
    yield t
    t.close()


def test_select_renders_a_table(term: Term) -> None:
    term.line("SET 'execution.runtime-mode' = 'batch';")
    term.expect(r"\[INFO\] Execute statement succeeded\.")
    term.prompt()
    term.line("SELECT 1 AS c1, 'hello' AS c2;")
    term.expect(r"\+----\+-------\+\n\| c1 \|    c2 \|\n\+----\+-------\+\n\|  1 \| hello \|\n")
    term.expect(r"1 row in set \(\d+\.\d\d seconds\)")
    term.prompt()


def test_multi_line_statement_with_quoted_semicolon(term: Term) -> None:
    term.line("SET 'execution.runtime-mode' = 'batch';")
    term.prompt()
    term.line("SELECT 'a;b' AS s,")
    term.expect(r"> ")
    term.line("  -- comment; still going")
    term.line("  2 AS n")
    term.line(";")
    term.expect(r"\|   s \| n \|\n\+-----\+---\+\n\| a;b \| 2 \|")
    term.prompt()


def test_error_prints_root_cause_and_shell_continues(term: Term) -> None:
    term.line("SELECT * FROM no_such_table;")
    term.expect(r"\[ERROR\] Could not execute SQL statement\. Reason:\n.*no_such_table")
    term.prompt()
    term.line("SET 'execution.runtime-mode' = 'batch';")
    term.prompt()
    term.line("SELECT 5 AS n;")
    term.expect(r"\| 5 \|")
    term.prompt()


def test_ctrl_c_stops_a_live_streaming_query_and_returns_to_the_prompt(term: Term) -> None:
    term.line(SLOW_STREAM)
    term.expect(r"succeeded")
    term.prompt()
    term.line(LONG_QUERY)
    term.expect(r"\| op \|\s+id \|\n\+-")
    term.expect(r"\| \+I \|\s+-?\d+ \|\n(.|\n)*\| \+I \|\s+-?\d+ \|")  # rows arrive live
    term.interrupt()
    match = term.expect(r"Query terminated, received a total of (\d+) rows?")
    assert int(match.group(1)) >= 2
    term.prompt()
    term.line("SELECT 'alive' AS still;")
    term.expect(r"alive")
    term.expect(r"Received a total of 1 row")
    term.prompt()


def test_ctrl_c_at_the_prompt_clears_the_input(term: Term) -> None:
    term.send("SELECT 'discarded'")
    term.interrupt()
    term.prompt()
    term.line("SELECT 'kept' AS k;")
    term.expect(r"\| \+I \|\s+kept \|")
    assert "discarded |" not in term.text


def test_completion_offers_from(term: Term, gateway: RunningGateway, tmp_path: Path) -> None:
    home = tmp_path
    with GatewayClient(gateway.url) as client:
        session = client.open_session()
        candidates = client.complete(session, "SELECT * FR", 11)
        client.close_session(session)
    if "FROM" not in candidates:
        pytest.skip(f"server completion does not offer FROM yet (got {candidates})")
    term.send("SELECT x FR\t")
    term.expect(r"FROM")  # inserted inline or offered in the completion menu
    time.sleep(0.3)
    term.line(" (VALUES (7)) AS t(x);")
    term.expect(r"\| \+I \|\s+7 \|")
    term.prompt()
    term.line("QUIT;")
    assert term.wait_exit() == 0
    assert "SELECT x FROM (VALUES (7)) AS t(x);" in (home / ".sqlgateway_history").read_text()


def test_help_history_and_quit(term: Term, tmp_path: Path) -> None:
    term.line("HELP;")
    term.expect(r"QUIT/EXIT")
    term.prompt()
    term.line("SET 'my.history.key' = '1';")
    term.expect(r"succeeded")
    term.prompt()
    term.line("QUIT;")
    term.expect(r"Shutting down the session\.\.\.\ndone\.")
    assert term.wait_exit() == 0
    assert "my.history.key" in (tmp_path / ".sqlgateway_history").read_text()


def test_ctrl_d_exits_cleanly(term: Term) -> None:
    term.send("\x04")
    term.expect(r"Shutting down the session")
    assert term.wait_exit() == 0


def test_syntax_highlighting(term: Term) -> None:
    term.send("SELECT 'abc' FROM t")
    term.expect(r"SELECT 'abc' FROM t")
    assert re.search(r"\x1b\[[0-9;]+mSELECT\x1b\[0m", term.raw)
    term.interrupt()
    term.prompt()


def test_table_result_mode_shows_a_live_materialized_table(term: Term) -> None:
    term.line("SET 'sql-client.execution.result-mode' = 'table';")
    term.expect("succeeded")
    term.prompt()
    term.line("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y);")
    term.expect(r"\| x \| y \|\n\+---\+---\+\n\| 1 \| a \|\n\| 2 \| b \|")
    term.expect(r"2 rows in set, materialized from 2 changes")
    term.prompt()


def test_expired_session_is_replaced(
    gateway_factory: Callable[..., RunningGateway], tmp_path: Path
) -> None:
    short = gateway_factory(
        {"sql-gateway.session.idle-timeout": "1 s", "sql-gateway.session.check-interval": "1 s"}
    )
    term = Term(["--endpoint", short.url], tmp_path)
    try:
        term.prompt()
        time.sleep(3)
        term.line("SELECT 1 AS a;")
        term.expect(r"does not exist")
        term.expect(r"\[WARNING\] The session no longer existed; opened a new session")
        term.prompt()
        term.line("SELECT 'again' AS a;")
        term.expect(r"\|\s+again \|")
        term.prompt()
    finally:
        term.close()


def test_ctrl_r_searches_the_history(term: Term) -> None:
    term.line("SELECT 'needle' AS n;")
    term.expect(r"Received a total of 1 row")
    term.prompt()
    term.send("\x12")  # Ctrl-R
    term.expect(r"I-search backward")
    term.send("needl")
    time.sleep(0.3)
    term.send("\r")  # accept the search result into the buffer
    time.sleep(0.3)
    term.send("\r")  # submit it
    term.expect(r"\|\s+needle \|")
    term.expect(r"Received a total of 1 row")
