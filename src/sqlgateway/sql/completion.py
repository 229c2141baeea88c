"""complete-statement: keyword and table-name candidates at a cursor position.

Context rules (a small stand-in for Calcite's SqlAdvisor): the first word of a statement completes
to statement keywords; after SHOW / CREATE / DROP / ALTER / USE to their object keywords; after
FROM / JOIN / INTO / TABLE / DESCRIBE / DESC to table names (and keywords); elsewhere to clause
keywords. Matching is case-insensitive by prefix; keywords are returned upper-case.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlgateway.sql.splitter import strip_comments

STATEMENT_KEYWORDS = [
    "ADD", "ALTER", "BEGIN", "CREATE", "DELETE", "DESC", "DESCRIBE", "DROP", "END", "EXECUTE",
    "EXPLAIN", "INSERT", "LOAD", "REMOVE", "RESET", "SELECT", "SET", "SHOW", "STOP", "TRUNCATE",
    "UNLOAD", "UPDATE", "USE", "VALUES", "WITH",
]  # fmt: skip
FOLLOWERS = {
    "SHOW": ["CATALOGS", "COLUMNS", "CREATE", "CURRENT", "DATABASES", "FULL", "FUNCTIONS", "JARS",
             "JOBS", "MATERIALIZED", "MODULES", "PARTITIONS", "PROCEDURES", "TABLES",
             "USER", "VIEWS"],
    "CREATE": ["CATALOG", "DATABASE", "FUNCTION", "MATERIALIZED", "OR", "TABLE", "TEMPORARY",
               "VIEW"],
    "DROP": ["CATALOG", "DATABASE", "FUNCTION", "MATERIALIZED", "TABLE", "TEMPORARY", "VIEW"],
    "ALTER": ["CATALOG", "DATABASE", "FUNCTION", "MATERIALIZED", "TABLE", "VIEW"],
    "USE": ["CATALOG", "MODULES"],
    "CURRENT": ["CATALOG", "DATABASE"],
    "TEMPORARY": ["FUNCTION", "SYSTEM", "TABLE", "VIEW"],
    "INSERT": ["INTO", "OVERWRITE"],
    "LOAD": ["MODULE"], "UNLOAD": ["MODULE"], "ADD": ["JAR"], "REMOVE": ["JAR"],
    "BEGIN": ["STATEMENT"], "STOP": ["JOB"], "EXPLAIN": ["PLAN"],
    "GROUP": ["BY"], "ORDER": ["BY"], "PARTITION": ["BY"], "PARTITIONED": ["BY"],
}  # fmt: skip
CLAUSE_KEYWORDS = [
    "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "CROSS", "DESC", "DISTINCT",
    "ELSE", "END", "EXISTS", "FALSE", "FETCH", "FROM", "FULL", "GROUP", "HAVING", "IN", "INNER",
    "INTERSECT", "INTERVAL", "IS", "JOIN", "LATERAL", "LEFT", "LIKE", "LIMIT", "NOT", "NULL",
    "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "RIGHT", "SELECT", "THEN",
    "TRUE", "UNION", "UNNEST", "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH",
]  # fmt: skip
_CASE_WORDS = {"WHEN", "THEN", "ELSE", "END"}
TABLE_CONTEXT = {"FROM", "JOIN", "INTO", "TABLE", "DESCRIBE", "DESC", "OVERWRITE", "UPDATE"}

_WORDS = re.compile(r"[A-Za-z_][\w$]*")


def candidates(
    statement: str, position: int, tables: Callable[[], list[str]] | None = None
) -> list[str]:
    """Completion candidates for the word ending at ``position`` (0-based offset)."""
    position = max(0, min(position, len(statement)))
    before = statement[:position]
    m = re.search(r"[\w$]*$", before)
    prefix = m.group(0) if m else ""
    context = _WORDS.findall(strip_comments(before[: len(before) - len(prefix)]))
    previous = context[-1].upper() if context else ""
    if not context:
        pool = STATEMENT_KEYWORDS
    elif previous in FOLLOWERS and len(context) <= 3:
        pool = FOLLOWERS[previous]
    elif previous in TABLE_CONTEXT:
        names = tables() if tables is not None else []
        return _match(names, prefix, upper=False)
    else:
        upper = [w.upper() for w in context]
        in_case = upper.count("CASE") > upper.count("END")
        pool = [w for w in CLAUSE_KEYWORDS if in_case or w not in _CASE_WORDS]
    if not prefix:
        return []
    return _match(pool, prefix)


def _match(pool: list[str], prefix: str, upper: bool = True) -> list[str]:
    if upper:
        return [w for w in pool if w.startswith(prefix.upper()) and w != prefix.upper()]
    return [w for w in pool if w.lower().startswith(prefix.lower())]
