"""Classify one Flink SQL statement by its leading keywords (no full parse).

The classification decides how a statement is executed (query, DML job, DDL, SHOW, SET, …) and
whether configure-session accepts it. Keys of ``SET``/``RESET`` and the target of ``USE``,
``SHOW``/``DESCRIBE`` are extracted here; engines do the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from sqlgateway.sql.splitter import strip_comments, tokenize


class Kind(Enum):
    """What a statement is, in Flink's terms (``Operation`` families)."""

    QUERY = "QUERY"  # SELECT / VALUES / WITH / TABLE / (…)
    INSERT = "INSERT"  # INSERT INTO / INSERT OVERWRITE
    STATEMENT_SET = "STATEMENT_SET"  # [EXECUTE] STATEMENT SET BEGIN … END
    BEGIN_STATEMENT_SET = "BEGIN_STATEMENT_SET"
    END = "END"
    SET = "SET"
    RESET = "RESET"
    CREATE = "CREATE"
    DROP = "DROP"
    ALTER = "ALTER"
    USE = "USE"
    SHOW = "SHOW"
    DESCRIBE = "DESCRIBE"
    EXPLAIN = "EXPLAIN"
    LOAD_MODULE = "LOAD_MODULE"
    UNLOAD_MODULE = "UNLOAD_MODULE"
    ADD_JAR = "ADD_JAR"
    REMOVE_JAR = "REMOVE_JAR"
    STOP_JOB = "STOP_JOB"
    EXECUTE = "EXECUTE"  # EXECUTE <dml> / EXECUTE PLAN
    OTHER = "OTHER"  # anything else (DELETE, UPDATE, TRUNCATE, ANALYZE, CALL, garbage)


@dataclass(frozen=True)
class Statement:
    """A classified statement. ``text`` is the statement without comments and trailing ``;``;
    ``words`` are its leading upper-cased keywords; ``object`` names what CREATE/DROP/ALTER/SHOW
    act on (``TABLE``, ``TEMPORARY VIEW``, ``CATALOGS`` …)."""

    kind: Kind
    text: str
    words: tuple[str, ...] = field(default=())
    object: str = ""


_LEADING_WORDS = re.compile(r"[A-Za-z_]+")
_OBJECTS = (
    "MATERIALIZED TABLE", "TEMPORARY SYSTEM FUNCTION", "TEMPORARY FUNCTION", "SYSTEM FUNCTION",
    "TEMPORARY TABLE", "TEMPORARY VIEW", "TEMPORARY MODEL", "TABLE", "VIEW", "DATABASE",
    "SCHEMA", "CATALOG", "FUNCTION", "MODEL",
)  # fmt: skip


def leading_words(text: str, limit: int = 6) -> tuple[str, ...]:
    """The first ``limit`` bare words, upper-cased, stopping at the first non-word token."""
    words: list[str] = []
    pos = 0
    while len(words) < limit:
        m = _LEADING_WORDS.match(text, pos)
        if m is None:
            break
        words.append(m.group(0).upper())
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tuple(words)


def classify(statement: str) -> Statement:
    """Classify one statement (comments allowed, trailing ``;`` allowed)."""
    text = strip_comments(statement)
    while text.endswith(";"):
        text = text[:-1].rstrip()
    words = leading_words(text)
    first = words[0] if words else ""
    kind = _kind_of(first, words, text)
    obj = ""
    if kind in (Kind.CREATE, Kind.DROP, Kind.ALTER):
        obj = _object_of(words[1:])
    elif kind in (Kind.SHOW, Kind.DESCRIBE, Kind.USE):
        obj = " ".join(words[1:3])
    return Statement(kind, text, words, obj)


def _kind_of(first: str, words: tuple[str, ...], text: str) -> Kind:
    simple = {
        "SELECT": Kind.QUERY, "VALUES": Kind.QUERY, "WITH": Kind.QUERY, "TABLE": Kind.QUERY,
        "INSERT": Kind.INSERT, "SET": Kind.SET, "RESET": Kind.RESET, "CREATE": Kind.CREATE,
        "DROP": Kind.DROP, "ALTER": Kind.ALTER, "USE": Kind.USE, "SHOW": Kind.SHOW,
        "DESCRIBE": Kind.DESCRIBE, "DESC": Kind.DESCRIBE, "EXPLAIN": Kind.EXPLAIN,
        "END": Kind.END,
    }  # fmt: skip
    if text.startswith("("):
        return Kind.QUERY
    if words[:3] == ("BEGIN", "STATEMENT", "SET") and len(words) == 3:
        return Kind.BEGIN_STATEMENT_SET
    if words[:3] == ("STATEMENT", "SET", "BEGIN") or words[:4] == (
        "EXECUTE", "STATEMENT", "SET", "BEGIN",
    ):  # fmt: skip
        return Kind.STATEMENT_SET
    pairs = {
        ("LOAD", "MODULE"): Kind.LOAD_MODULE, ("UNLOAD", "MODULE"): Kind.UNLOAD_MODULE,
        ("ADD", "JAR"): Kind.ADD_JAR, ("REMOVE", "JAR"): Kind.REMOVE_JAR,
        ("STOP", "JOB"): Kind.STOP_JOB,
    }  # fmt: skip
    pair = (words[0], words[1]) if len(words) >= 2 else ("", "")
    if pair in pairs:
        return pairs[pair]
    if first == "EXECUTE":
        return Kind.EXECUTE
    if first == "END" and len(words) > 1:
        return Kind.OTHER
    return simple.get(first, Kind.OTHER)


def _object_of(words: tuple[str, ...]) -> str:
    """``TEMPORARY VIEW`` from ``(OR, REPLACE, TEMPORARY, VIEW, …)``."""
    rest = list(words)
    if rest[:2] == ["OR", "REPLACE"]:
        rest = rest[2:]
    joined = " ".join(rest)
    for obj in _OBJECTS:
        if joined == obj or joined.startswith(obj + " "):
            return obj
    return rest[0] if rest else ""


# configure-session: which statements Flink 2.3 accepts (OperationExecutor.configureSession).
CONFIGURE_KINDS = frozenset(
    {Kind.SET, Kind.RESET, Kind.CREATE, Kind.DROP, Kind.ALTER, Kind.USE, Kind.LOAD_MODULE,
     Kind.UNLOAD_MODULE, Kind.ADD_JAR}
)  # fmt: skip

CONFIGURE_UNSUPPORTED = (
    "Unsupported statement for configuring session: {statement}\n"
    "The configureSession API only supports executing statements of type SET, RESET, "
    "CREATE TABLE, CREATE VIEW, CREATE DATABASE, CREATE FUNCTION, "
    "CREATE TEMPORARY SYSTEM FUNCTION, CREATE CATALOG, CREATE MODEL, "
    "CREATE MATERIALIZED TABLE, DROP TABLE, DROP VIEW, DROP DATABASE, DROP FUNCTION, "
    "DROP TEMPORARY SYSTEM FUNCTION, DROP CATALOG, DROP MODEL, DROP MATERIALIZED TABLE, "
    "ALTER TABLE, ALTER VIEW, ALTER DATABASE, ALTER FUNCTION, ALTER CATALOG SET, "
    "ALTER CATALOG RESET, ALTER CATALOG COMMENT, ALTER MODEL, ALTER MODEL, "
    "ALTER MATERIALIZED TABLE, USE CATALOG, USE [CATALOG.]DATABASE, USE MODULES, LOAD MODULE, "
    "UNLOAD MODULE, ADD JAR."
)


def is_ctas(stmt: Statement) -> bool:
    """``CREATE [OR REPLACE] TABLE … AS <query>`` (a DML job in Flink, not plain DDL): an ``AS``
    outside any parentheses."""
    if stmt.kind is not Kind.CREATE or stmt.object not in ("TABLE", "TEMPORARY TABLE"):
        return False
    return top_level_word_index(stmt.text, "AS") is not None


def top_level_word_index(text: str, word: str) -> int | None:
    """Offset of the first bare ``word`` (case-insensitive) outside parentheses, or None."""
    depth = 0
    for tok in tokenize(text):
        if tok.kind == "other" and tok.text in "([":
            depth += 1
        elif tok.kind == "other" and tok.text in ")]":
            depth -= 1
        elif tok.kind == "word" and depth == 0 and tok.text.upper() == word:
            return tok.start
    return None
