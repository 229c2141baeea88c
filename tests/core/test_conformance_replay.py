"""Replays the recorded conversation of a real Flink 2.3.0 gateway against our server.

Handles and job ids are mapped/normalised, stack frames dropped. Fetch sequences are compared
logically (same columns, kinds, rows, result kind, EOS) because *when* rows arrive depends on the
engine (Flink's mini-cluster answers NOT_READY for a second first; we answer at once) while the
token rules themselves are checked by exchanges that are replayed individually.
Exchanges that are skipped or compared loosely are listed in SKIPPED / LOOSE with the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.conftest import REFERENCE, RunningGateway

CONVERSATION = REFERENCE / "transcripts" / "gateway" / "conversation.jsonl"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
JOB_RE = re.compile(r'"jobID":"[0-9a-f]{32}"')

# name prefix -> why the exchange is not replayed
SKIPPED = {
    "stream": "streaming datagen queries are covered by the streaming tests",
    "b_": "session b streams an unbounded datagen table (streaming tests)",
    "show_jobs": "Flink's local target fails SHOW JOBS; our engine lists jobs (covered elsewhere)",
    "select_with_execution_timeout": "executionTimeout is implemented here (Flink rejects it); "
    "covered by test_execution_timeout",
}
# name prefix -> compared by shape only (engine-specific text)
LOOSE = {
    "a_get_session_config": "Flink lists its own JVM/cluster keys; we check the session's keys",
    "explain": "plan text is engine-specific",
    "show_create_table": "DDL text is engine-specific",
    "show_functions_user": "function lists are engine-specific",
    "describe": "checked by shape (columns, kinds)",
    "set_list": "the SET listing shows each engine's own configuration keys",
    "complete_statement": "candidate lists are engine-specific beyond the recorded one",
}


def _conversation() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CONVERSATION.read_text().splitlines() if line.strip()]


def _prefixed(name: str, table: dict[str, str]) -> str | None:
    for prefix, reason in table.items():
        if name.startswith(prefix):
            return reason
    return None


@dataclass
class Replay:
    client: httpx.Client
    handles: dict[str, str] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    checked: int = 0

    def map(self, text: str) -> str:
        return UUID_RE.sub(lambda m: self.handles.get(m.group(0), m.group(0)), text)

    def send(self, ex: dict[str, Any]) -> httpx.Response:
        req = ex["request"]
        body = req.get("body")
        content = self.map(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if content is not None else {}
        return self.client.request(
            req["method"], self.map(req["path"]), content=content, headers=headers
        )

    def learn(self, ex: dict[str, Any], ours: httpx.Response) -> None:
        rec = ex["response"].get("body_json") or {}
        if ours.status_code != 200:
            return
        mine = ours.json()
        for key in ("sessionHandle", "operationHandle"):
            if key in rec and key in mine:
                self.handles[rec[key]] = mine[key]


def check_headers(r: httpx.Response) -> None:
    assert r.headers["content-type"] == "application/json; charset=UTF-8"
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["connection"] == "keep-alive"
    assert int(r.headers["content-length"]) == len(r.content)


def error_lines(body: dict[str, Any]) -> list[str]:
    """Error strings without stack frames: the first line and the Caused-by lines."""
    out = []
    for text in body["errors"]:
        for line in text.split("\n"):
            if line.startswith("\tat ") or line.startswith("\t...") or not line.strip():
                continue
            if line.startswith((" ", "\t")):  # continuation of a multi-line message
                continue
            out.append(line)
    return out


def _generic(line: str) -> str:
    """Handles we cannot map (e.g. configure-session's internal operation) become <uuid>;
    Jackson's parser messages are compared by exception class only."""
    line = UUID_RE.sub("<uuid>", line)
    if "jackson" in line and line.startswith("Caused by: "):
        return line.split(":", 2)[0] + ":" + line.split(":", 2)[1]
    return line


def compare_errors(replay: Replay, recorded: dict[str, Any], ours: dict[str, Any]) -> None:
    rec = [_generic(line) for line in error_lines(recorded)]
    mine = [_generic(line) for line in error_lines(ours)]
    assert len(ours["errors"]) == len(recorded["errors"]), (rec, mine)
    # everything up to and including the gateway's own wrappers must match exactly; engine
    # causes below "Failed to execute the operation" carry engine-specific text
    engine_side = ("Failed to execute the operation", "Error while retrieving result.")
    cut = next((i for i, line in enumerate(rec) if any(m in line for m in engine_side)), None)
    if cut is None:
        assert mine == rec
    else:
        assert mine[: cut + 1] == rec[: cut + 1]
        assert len(mine) > cut + 1, "the engine's cause is missing"


def normalise(text: str) -> Any:
    return json.loads(JOB_RE.sub('"jobID":"<job>"', text))


def fetch_group(conv: list[dict[str, Any]], i: int) -> Iterator[int]:
    """Indexes of the recorded fetches that follow nextResultUri from exchange ``i``."""
    op = _op_of(conv[i]["request"]["path"])
    expected = conv[i]["request"]["path"]
    j = i
    while j < len(conv):
        ex = conv[j]
        path = ex["request"]["path"]
        if "/result/" not in path or _op_of(path) != op or path != expected:
            return
        yield j
        body = ex["response"].get("body_json") or {}
        if ex["response"]["status"] != 200 or "nextResultUri" not in body:
            return
        expected = body["nextResultUri"]
        j += 1


def _op_of(path: str) -> str | None:
    m = re.search(r"/operations/([0-9a-f-]{36})/", path)
    return m.group(1) if m else None


def logical(pages: list[dict[str, Any]]) -> dict[str, Any]:
    rows: list[Any] = []
    last: dict[str, Any] = {}
    for body in pages:
        if body["resultType"] == "NOT_READY":
            continue
        last = body
        rows.extend(body["results"]["data"])
    return {
        "end": last.get("resultType"),
        "isQueryResult": last.get("isQueryResult"),
        "hasJob": "jobID" in last,
        "resultKind": last.get("resultKind"),
        "columns": last.get("results", {}).get("columns"),
        "rowFormat": last.get("results", {}).get("rowFormat"),
        "rows": rows,
    }


def replay_group(replay: Replay, conv: list[dict[str, Any]], idx: list[int]) -> None:
    recorded = [conv[k] for k in idx]
    last = recorded[-1]["response"]
    if last["status"] != 200:
        ours = _follow(replay, recorded[0])
        assert ours[-1].status_code == last["status"], ours[-1].text
        check_headers(ours[-1])
        compare_errors(replay, last["body_json"], ours[-1].json())
        return
    rec_logical = logical([r["response"]["body_json"] for r in recorded])
    if rec_logical["end"] != "EOS":
        return  # the recording stopped before EOS (streams); nothing to compare
    ours = _follow(replay, recorded[0])
    for r in ours:
        assert r.status_code == 200, r.text
        check_headers(r)
    mine = logical([r.json() for r in ours])
    name = recorded[0]["name"]
    if _prefixed(name, LOOSE):
        rec_logical.pop("rows")
        mine.pop("rows")
    assert mine == rec_logical, name


def _follow(replay: Replay, first: dict[str, Any]) -> list[httpx.Response]:
    out = [replay.send(first)]
    for _ in range(10_000):
        r = out[-1]
        if r.status_code != 200:
            break
        body = r.json()
        if "nextResultUri" not in body:
            break
        out.append(replay.client.get(body["nextResultUri"]))
    return out


def test_replay_recorded_conversation(gateway: RunningGateway) -> None:
    conv = _conversation()
    with gateway.client() as client:
        replay = Replay(client)
        failures: list[str] = []
        i = 0
        while i < len(conv):
            ex = conv[i]
            name = ex["name"]
            path = ex["request"]["path"]
            recorded_ids = UUID_RE.findall(path)
            if _prefixed(name, SKIPPED) or any(u in replay.dropped for u in recorded_ids):
                rec = ex["response"].get("body_json") or {}
                if "operationHandle" in rec:
                    replay.dropped.add(rec["operationHandle"])
                i += 1
                continue
            if (
                "/result/" in path
                and (ex["response"].get("body_json") or {}).get("resultType") == "NOT_READY"
            ):
                group = list(fetch_group(conv, i))
                _collect(failures, name, lambda g=group: replay_group(replay, conv, g))
                replay.checked += 1
                i = group[-1] + 1
                continue
            if (
                "/result/" in path
                and path.endswith("result/0?rowFormat=JSON")
                and _is_group_start(conv, i)
            ):
                group = list(fetch_group(conv, i))
                _collect(failures, name, lambda g=group: replay_group(replay, conv, g))
                replay.checked += 1
                i = group[-1] + 1
                continue
            _collect(failures, name, lambda e=ex: replay_single(replay, e))
            replay.checked += 1
            i += 1
        assert replay.checked > 100
        assert not failures, f"{len(failures)} exchanges differ:\n" + "\n\n".join(failures)


def _collect(failures: list[str], name: str, step: Any) -> None:
    try:
        step()
    except AssertionError as exc:
        failures.append(f"[{name}] {str(exc)[:1500]}")


def _is_group_start(conv: list[dict[str, Any]], i: int) -> bool:
    prev = conv[i - 1]["request"]["path"] if i else ""
    return _op_of(conv[i]["request"]["path"]) != _op_of(prev) or "/statements" in prev


NORMAL_PATH = ["INITIALIZED", "PENDING", "RUNNING", "FINISHED"]


def compare_status(replay: Replay, ex: dict[str, Any], ours: httpx.Response) -> None:
    """Our engine may be further along than Flink was at that moment: a recorded non-terminal
    status allows any later one; a recorded terminal status must be reached exactly."""
    recorded = ex["response"]["body_json"]["status"]
    mine = ours.json()["status"]
    if recorded in NORMAL_PATH[:3]:
        assert mine in NORMAL_PATH + ["ERROR"], (recorded, mine)
        return
    for _ in range(2000):
        if mine not in NORMAL_PATH[:3]:
            break
        mine = replay.send(ex).json()["status"]
    assert mine == recorded, ex["name"]


def replay_single(replay: Replay, ex: dict[str, Any]) -> None:
    name = ex["name"]
    ours = replay.send(ex)
    rec = ex["response"]
    assert ours.status_code == rec["status"], f"{name}: {ours.text[:3000]}"
    check_headers(ours)
    replay.learn(ex, ours)
    if rec["status"] != 200:
        if rec["status"] == 404:
            assert ours.json() == rec["body_json"], name
        else:
            compare_errors(replay, rec["body_json"], ours.json())
        return
    if name.endswith("_status") and "/status" in ex["request"]["path"]:
        compare_status(replay, ex, ours)
        return
    if name.startswith("a_get_session_config"):
        props = ours.json()["properties"]
        assert props["table.local-time-zone"] == "UTC"
        sh = replay.handles[UUID_RE.findall(ex["request"]["path"])[0]]
        assert props["table.resources.download-dir"].endswith(f"sql-gateway-{sh}")
        if name.endswith("after_set"):
            assert props["table.exec.resource.default-parallelism"] == "1"
        return
    if _prefixed(name, LOOSE):
        assert ours.json().keys() == rec["body_json"].keys(), name
        return
    if "sessionHandle" in rec["body_json"] or "operationHandle" in rec["body_json"]:
        assert ours.json().keys() == rec["body_json"].keys()
        return
    expected = normalise(replay.map(rec["body_raw"]))
    assert normalise(ours.text) == expected, name


@pytest.mark.parametrize("path", ["/v1/info", "/v3/info", "/info"])
def test_info_and_versions(gateway: RunningGateway, path: str) -> None:
    with gateway.client() as c:
        r = c.get(path)
        assert r.status_code == 200
        assert r.json() == {"productName": "Apache Flink", "version": "2.3.0"}
        v = c.get(path.replace("info", "api_versions"))
        assert v.text == '{"versions":["V1","V2","V3","V4"]}'
