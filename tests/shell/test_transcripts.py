"""The client's parsing and the shell's rendering checked against the real Flink 2.3 recordings.

``transcripts/sql-client`` holds every HTTP exchange of the real Flink SQL client and what it
printed; replaying those responses through ``ResultPage``/``ResultView`` must print the same
tables and messages (timings aside).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from sqlgateway.client import GatewayClient, ResultPage, ResultType, extract_root_cause
from sqlgateway.shell import run
from sqlgateway.shell.console import Console
from sqlgateway.shell.options import parse_options
from sqlgateway.shell.results import ResultView
from sqlgateway.shell.runner import ERROR_HEAD
from sqlgateway.shell.settings import DisplaySettings
from tests.conftest import REFERENCE

SQL_CLIENT = REFERENCE / "transcripts" / "sql-client"
GATEWAY = REFERENCE / "transcripts" / "gateway"
_TIMING = re.compile(r" \(\d+\.\d+ seconds\)")
_OP = re.compile(r"/operations/([0-9a-f-]{36})/result/")

pytestmark = pytest.mark.skipif(not SQL_CLIENT.exists(), reason="reference transcripts missing")


@dataclass
class Exchange:
    statement: str
    pages: list[ResultPage] = field(default_factory=list)
    errors: list[str] | None = None


def statements_of(jsonl: Path) -> list[Exchange]:
    """Each executed statement with its fetched pages (or error strings), in order."""
    by_op: dict[str, Exchange] = {}
    ordered: list[Exchange] = []
    for line in jsonl.read_text().splitlines():
        record = json.loads(line)
        request, response = record["request"], record["response"]
        body = json.loads(response["body_raw"]) if response["body_raw"] else {}
        if request["method"] == "POST" and request["path"].endswith("/statements"):
            exchange = Exchange(json.loads(request["body"])["statement"])
            by_op[body["operationHandle"]] = exchange
            ordered.append(exchange)
        elif (match := _OP.search(request["path"])) and match.group(1) in by_op:
            exchange = by_op[match.group(1)]
            if response["status"] == 200:
                exchange.pages.append(ResultPage.from_json(body))
            else:
                exchange.errors = body["errors"]
    return ordered


def printed_blocks(stdout: Path) -> list[str]:
    """What the Flink client printed per statement (echo artefacts and timings removed)."""
    blocks = stdout.read_text().split("Flink SQL> ")[1:]
    result = []
    for block in blocks:
        starts = [
            i for i in (block.find("[INFO]"), block.find("[ERROR]"), block.find("+-")) if i >= 0
        ]
        if not starts:
            continue
        text = block[min(starts) :].split("\nShutting down")[0]
        result.append(_TIMING.sub("", text).strip())
    return result


def render(exchange: Exchange, streaming: bool) -> str:
    out = io.StringIO()
    console = Console(out, out, spinner=False)
    if exchange.errors is not None:
        return f"{ERROR_HEAD}\n{extract_root_cause(exchange.errors)}"
    view = ResultView(console, DisplaySettings(streaming=streaming))
    for page in exchange.pages:
        view.add(page)
    view.finish(1.0)
    return _TIMING.sub("", out.getvalue()).strip()


@pytest.mark.parametrize(
    ("name", "streaming"), [("batch", False), ("stream", True)], ids=["batch", "stream"]
)
def test_rendering_matches_flink_sql_client(name: str, streaming: bool) -> None:
    exchanges = statements_of(SQL_CLIENT / f"sqlclient_http_{name}.jsonl")
    suffix = "" if name == "batch" else "_stream"
    expected = printed_blocks(SQL_CLIENT / f"stdout_script{suffix}.txt")
    assert len(exchanges) == len(expected)
    for exchange, want in zip(exchanges, expected, strict=True):
        assert render(exchange, streaming) == want, exchange.statement


def test_streaming_pages_keep_changelog_kinds() -> None:
    exchanges = statements_of(SQL_CLIENT / "sqlclient_http_stream.jsonl")
    count = next(e for e in exchanges if "COUNT(*)" in e.statement)
    rows = [r for p in count.pages for r in p.rows]
    assert [r.short_kind for r in rows] == ["+I", "-U", "+U", "-U", "+U"]
    assert count.pages[0].result_type is ResultType.NOT_READY
    assert count.pages[-1].is_eos and count.pages[-1].next_uri is None


def _gateway_errors() -> list[tuple[str, list[str]]]:
    found = []
    for path in sorted(GATEWAY.glob("*.json")):
        record = json.loads(path.read_text())
        if record["response"]["status"] >= 400:
            found.append((path.stem, json.loads(record["response"]["body_raw"])["errors"]))
    return found


@pytest.mark.parametrize(
    ("stem", "needle"),
    [
        ("246_err_unknown_table_fetch", "SqlValidatorException: Object"),
        ("241_err_syntax_fetch", "Non-query expression encountered in illegal context"),
        ("253_err_runtime_cast_fetch", "NumberFormatException"),
        ("213_err_unknown_operation_status", "Can not find the submitted operation"),
        ("272_stream_cancel", "Failed to convert the Operation Status from FINISHED to CANCELED"),
    ],
)
def test_root_cause_of_recorded_errors(stem: str, needle: str) -> None:
    errors = dict(_gateway_errors())[stem]
    cause = extract_root_cause(errors)
    assert needle in cause
    assert "\tat " not in cause and "Exception on server side" not in cause


def test_every_recorded_error_has_a_one_paragraph_root_cause() -> None:
    for stem, errors in _gateway_errors():
        cause = extract_root_cause(errors)
        assert cause and "\tat " not in cause, stem


def test_every_recorded_fetch_body_parses() -> None:
    for path in sorted(GATEWAY.glob("*.json")):
        record = json.loads(path.read_text())
        body = record["response"].get("body_json")
        if record["response"]["status"] == 200 and isinstance(body, dict) and "resultType" in body:
            page = ResultPage.from_json(body)
            assert all(len(r.fields) == len(page.columns) for r in page.rows), path.stem


class FlinkReplay:
    """An httpx transport answering with the real Flink gateway's recorded responses.

    A request is answered by the first unused recorded exchange with the same method and path
    (query string included); session-config reads may be reused. Statement bodies are checked
    against the recorded ones.
    """

    def __init__(self, jsonl: Path) -> None:
        self.records = [json.loads(line) for line in jsonl.read_text().splitlines()]
        self.used: set[int] = set()
        self.problems: list[str] = []
        self.statements: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode()
        if request.method == "DELETE" and path.endswith("/close"):
            return httpx.Response(200, json={"status": "CLOSED"})  # the Flink client never closes
        if _is_config_read(request.method, path):
            return self._config_read(path)
        for idx, record in enumerate(self.records):
            recorded = record["request"]
            if idx in self.used or (recorded["method"], recorded["path"]) != (request.method, path):
                continue
            self.used.add(idx)
            if path.endswith("/statements"):
                self._check_statement(json.loads(request.content), json.loads(recorded["body"]))
            return _response(record)
        self.problems.append(f"unrecorded request {request.method} {path}")
        return httpx.Response(404, json={"errors": [f"Not found: {path}"]})

    def _config_read(self, path: str) -> httpx.Response:
        """The session config as recorded just before the next unanswered exchange."""
        pending = [
            i
            for i, r in enumerate(self.records)
            if i not in self.used
            and not _is_config_read(r["request"]["method"], r["request"]["path"])
        ]
        limit = pending[0] if pending else len(self.records)
        reads = [
            r
            for i, r in enumerate(self.records[:limit])
            if (r["request"]["method"], r["request"]["path"]) == ("GET", path)
        ]
        return _response(reads[-1])

    def _check_statement(self, sent: dict[str, object], recorded: dict[str, object]) -> None:
        self.statements.append(str(sent.get("statement")))
        if sent != recorded:
            self.problems.append(f"statement body {sent} != recorded {recorded}")


def _response(record: dict[str, Any]) -> httpx.Response:
    response = record["response"]
    headers = {"content-type": "application/json; charset=UTF-8"}
    return httpx.Response(response["status"], content=response["body_raw"], headers=headers)


def _is_config_read(method: str, path: str) -> bool:
    return method == "GET" and re.fullmatch(r"/v\d/sessions/[0-9a-f-]{36}", path) is not None


@pytest.mark.parametrize("name", ["batch", "stream"])
def test_shell_replays_the_flink_sql_client_conversation(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sqlgateway sql -f script`` sends the Flink client's requests and prints its output."""
    suffix = "" if name == "batch" else "_stream"
    replay = FlinkReplay(SQL_CLIENT / f"sqlclient_http_{name}.jsonl")
    script = SQL_CLIENT / f"script{suffix}.sql"
    client = GatewayClient("http://127.0.0.1:8083", transport=httpx.MockTransport(replay))
    code = run(parse_options(["-f", str(script), "--echo"]), client=client)
    captured = capsys.readouterr()
    assert replay.problems == []
    assert replay.statements == [
        e.statement for e in statements_of(SQL_CLIENT / f"sqlclient_http_{name}.jsonl")
    ]
    ours = [
        _TIMING.sub("", b.split("\n", 1)[1]).strip() for b in captured.out.split("Flink SQL> ")[1:]
    ]
    expected = printed_blocks(SQL_CLIENT / f"stdout_script{suffix}.txt")
    if name == "stream":
        assert code == 1
        ours[-1] = _TIMING.sub("", captured.err).strip()
    else:
        assert code == 0 and captured.err == ""
    assert ours == expected
