"""Tab completion through the gateway's complete-statement endpoint (API v2+)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from sqlgateway.client import GatewayClientError

from .splitter import statement_at

_WORD = re.compile(r"[\w$]*$")

Fetcher = Callable[[str, int], list[str]]


def word_before(text: str) -> str:
    """The identifier characters immediately before the cursor."""
    match = _WORD.search(text)
    return match.group(0) if match else ""


def pick_candidates(candidates: Iterable[str], word: str) -> list[str]:
    """Candidates matching the typed prefix (all of them when none match), de-duplicated."""
    unique = list(dict.fromkeys(candidates))
    if not word:
        return unique
    matching = [c for c in unique if c.lower().startswith(word.lower())]
    return matching or unique


class GatewayCompleter(Completer):
    """Asks the gateway for candidates for the statement under the cursor."""

    def __init__(self, fetch: Fetcher) -> None:
        self.fetch = fetch

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        """Yield completions replacing the word before the cursor."""
        statement, position = statement_at(document.text, document.cursor_position)
        if not statement:
            return
        try:
            candidates = self.fetch(statement, position)
        except GatewayClientError:
            return
        word = word_before(document.text_before_cursor)
        for candidate in pick_candidates(candidates, word):
            yield Completion(candidate, start_position=-len(word))
