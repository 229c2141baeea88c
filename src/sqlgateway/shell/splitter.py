"""Split SQL text into statements at top-level semicolons.

Semicolons inside single-quoted strings (``''`` escapes), double-quoted and back-ticked
identifiers, ``--`` line comments and ``/* */`` block comments do not end a statement. A
``[EXECUTE] STATEMENT SET BEGIN ... END;`` block is one statement: only a ``;`` after ``END``
ends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK_START = re.compile(r"^\s*(EXECUTE\s+)?STATEMENT\s+SET\s+BEGIN\b", re.IGNORECASE)
_ENDS_WITH_END = re.compile(r"\bEND\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Split:
    """Statements ended by ``;`` (each keeps its ``;``) and the unterminated remainder."""

    statements: list[str]
    remainder: str

    @property
    def complete(self) -> bool:
        """True when nothing but whitespace/comments follows the last statement."""
        return not strip_comments(self.remainder).strip()


class _Scanner:
    """Character scanner tracking quotes and comments; ``code`` collects comment-free text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.code: list[str] = []

    def skip_quoted(self, quote: str) -> None:
        """Advance past a quoted token starting at ``pos`` (doubled quote = escape)."""
        end = self.pos + 1
        while end < len(self.text):
            if self.text[end] == quote:
                if self.text.startswith(quote * 2, end):
                    end += 2
                    continue
                end += 1
                break
            end += 1
        else:
            end = len(self.text)
        self.code.append(self.text[self.pos : end])
        self.pos = end

    def skip_comment(self) -> None:
        """Advance past a ``--`` or ``/* */`` comment starting at ``pos``."""
        if self.text.startswith("--", self.pos):
            end = self.text.find("\n", self.pos)
            end = len(self.text) if end < 0 else end
        else:
            end = self.text.find("*/", self.pos + 2)
            end = len(self.text) if end < 0 else end + 2
        self.code.append(" ")
        self.pos = end


def split_statements(text: str) -> Split:
    """Split ``text`` into complete statements and the trailing incomplete remainder."""
    statements: list[str] = []
    scanner = _Scanner(text)
    start = 0
    while scanner.pos < len(text):
        char = text[scanner.pos]
        if char in "'\"`":
            scanner.skip_quoted(char)
        elif text.startswith("--", scanner.pos) or text.startswith("/*", scanner.pos):
            scanner.skip_comment()
        elif char == ";" and _ends_statement("".join(scanner.code)):
            scanner.pos += 1
            statements.append(text[start : scanner.pos])
            scanner.code = []
            start = scanner.pos
        else:
            scanner.code.append(char)
            scanner.pos += 1
    return Split(statements, text[start:])


def _ends_statement(code: str) -> bool:
    """A top-level ``;`` ends the statement unless inside an unfinished STATEMENT SET block."""
    if _BLOCK_START.match(code):
        return bool(_ENDS_WITH_END.search(code))
    return True


def strip_comments(text: str) -> str:
    """``text`` with comments replaced by a space (quoted text is kept)."""
    scanner = _Scanner(text)
    while scanner.pos < len(text):
        char = text[scanner.pos]
        if char in "'\"`":
            scanner.skip_quoted(char)
        elif text.startswith("--", scanner.pos) or text.startswith("/*", scanner.pos):
            scanner.skip_comment()
        else:
            scanner.code.append(char)
            scanner.pos += 1
    return "".join(scanner.code)


def is_blank(statement: str) -> bool:
    """True when the statement has no SQL besides comments, whitespace and ``;``."""
    return not strip_comments(statement).strip().strip(";").strip()


def statements_of(text: str) -> list[str]:
    """All non-blank statements of a script; a final statement without ``;`` is included."""
    split = split_statements(text)
    parts = [*split.statements, split.remainder]
    return [p.strip() for p in parts if not is_blank(p)]


def statement_at(text: str, cursor: int) -> tuple[str, int]:
    """The statement containing ``cursor`` and the cursor offset inside it (for completion)."""
    offset = 0
    for statement in split_statements(text[:cursor]).statements:
        offset += len(statement)
    rest = text[offset:]
    following = split_statements(rest).statements
    current = following[0] if following else rest
    leading = len(current) - len(current.lstrip())
    return current.strip(), max(0, cursor - offset - leading)
