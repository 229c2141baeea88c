"""Parse Flink ``CREATE TABLE`` / ``CREATE VIEW`` / ``WITH (...)`` clauses (engine independent).

Supported shape (Flink 2.x)::

    CREATE [TEMPORARY] TABLE [IF NOT EXISTS] [cat.][db.]name (
        col type [METADATA [FROM 'key'] [VIRTUAL]] [NOT NULL] [PRIMARY KEY NOT ENFORCED]
            [COMMENT '...'],
        col AS expr [COMMENT '...'],
        [CONSTRAINT c] PRIMARY KEY (a, b) NOT ENFORCED,
        WATERMARK FOR col AS expr
    ) [COMMENT '...'] [PARTITIONED BY (a, b)] [WITH ('k' = 'v', ...)] [AS query]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlgateway.errors import PARSER_EXCEPTION, ExecutionError
from sqlgateway.sql.splitter import Token, tokenize


class DdlParseError(ExecutionError):
    def __init__(self, message: str) -> None:
        super().__init__(f"SQL parse failed. {message}", java_class=PARSER_EXCEPTION)


@dataclass
class ColumnDef:
    """One column: physical (``type``), computed (``expr``) or metadata (``metadata_key``)."""

    name: str
    type: str = ""
    expr: str | None = None
    metadata_key: str | None = None
    virtual: bool = False
    nullable: bool = True
    comment: str | None = None


@dataclass
class TableDef:
    """A parsed ``CREATE TABLE``."""

    name: list[str]
    temporary: bool = False
    if_not_exists: bool = False
    or_replace: bool = False
    columns: list[ColumnDef] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    watermarks: list[tuple[str, str]] = field(default_factory=list)
    comment: str | None = None
    partition_keys: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    query: str | None = None
    like: str | None = None


def _code(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("space", "comment")]


def unquote(tok: str) -> str:
    """Identifier or string literal text without its quotes."""
    if len(tok) >= 2 and tok[0] == tok[-1] and tok[0] in "`\"'":
        return tok[1:-1].replace(tok[0] * 2, tok[0])
    return tok


class _Cursor:
    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.toks = _code(list(tokenize(sql)))
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.toks[j].text.upper() if j < len(self.toks) else ""

    def take(self) -> Token:
        if self.i >= len(self.toks):
            raise DdlParseError(f'Encountered "<EOF>" in: {self.sql}')
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def accept(self, *words: str) -> bool:
        if [self.peek(k) for k in range(len(words))] == list(words):
            self.i += len(words)
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.accept(word):
            got = self.peek() or "<EOF>"
            raise DdlParseError(f'Encountered "{got}", was expecting "{word}" in: {self.sql}')

    def name(self) -> list[str]:
        parts = [unquote(self.take().text)]
        while self.peek() == "." and self.i + 1 < len(self.toks):
            self.i += 1
            parts.append(unquote(self.take().text))
        return parts

    def balanced(self) -> str:
        """Source text of a parenthesised group starting at ``(`` (without the parens)."""
        self.expect("(")
        start = self.toks[self.i].start if self.i < len(self.toks) else len(self.sql)
        depth = 1
        while True:
            tok = self.take()
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
                if depth == 0:
                    return self.sql[start : tok.start]

    def rest(self) -> str:
        return self.sql[self.toks[self.i].start :].strip() if self.i < len(self.toks) else ""


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """``text`` split at ``sep`` outside parentheses/angle brackets/quotes."""
    parts: list[str] = []
    depth, start = 0, 0
    for tok in tokenize(text):
        if tok.kind == "other" and tok.text in "(<[":
            depth += 1
        elif tok.kind == "other" and tok.text in ")>]":
            depth -= 1
        elif tok.kind == "other" and tok.text == sep and depth == 0:
            parts.append(text[start : tok.start].strip())
            start = tok.start + 1
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def parse_options(body: str) -> dict[str, str]:
    """``'k' = 'v', ...`` (the inside of ``WITH (...)``)."""
    out: dict[str, str] = {}
    for item in split_top_level(body):
        m = re.fullmatch(r"\s*('(?:[^']|'')*'|[\w.\-]+)\s*=\s*('(?:[^']|'')*')\s*", item, re.S)
        if m is None:
            raise DdlParseError(f"Cannot parse table option: {item}")
        out[unquote(m.group(1))] = unquote(m.group(2))
    return out


def parse_create_table(sql: str) -> TableDef:
    """Parse ``CREATE [OR REPLACE] [TEMPORARY] TABLE …``."""
    c = _Cursor(sql)
    c.expect("CREATE")
    or_replace = c.accept("OR", "REPLACE")
    temporary = c.accept("TEMPORARY")
    c.expect("TABLE")
    ine = c.accept("IF", "NOT", "EXISTS")
    t = TableDef(c.name(), temporary, ine, or_replace)
    if c.peek() == "(":
        _parse_elements(t, c.balanced())
    _parse_tail(t, c)
    return t


def _parse_tail(t: TableDef, c: _Cursor) -> None:
    while c.i < len(c.toks):
        if c.accept("COMMENT"):
            t.comment = unquote(c.take().text)
        elif c.accept("PARTITIONED", "BY"):
            t.partition_keys = [unquote(k) for k in split_top_level(c.balanced())]
        elif c.accept("WITH"):
            t.options = parse_options(c.balanced())
        elif c.accept("LIKE"):
            t.like = ".".join(c.name())
            if c.peek() == "(":
                c.balanced()
        elif c.accept("AS"):
            t.query = c.rest()
            return
        elif c.peek() == "DISTRIBUTED":
            raise DdlParseError("DISTRIBUTED BY is not supported on this engine.")
        else:
            raise DdlParseError(f'Encountered "{c.peek()}" in: {c.sql}')


def _parse_elements(t: TableDef, body: str) -> None:
    for item in split_top_level(body):
        c = _Cursor(item)
        if c.accept("CONSTRAINT"):
            c.take()
        if c.accept("PRIMARY", "KEY"):
            t.primary_key = [unquote(k) for k in split_top_level(c.balanced())]
            c.accept("NOT", "ENFORCED")
        elif c.accept("WATERMARK", "FOR"):
            col = unquote(c.take().text)
            c.expect("AS")
            t.watermarks.append((col, c.rest()))
        else:
            t.columns.append(_parse_column(c, t))


def _parse_column(c: _Cursor, t: TableDef) -> ColumnDef:
    col = ColumnDef(unquote(c.take().text))
    if c.accept("AS"):
        expr, comment = _split_comment(c.rest())
        col.expr, col.comment = expr, comment
        return col
    start = c.i
    while c.i < len(c.toks) and c.peek() not in ("METADATA", "PRIMARY", "COMMENT", "CONSTRAINT"):
        if c.peek() == "NOT" and c.peek(1) == "NULL" and _type_closed(c, start):
            break
        c.i += 1
    end = c.toks[c.i].start if c.i < len(c.toks) else len(c.sql)
    col.type = c.sql[c.toks[start].start : end].strip() if start < len(c.toks) else ""
    if not col.type:
        raise DdlParseError(f"Missing data type for column {col.name}")
    if c.accept("METADATA"):
        col.metadata_key = unquote(c.take().text) if c.accept("FROM") else col.name
        col.virtual = c.accept("VIRTUAL")
    while c.i < len(c.toks):
        if c.accept("NOT", "NULL"):
            col.nullable = False
        elif c.accept("NULL"):
            col.nullable = True
        elif c.accept("CONSTRAINT"):
            c.take()
        elif c.accept("PRIMARY", "KEY"):
            c.accept("NOT", "ENFORCED")
            t.primary_key = [col.name]
            col.nullable = False
        elif c.accept("COMMENT"):
            col.comment = unquote(c.take().text)
        else:
            raise DdlParseError(f'Encountered "{c.peek()}" in column {col.name}')
    if col.type.upper().endswith(" NOT NULL"):
        col.type, col.nullable = col.type[: -len(" NOT NULL")].rstrip(), False
    return col


def _type_closed(c: _Cursor, start: int) -> bool:
    depth = 0
    for tok in c.toks[start : c.i]:
        depth += tok.text in "(<"
        depth -= tok.text in ")>"
    return depth == 0


def _split_comment(text: str) -> tuple[str, str | None]:
    m = re.search(r"\s+COMMENT\s+('(?:[^']|'')*')\s*$", text, re.I)
    if m:
        return text[: m.start()].strip(), unquote(m.group(1))
    return text.strip(), None


@dataclass
class ViewDef:
    """A parsed ``CREATE [TEMPORARY] VIEW``."""

    name: list[str]
    query: str
    temporary: bool = False
    if_not_exists: bool = False
    or_replace: bool = False
    columns: list[str] = field(default_factory=list)
    comment: str | None = None


def parse_create_view(sql: str) -> ViewDef:
    c = _Cursor(sql)
    c.expect("CREATE")
    or_replace = c.accept("OR", "REPLACE")
    temporary = c.accept("TEMPORARY")
    c.expect("VIEW")
    ine = c.accept("IF", "NOT", "EXISTS")
    name = c.name()
    cols = [unquote(x) for x in split_top_level(c.balanced())] if c.peek() == "(" else []
    comment = unquote(c.take().text) if c.accept("COMMENT") else None
    c.expect("AS")
    return ViewDef(name, c.rest(), temporary, ine, or_replace, cols, comment)


@dataclass
class InsertDef:
    """A parsed ``INSERT INTO|OVERWRITE [TABLE] t [PARTITION (…)] [(cols)] query``."""

    target: list[str]
    query: str
    overwrite: bool = False
    columns: list[str] = field(default_factory=list)
    partition: dict[str, str] = field(default_factory=dict)


def parse_insert(sql: str) -> InsertDef:
    c = _Cursor(sql)
    c.expect("INSERT")
    overwrite = c.accept("OVERWRITE")
    if not overwrite:
        c.expect("INTO")
    c.accept("TABLE")
    target = c.name()
    partition: dict[str, str] = {}
    if c.accept("PARTITION"):
        for item in split_top_level(c.balanced()):
            k, _, v = item.partition("=")
            partition[unquote(k.strip())] = v.strip()
    columns: list[str] = []
    if c.peek() == "(" and c.peek(1) not in ("SELECT", "WITH", "VALUES", "("):
        columns = [unquote(x) for x in split_top_level(c.balanced())]
    query = c.rest()
    if not query:
        raise DdlParseError(f'Encountered "<EOF>" in: {sql}')
    return InsertDef(target, query, overwrite, columns, partition)
