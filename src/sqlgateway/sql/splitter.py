"""Split Flink SQL text into statements, honouring strings, identifiers and comments.

Flink's lexer rules that matter for splitting:

* ``'...'`` string literals (a quote inside is doubled: ``'it''s'``),
* ``"..."`` and ```...``` quoted identifiers (doubled quote escapes),
* ``-- ...`` line comments and ``/* ... */`` block comments,
* ``EXECUTE STATEMENT SET BEGIN ... END`` / ``STATEMENT SET BEGIN ... END`` blocks whose inner
  statements end with ``;`` but belong to one statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_BLOCK_START = re.compile(r"(?:EXECUTE\s+)?STATEMENT\s+SET\s+BEGIN\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9$]*")


@dataclass(frozen=True, slots=True)
class Token:
    """A lexical piece: ``kind`` is word, string, quoted, comment, space, semicolon or other."""

    kind: str
    text: str
    start: int


def tokenize(sql: str) -> Iterator[Token]:
    """Coarse Flink SQL tokens; an unterminated string/comment runs to the end of the text."""
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`":
            j = _closing_quote(sql, i + 1, c)
            yield Token("string" if c == "'" else "quoted", sql[i:j], i)
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j + 1
            yield Token("comment", sql[i:j], i)
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            yield Token("comment", sql[i:j], i)
        elif c.isspace():
            j = i + 1
            while j < n and sql[j].isspace():
                j += 1
            yield Token("space", sql[i:j], i)
        elif c == ";":
            j = i + 1
            yield Token("semicolon", c, i)
        elif (m := _WORD.match(sql, i)) is not None:
            j = m.end()
            yield Token("word", m.group(0), i)
        else:
            j = i + 1
            yield Token("other", c, i)
        i = j


def _closing_quote(sql: str, i: int, quote: str) -> int:
    n = len(sql)
    while i < n:
        if sql[i] == quote:
            if i + 1 < n and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n


def strip_comments(sql: str) -> str:
    """The text without comments (each comment becomes one space), trimmed. SQL hints
    (``/*+ … */``) are not comments and are kept."""
    parts = [
        " " if t.kind == "comment" and not t.text.startswith("/*+") else t.text
        for t in tokenize(sql)
    ]
    return "".join(parts).strip()


def split_statements(sql: str) -> list[str]:
    """The statements of ``sql`` without their terminating ``;``, comments kept, blank ones
    (only whitespace/comments) dropped. ``STATEMENT SET BEGIN … END`` stays one statement."""
    out: list[str] = []
    current: list[Token] = []
    in_block = False
    for tok in tokenize(sql):
        if tok.kind == "semicolon" and not in_block:
            _flush(current, out)
            current = []
            continue
        current.append(tok)
        if tok.kind == "word":
            code = _code_text(current)
            if not in_block and _BLOCK_START.fullmatch(code):
                in_block = True
            elif in_block and tok.text.upper() == "END" and _ends_block(current):
                in_block = False
    _flush(current, out)
    return out


def _code_text(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens if t.kind not in ("space", "comment"))


def _ends_block(tokens: list[Token]) -> bool:
    """``END`` closes the block when it starts a statement inside it (after a ``;``/BEGIN)."""
    code = [t for t in tokens if t.kind not in ("space", "comment")]
    return len(code) >= 2 and (code[-2].kind == "semicolon" or code[-2].text.upper() == "BEGIN")


def _flush(tokens: list[Token], out: list[str]) -> None:
    if any(t.kind not in ("space", "comment") for t in tokens):
        out.append("".join(t.text for t in tokens).strip())


def single_statement(sql: str) -> str | None:
    """The one statement in ``sql`` (a trailing ``;`` allowed), or None if there are several.
    Blank text gives ``""``."""
    parts = split_statements(sql)
    if len(parts) > 1:
        return None
    return parts[0] if parts else ""
