"""Principals and credential stores (tokens file, password file), reloaded when files change.

File format (both files): one ``name:hash`` entry per line; blank lines and lines starting with
``#`` are ignored; the name may not contain ``:``. See :mod:`sqlgateway.security.hashing`.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from sqlgateway.config import ConfigError
from sqlgateway.security import hashing


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: its name and how it proved it (token, basic, jwt, anonymous)."""

    name: str
    method: str


ANONYMOUS = Principal("anonymous", "none")


def parse_entries(text: str, source: str) -> dict[str, list[str]]:
    """``name:hash`` lines -> name -> hashes (a name may have several, e.g. token rotation)."""
    out: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if not sep or not name.strip() or not hashing.is_supported_hash(stored.strip()):
            raise ConfigError(f"{source}:{number}: expected 'name:hash' with a supported hash")
        out.setdefault(name.strip(), []).append(stored.strip())
    return out


class _ReloadingFile:
    """Entries of a credentials file, re-read when its modification time or size changes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0
        self.entries: dict[str, list[str]] = {}
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """Re-read the file if it changed (checked at most once a second unless forced)."""
        now = time.monotonic()
        if not force and now - self._checked < 1.0:
            return
        with self._lock:
            self._checked = now
            try:
                st = self.path.stat()
                stamp = (st.st_mtime, st.st_size)
                if stamp == self._stamp and not force:
                    return
                text = self.path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot read credentials file {self.path}: {exc}") from exc
            self.entries = parse_entries(text, str(self.path))
            self._stamp = stamp


class _VerifiedCache:
    """Remembers recently verified secrets (keyed by a sha256 of the input) so slow hashes
    (bcrypt, argon2) are not recomputed on every request; bounded and time-limited."""

    def __init__(self, size: int = 1024, ttl: float = 300.0) -> None:
        self._size, self._ttl = size, ttl
        self._items: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def get(self, key: str) -> Principal | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or time.monotonic() - item[0] > self._ttl:
                self._items.pop(key, None)
                return None
            return item[1]

    def put(self, key: str, principal: Principal) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), principal)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class TokenStore:
    """Bearer tokens from a tokens file: ``principal:sha256:<hex>`` or ``principal:$argon2id$…``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._file = _ReloadingFile(path)
        self._cache = _VerifiedCache()
        self._stamp: object = None

    def _current(self) -> dict[str, list[str]]:
        self._file.refresh()
        if self._stamp is not self._file.entries:  # file changed: forget verified tokens
            self._cache.clear()
            self._stamp = self._file.entries
        return self._file.entries

    def authenticate(self, token: str) -> Principal | None:
        """The principal owning ``token``, or None."""
        entries = self._current()
        key = self._cache.key(token)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        fast = hashing.sha256_token(token)
        for name, hashes in entries.items():
            if any(hashing.verify(h, token) for h in hashes if h == fast):
                return self._remember(key, name)
        for name, hashes in entries.items():
            if any(hashing.verify(h, token) for h in hashes if h.startswith("$")):
                return self._remember(key, name)
        return None

    def _remember(self, key: str, name: str) -> Principal:
        principal = Principal(name, "token")
        self._cache.put(key, principal)
        return principal


class PasswordStore:
    """HTTP Basic users from a password file: ``user:$2b$…`` (bcrypt) or ``user:$argon2id$…``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._file = _ReloadingFile(path)
        self._cache = _VerifiedCache()
        self._stamp: object = None

    def authenticate(self, user: str, password: str) -> Principal | None:
        """The principal ``user`` if ``password`` matches one of its hashes, else None."""
        self._file.refresh()
        if self._stamp is not self._file.entries:
            self._cache.clear()
            self._stamp = self._file.entries
        key = self._cache.key(user, password)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        hashes = self._file.entries.get(user)
        if not hashes:
            hashing.verify(hashing.DUMMY_ARGON2, password)  # same cost as a real check
            return None
        if any(hashing.verify(stored, password) for stored in hashes):
            principal = Principal(user, "basic")
            self._cache.put(key, principal)
            return principal
        return None
