"""Reading the recorded Flink 2.3.0 gateway conversation (shared/reference/transcripts)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve()
CANDIDATES = [
    Path(os.environ.get("SQLGATEWAY_REFERENCE", "/nonexistent")),
    _HERE.parents[3] / "shared" / "reference",
    Path("/work/shared/reference"),
]
REFERENCE = next((p for p in CANDIDATES if (p / "transcripts").exists()), CANDIDATES[-1])
GATEWAY = REFERENCE / "transcripts" / "gateway"


@dataclass
class RecordedStatement:
    seq: int
    name: str
    statement: str
    execution_config: dict[str, str]
    pages: list[dict[str, Any]] = field(default_factory=list)  # 200 PAYLOAD/EOS fetch records
    error_text: str | None = None  # the stack text of a 500 fetch

    def data_raw(self, row_format: str) -> str:
        """The raw ``data`` array contents of all PAYLOAD pages fetched in ``row_format``."""
        parts = []
        for page in self.pages:
            if page["row_format"] != row_format or page["type"] != "PAYLOAD":
                continue
            raw = page["raw"]
            start = raw.index('"data":[') + len('"data":[')
            end = raw.rindex("]}")
            inner = raw[start:end]
            if inner:
                parts.append(inner)
        return ",".join(parts)

    def columns(self) -> list[dict[str, Any]] | None:
        for page in self.pages:
            return page["columns"]  # type: ignore[no-any-return]
        return None

    def causes(self) -> list[str]:
        """``class: first message line`` of each cause, without the gateway's own wrappers."""
        if self.error_text is None:
            return []
        lines = re.findall(r"^Caused by: (.*)$", self.error_text, re.M)
        wrappers = ("Failed to fetchResults.", "Failed to execute the operation")
        return [ln for ln in lines if not any(w in ln for w in wrappers)]


def recorded_statements() -> list[RecordedStatement]:
    """Every execute of the recording, with its fetches, in order."""
    records = []
    for f in sorted(GATEWAY.glob("[0-9][0-9][0-9]_*.json")):
        records.append(json.loads(f.read_text()))
    by_handle: dict[str, RecordedStatement] = {}
    out: list[RecordedStatement] = []
    for rec in records:
        req, resp = rec["request"], rec["response"]
        path: str = req["path"]
        if req["method"] == "POST" and path.endswith("/statements") and resp["status"] == 200:
            body = json.loads(req["body"]) if req.get("body") else {}
            handle = json.loads(resp["body_raw"])["operationHandle"]
            st = RecordedStatement(
                rec["seq"],
                rec["name"],
                body.get("statement", ""),
                body.get("executionConfig") or {},
            )
            by_handle[handle] = st
            out.append(st)
            continue
        m = re.search(r"/operations/([0-9a-f-]{36})/result/\d+(\?rowFormat=(\w+))?", path)
        if not m or m.group(1) not in by_handle or req["method"] != "GET":
            continue
        st = by_handle[m.group(1)]
        if resp["status"] == 500:
            errors = json.loads(resp["body_raw"]).get("errors", [])
            st.error_text = errors[-1] if errors else ""
            continue
        if resp["status"] != 200:
            continue
        body = json.loads(resp["body_raw"])
        if body.get("resultType") not in ("PAYLOAD", "EOS"):
            continue
        st.pages.append(
            {
                "type": body["resultType"],
                "row_format": body["results"]["rowFormat"],
                "raw": resp["body_raw"],
                "columns": body["results"]["columns"],
                "is_query": body["isQueryResult"],
                "job": "jobID" in body,
                "kind": body["resultKind"],
            }
        )
    return out
