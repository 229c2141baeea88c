"""Pure parts of the shell: statement splitting, table rendering, options, completion helpers."""

from __future__ import annotations

import pytest

from sqlgateway.client import ApiVersion, Column, Credentials, GatewayHTTPError, Row
from sqlgateway.client.errors import extract_root_cause
from sqlgateway.client.gateway import PollPolicy, normalize_endpoint
from sqlgateway.shell.commands import Command, parse_command
from sqlgateway.shell.options import parse_options
from sqlgateway.shell.render import (
    ChangelogTable,
    display_width,
    render_table,
    rows_in_set,
    table_row,
    widths_by_type,
)
from sqlgateway.shell.settings import DisplaySettings
from sqlgateway.shell.splitter import split_statements, statement_at, statements_of

# -- splitting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT 1; SELECT 2;", ["SELECT 1;", "SELECT 2;"]),
        ("SELECT 'a;b';", ["SELECT 'a;b';"]),
        ("SELECT 'it''s; ok';", ["SELECT 'it''s; ok';"]),
        ('SELECT "x;y" FROM t;', ['SELECT "x;y" FROM t;']),
        ("SELECT `a;b` FROM t;", ["SELECT `a;b` FROM t;"]),
        ("SELECT 1 -- c;omment\n;", ["SELECT 1 -- c;omment\n;"]),
        ("SELECT /* a;b */ 1;", ["SELECT /* a;b */ 1;"]),
        ("-- only a comment;\n", []),
        ("SELECT 1", ["SELECT 1"]),
        ("SELECT 1;\n  \n-- trailing\n", ["SELECT 1;"]),
        (
            "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;",
            ["EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;"],
        ),
        (
            "BEGIN STATEMENT SET; INSERT INTO a SELECT 1; END;",
            ["BEGIN STATEMENT SET;", "INSERT INTO a SELECT 1;", "END;"],
        ),
    ],
)
def test_statements_of(text: str, expected: list[str]) -> None:
    assert statements_of(text) == expected


def test_split_reports_incomplete_remainder() -> None:
    split = split_statements("SELECT 1;\nSELECT 'unterminated;")
    assert split.statements == ["SELECT 1;"]
    assert not split.complete
    assert split_statements("SELECT 1; /* c */ -- x").complete


@pytest.mark.parametrize(
    ("text", "ready"),
    [
        ("", True),
        ("SELECT 1", False),
        ("SELECT 1;", True),
        ("SELECT 1\nFROM t\n;", True),
        ("SELECT ';'", False),
        ("SELECT 1; SELECT", False),
        ("quit", True),
        ("EXIT;", True),
        ("STATEMENT SET BEGIN INSERT INTO a SELECT 1;", False),
    ],
)
def test_ready_to_submit(text: str, ready: bool) -> None:
    pytest.importorskip("prompt_toolkit")
    from sqlgateway.shell.repl import ready_to_submit

    assert ready_to_submit(text) is ready


def test_statement_at_cursor() -> None:
    text = "SELECT 1;\nSELECT * FR"
    assert statement_at(text, len(text)) == ("SELECT * FR", 11)
    assert statement_at("SELECT 1; SELECT 2;", 3) == ("SELECT 1;", 3)


def test_client_commands() -> None:
    assert parse_command("quit;") is Command.QUIT
    assert parse_command(" EXIT ") is Command.QUIT
    assert parse_command("help;") is Command.HELP
    assert parse_command("clear;") is Command.CLEAR
    assert parse_command("SELECT 1;") is None


# -- rendering ------------------------------------------------------------------------------

INT = {"type": "INTEGER", "nullable": True}
STRING = {"type": "VARCHAR", "nullable": True, "length": 2147483647}


def test_batch_table_like_flink() -> None:
    columns = [Column("c1", INT), Column("c2", STRING)]
    lines = render_table(columns, [Row("INSERT", ["1", "hello"]), Row("INSERT", [None, "x"])])
    assert lines == [
        "+--------+-------+",
        "|     c1 |    c2 |",
        "+--------+-------+",
        "|      1 | hello |",
        "| <NULL> |     x |",
        "+--------+-------+",
    ]


def test_truncation_and_wide_characters() -> None:
    assert table_row(["abcdefghij"], [8]) == "| abcde... |"
    assert display_width("表格") == 4
    assert table_row(["表"], [4]) == "|   表 |"
    assert render_table([Column("c", STRING)], [Row("INSERT", ["x" * 40])])[3].endswith("... |")


def test_changelog_widths_follow_types() -> None:
    ts = {"type": "TIMESTAMP_WITHOUT_TIME_ZONE", "precision": 3}
    dec = {"type": "DECIMAL", "precision": 10, "scale": 2}
    cols = [Column("a", INT), Column("b", {"type": "BIGINT"}), Column("t", ts), Column("d", dec)]
    assert widths_by_type(cols, 30, True) == [2, 11, 20, 23, 12]
    table = ChangelogTable([Column("c", {"type": "BIGINT"})], 30)
    assert table.row(Row("UPDATE_BEFORE", ["1"])) == "| -U |                    1 |"
    assert table.footer(1.5) == [
        "+----+----------------------+",
        "Received a total of 1 row (1.50 seconds)",
    ]
    assert ChangelogTable([Column("c", INT)], 30).footer(None) == ["Received a total of 0 row"]


def test_row_counts() -> None:
    assert [rows_in_set(n) for n in (0, 1, 2)] == ["Empty set", "1 row in set", "2 rows in set"]


def test_display_settings_from_session_config() -> None:
    settings = DisplaySettings.from_config(
        {"execution.runtime-mode": "BATCH", "sql-client.display.max-column-width": "12"}
    )
    assert settings == DisplaySettings(streaming=False, max_column_width=12)
    assert DisplaySettings.from_config({}).streaming


# -- client helpers, options, completion ---------------------------------------------------


def test_root_cause_of_single_string_and_plain_errors() -> None:
    single = (
        "org.apache.flink.runtime.rest.handler.RestHandlerException: Failed to getSessionConfig."
        "\n\tat a.b(C.java:1)\nCaused by: java.lang.IllegalArgumentException: bad value\n"
        "second line of the message\n\tat x.y(Z.java:2)\n"
    )
    assert extract_root_cause([single]) == (
        "java.lang.IllegalArgumentException: bad value\nsecond line of the message"
    )
    assert extract_root_cause(["Not found: /v9/x"]) == "Not found: /v9/x"
    assert extract_root_cause(["Internal server error."]) == "Internal server error."
    err = GatewayHTTPError(
        500,
        [
            "Internal server error.",
            f"<Exception on server side:\n{single}\nEnd of exception on server side>",
        ],
        "GET",
        "/x",
    )
    assert err.root_cause.startswith("java.lang.IllegalArgumentException")


def test_version_negotiation_and_credentials() -> None:
    assert ApiVersion.highest_known(["V1", "V2", "V3", "V4"]) is ApiVersion.V4
    assert ApiVersion.highest_known(["V1", "V2", "V9"]) is ApiVersion.V2
    assert ApiVersion.highest_known([]) is None
    assert Credentials(token="t").headers() == {"Authorization": "Bearer t"}
    assert Credentials(user="u", password="p").headers() == {"Authorization": "Basic dTpw"}
    assert Credentials().headers() == {}
    assert normalize_endpoint("localhost:8083/") == "http://localhost:8083"
    policy = PollPolicy(initial=0.01, maximum=0.05)
    assert [round(d, 3) for d in (policy.next_delay(0), policy.next_delay(0.04))] == [0.01, 0.05]


def test_options() -> None:
    opts = parse_options(
        [
            "--endpoint",
            "h:1",
            "-e",
            "SELECT 1",
            "--session-property",
            "a=b=c",
            "-D",
            "x=1",
            "--user",
            "u",
            "--password",
            "p",
            "--api-version",
            "v2",
        ]
    )
    assert opts.endpoint == "h:1" and opts.execute == "SELECT 1"
    assert opts.properties == {"a": "b=c", "x": "1"}
    assert opts.credentials == Credentials(user="u", password="p")
    assert opts.api_version is ApiVersion.V2
    with pytest.raises(SystemExit):
        parse_options(["--session-property", "novalue"])
    with pytest.raises(SystemExit):
        parse_options(["-e", "x", "-f", "y"])


def test_completion_replaces_the_word_before_the_cursor() -> None:
    pytest.importorskip("prompt_toolkit")
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from sqlgateway.shell.completion import GatewayCompleter, pick_candidates, word_before

    calls: list[tuple[str, int]] = []

    def fetch(statement: str, position: int) -> list[str]:
        calls.append((statement, position))
        return ["FROM", "FULL", "FROM"]

    completer = GatewayCompleter(fetch)
    doc = Document("SELECT 1;\nSELECT * FR")
    got = list(completer.get_completions(doc, CompleteEvent(completion_requested=True)))
    assert calls == [("SELECT * FR", 11)]
    assert [(c.text, c.start_position) for c in got] == [("FROM", -2)]
    assert word_before("SELECT a.b") == "b"
    assert pick_candidates(["x", "y"], "zz") == ["x", "y"]


# -- live materialized table ----------------------------------------------------------------


def test_materialized_table_applies_the_changelog() -> None:
    from sqlgateway.shell.live import MaterializedTable

    table = MaterializedTable()
    kinds = ["INSERT", "UPDATE_BEFORE", "UPDATE_AFTER", "UPDATE_BEFORE", "UPDATE_AFTER"]
    values = ["1", "1", "2", "2", "3"]
    table.apply([Row(k, [v]) for k, v in zip(kinds, values, strict=True)])
    assert table.rows == [["3"]] and table.changes == 5
    table.apply([Row("INSERT", ["a\nb"]), Row("DELETE", ["3"]), Row("DELETE", ["zz"])])
    assert table.rows == [["a\\nb"]]


def test_live_table_redraws_in_place() -> None:
    import io

    from sqlgateway.shell.console import Console
    from sqlgateway.shell.live import LiveTable

    out = io.StringIO()
    live = LiveTable(Console(out, out, spinner=False), [Column("c", INT)], 30)
    live.table.apply([Row("INSERT", ["1"]), Row("INSERT", ["2"]), Row("INSERT", ["3"])])
    live.draw(2)
    assert out.getvalue().splitlines()[0] == "(1 more rows above)"
    live.finish(None, terminated=False)
    text = out.getvalue()
    assert "\x1b[7F\x1b[J" in text
    assert text.endswith("3 rows in set, materialized from 3 changes\n")


def test_a_non_gateway_endpoint_is_a_protocol_error() -> None:
    import httpx

    from sqlgateway.client import GatewayClient, GatewayProtocolError

    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>not a gateway</html>")

    with GatewayClient("http://x", transport=httpx.MockTransport(html)) as client:
        with pytest.raises(GatewayProtocolError):
            client.api_versions()
        with pytest.raises(GatewayProtocolError):
            client.fetch_uri("/v4/whatever")
