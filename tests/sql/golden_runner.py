"""Run Flink-style ``.q`` golden files against a real gateway over the REST API.

Format (as Flink's sql-gateway ``.q`` test files)::

    # a comment
    SHOW CATALOGS;
    !output
    +-----------------+
    |    catalog name |
    +-----------------+
    | default_catalog |
    +-----------------+
    1 row in set
    !ok

    DROP CATALOG default_catalog;
    !output
    org.apache.flink.table.api.ValidationException: Cannot drop a catalog which is currently in use.
    !error

Results are fetched in PLAIN_TEXT and rendered as the SQL client's tableau (values right-aligned,
NULL as ``<NULL>``); ``!error`` blocks must occur as a line of the server's error text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers import execute, fetch_all, wait_status


@dataclass
class Case:
    statement: str
    expected: str
    kind: str  # ok | error
    line: int


def parse_q(path: Path) -> list[Case]:
    cases: list[Case] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    statement: list[str] = []
    i, start = 0, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("!output"):
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i] not in ("!ok", "!error"):
                body.append(lines[i])
                i += 1
            text = "\n".join(statement).strip()
            cases.append(Case(text.rstrip(";").strip(), "\n".join(body), lines[i][1:], start + 1))
            statement = []
        elif not statement and (not line.strip() or line.startswith("#")):
            pass
        else:
            if not statement:
                start = i
            statement.append(line)
        i += 1
    return cases


def tableau(columns: list[str], rows: list[list[str | None]]) -> str:
    """The SQL client's tableau rendering of a result."""
    if not columns:
        return "Empty set"
    cells = [["<NULL>" if v is None else str(v) for v in r] for r in rows]
    widths = [
        max([len(c)] + [max(len(x) for x in r[j].split("\n")) for r in cells])
        for j, c in enumerate(columns)
    ]
    border = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [
        border,
        "| " + " | ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)) + " |",
        border,
    ]
    out += [
        "| " + " | ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    out.append(border)
    n = len(rows)
    if n == 0:
        return "Empty set"
    out.append(f"{n} row{'s' if n != 1 else ''} in set")
    return "\n".join(out)


def record(path: Path, actual: dict[int, str]) -> None:
    """Rewrite the ``!output`` blocks of ``path`` with actual outputs (by case line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    i = 0
    starts = {c.line: c for c in parse_q(path)}
    pending: Case | None = None
    while i < len(lines):
        if i + 1 in starts:
            pending = starts[i + 1]
        line = lines[i]
        if line.startswith("!output") and pending is not None:
            text = actual.get(pending.line, pending.expected)
            out.append(line)
            out.extend(text.splitlines())
            while lines[i] not in ("!ok", "!error"):
                i += 1
            out.append("!error" if text.startswith(("org.", "java.")) else "!ok")
            pending = None
            i += 1
            continue
        out.append(line)
        i += 1
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def run_case(c: httpx.Client, sh: str, case: Case) -> str:
    """The actual output text for a case (tableau or the error line found)."""
    oh = execute(c, sh, case.statement + ";")
    status = wait_status(c, sh, oh)
    uri = f"/v3/sessions/{sh}/operations/{oh}/result/0?rowFormat=PLAIN_TEXT"
    if status == "ERROR":
        return _error_line(c.get(uri), case.expected)
    try:
        result = fetch_all(c, sh, oh, row_format="PLAIN_TEXT")
    except AssertionError as exc:  # a failure while fetching (a runtime error of the "job")
        text = str(exc).split(": ", 1)[-1]
        return _error_line(httpx.Response(500, content=text.encode()), case.expected)
    return tableau([col["name"] for col in result.columns], result.rows)


def _error_line(r: httpx.Response, expected: str) -> str:
    text = "\n".join(r.json().get("errors", []))
    body = re.sub(r"\n\tat [^\n]*", "", text)
    if expected and expected in body:
        return expected
    causes = re.findall(r"Caused by: ([^\n]*(?:\n(?!Caused by:|\n|End of)[^\n]*)*)", body)
    return causes[-1] if causes else body
