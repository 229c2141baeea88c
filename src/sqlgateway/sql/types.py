"""Parse Flink SQL data type text (``STRING``, ``DECIMAL(10, 2)``, ``ROW<a INT, b STRING>`` …)
into ``LogicalType`` (engine independent)."""

from __future__ import annotations

import re

from sqlgateway.errors import PARSER_EXCEPTION, ExecutionError
from sqlgateway.model import MAX_LENGTH, LogicalType, RowField

_TOKEN = re.compile(
    r"\s*(`(?:[^`]|``)*`|\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|[A-Za-z_][\w$]*|\d+|[<>(),])"
)

_NO_ARGS = {
    "BOOLEAN": "BOOLEAN", "TINYINT": "TINYINT", "SMALLINT": "SMALLINT", "INT": "INTEGER",
    "INTEGER": "INTEGER", "BIGINT": "BIGINT", "FLOAT": "FLOAT", "REAL": "FLOAT",
    "DOUBLE": "DOUBLE", "DATE": "DATE", "NULL": "NULL",
}  # fmt: skip


class TypeParseError(ExecutionError):
    """Unparsable type text (a SqlParserException in Flink)."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"SQL parse failed. Cannot parse data type: {text}", java_class=PARSER_EXCEPTION
        )


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = []
        pos = 0
        while pos < len(text.rstrip()):
            m = _TOKEN.match(text, pos)
            if m is None:
                raise TypeParseError(text)
            self.tokens.append(m.group(1))
            pos = m.end()
        self.i = 0

    def peek(self) -> str:
        return self.tokens[self.i].upper() if self.i < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        tok = self.tokens[self.i] if self.i < len(self.tokens) else ""
        if not tok or (expected is not None and tok.upper() != expected):
            raise TypeParseError(self.text)
        self.i += 1
        return tok

    def accept(self, *words: str) -> bool:
        """Consume ``words`` if they come next."""
        n = len(words)
        if [t.upper() for t in self.tokens[self.i : self.i + n]] == list(words):
            self.i += n
            return True
        return False

    def ints(self) -> list[int]:
        out: list[int] = []
        if self.accept("("):
            while True:
                tok = self.take()
                if not tok.isdigit():
                    raise TypeParseError(self.text)
                out.append(int(tok))
                if self.accept(")"):
                    break
                self.take(",")
        return out


def parse_type(text: str) -> LogicalType:
    """The ``LogicalType`` of Flink type text; ``TypeParseError`` if it is not one."""
    p = _Parser(text)
    t = _type(p)
    if p.i != len(p.tokens):
        raise TypeParseError(text)
    return t


def _type(p: _Parser) -> LogicalType:
    t = _base(p)
    while p.peek() in ("ARRAY", "MULTISET"):  # postfix: INT ARRAY
        t = LogicalType(p.take().upper(), element=t)
    if p.accept("NOT", "NULL"):
        return t.with_nullable(False)
    p.accept("NULL")
    return t


def _base(p: _Parser) -> LogicalType:  # noqa: C901 - a type switch
    word = p.take().upper()
    if word in _NO_ARGS:
        if word == "DOUBLE":
            p.accept("PRECISION")
        return LogicalType(_NO_ARGS[word])
    if word == "STRING":
        return LogicalType("VARCHAR", length=MAX_LENGTH)
    if word == "BYTES":
        return LogicalType("VARBINARY", length=MAX_LENGTH)
    if word in ("CHAR", "VARCHAR", "BINARY", "VARBINARY", "CHARACTER"):
        root = "CHAR" if word == "CHARACTER" else word
        if root == "CHAR" and p.accept("VARYING"):
            root = "VARCHAR"
        args = p.ints()
        default = 1 if root in ("CHAR", "BINARY") else 1
        return LogicalType(root, length=args[0] if args else default)
    if word in ("DECIMAL", "DEC", "NUMERIC"):
        args = p.ints()
        precision = args[0] if args else 10
        return LogicalType("DECIMAL", precision=precision, scale=args[1] if len(args) > 1 else 0)
    if word == "TIME":
        args = p.ints()
        p.accept("WITHOUT", "TIME", "ZONE")
        return LogicalType("TIME_WITHOUT_TIME_ZONE", precision=args[0] if args else 0)
    if word in ("TIMESTAMP", "TIMESTAMP_LTZ"):
        args = p.ints()
        precision = args[0] if args else 6
        if word == "TIMESTAMP_LTZ" or p.accept("WITH", "LOCAL", "TIME", "ZONE"):
            return LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=precision)
        if p.accept("WITH", "TIME", "ZONE"):
            return LogicalType("TIMESTAMP_WITH_TIME_ZONE", precision=precision)
        p.accept("WITHOUT", "TIME", "ZONE")
        return LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=precision)
    if word in ("ARRAY", "MULTISET"):
        p.take("<")
        element = _type(p)
        p.take(">")
        return LogicalType(word, element=element)
    if word == "MAP":
        p.take("<")
        key = _type(p)
        p.take(",")
        value = _type(p)
        p.take(">")
        return LogicalType("MAP", key=key, value=value)
    if word == "ROW":
        return LogicalType("ROW", fields=_row_fields(p))
    if word == "INTERVAL":
        return _interval(p)
    raise TypeParseError(p.text)


def _row_fields(p: _Parser) -> tuple[RowField, ...]:
    close = ">" if p.peek() == "<" else ")"
    p.take("<" if close == ">" else "(")
    fields: list[RowField] = []
    if p.accept(close):
        return ()
    while True:
        name = _unquote_ident(p.take())
        ftype = _type(p)
        desc = None
        if p.peek().startswith("'"):
            desc = p.take()[1:-1].replace("''", "'")
        fields.append(RowField(name, ftype, desc))
        if p.accept(close):
            return tuple(fields)
        p.take(",")


def _interval(p: _Parser) -> LogicalType:
    unit = p.take().upper()
    args = p.ints()
    end = ""
    if p.accept("TO"):
        end = p.take().upper()
        args += p.ints()
    if unit in ("YEAR", "MONTH"):
        resolution = unit if not end else f"{unit}_TO_{end}"
        return LogicalType("INTERVAL_YEAR_MONTH", precision=args[0] if args else 2,
                           resolution=resolution)  # fmt: skip
    resolution = unit if not end else f"{unit}_TO_{end}"
    fractional = 6 if "SECOND" in resolution else 0
    return LogicalType("INTERVAL_DAY_TIME", precision=args[0] if args and unit == "DAY" else 2,
                       fractional_precision=fractional, resolution=resolution)  # fmt: skip


def _unquote_ident(tok: str) -> str:
    if len(tok) >= 2 and tok[0] == tok[-1] and tok[0] in '`"':
        return tok[1:-1].replace(tok[0] * 2, tok[0])
    return tok
