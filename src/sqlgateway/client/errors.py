"""Errors raised by the REST client, and root-cause extraction from Flink's Java error text.

Flink answers errors with ``{"errors": [...]}``. Service failures carry two strings,
``"Internal server error."`` and ``"<Exception on server side:\\n<stack>\\nEnd of exception on
server side>"``; handler failures carry one stack-trace string. What users want to see is the
*root cause*: the message of the last ``Caused by:`` in the stack text (this is what the Flink SQL
client prints after ``[ERROR] Could not execute SQL statement. Reason:``).
"""

from __future__ import annotations

from collections.abc import Sequence

_SERVER_SIDE_HEAD = "<Exception on server side:"
_SERVER_SIDE_TAIL = "End of exception on server side>"
_CAUSED_BY = "Caused by: "


class GatewayClientError(Exception):
    """Base class of every error raised by :class:`~sqlgateway.client.GatewayClient`."""


class GatewayConnectionError(GatewayClientError):
    """The gateway could not be reached (connection refused, timeout, protocol error)."""


class GatewayProtocolError(GatewayClientError):
    """The gateway answered 2xx with a body that is not the expected JSON shape."""


class GatewayHTTPError(GatewayClientError):
    """The gateway answered with a non-2xx status.

    ``errors`` is the ``errors`` list of the body (or the raw body text as one element when the
    body is not the Flink error envelope).
    """

    def __init__(self, status: int, errors: Sequence[str], method: str, url: str) -> None:
        self.status = status
        self.errors = list(errors)
        self.method = method
        self.url = url
        super().__init__(f"{method} {url} -> HTTP {status}: {self.root_cause}")

    @property
    def root_cause(self) -> str:
        """The root-cause message (``<java class>: <message>``), see :func:`extract_root_cause`."""
        return extract_root_cause(self.errors)

    @property
    def full_text(self) -> str:
        """All error strings joined, server-side wrapper lines removed (for verbose output)."""
        return "\n".join(_unwrap(e) for e in self.errors if e.strip())


def extract_root_cause(errors: Sequence[str]) -> str:
    """Return the message of the innermost ``Caused by:`` of the error strings.

    Without any ``Caused by:`` line, the first line (plus continuation lines) of the most
    detailed string is returned; a bare ``"Internal server error."`` is returned as is.
    """
    texts = [_unwrap(e) for e in errors if e and e.strip()]
    if not texts:
        return "Unknown error (empty error response)."
    detailed = [t for t in texts if t != "Internal server error."]
    text = detailed[-1] if detailed else texts[-1]
    lines = text.splitlines()
    start = None
    for idx, line in enumerate(lines):
        if line.startswith(_CAUSED_BY):
            start = idx
    if start is None:
        return _message_block(lines, 0, "")
    return _message_block(lines, start, _CAUSED_BY)


def _unwrap(text: str) -> str:
    """Strip the ``<Exception on server side: ... End of exception on server side>`` wrapper."""
    stripped = text.strip()
    if stripped.startswith(_SERVER_SIDE_HEAD):
        stripped = stripped[len(_SERVER_SIDE_HEAD) :]
    if stripped.endswith(_SERVER_SIDE_TAIL):
        stripped = stripped[: -len(_SERVER_SIDE_TAIL)]
    return stripped.strip()


def _is_frame(line: str) -> bool:
    body = line.lstrip()
    return (
        body.startswith("at ")
        and line[:1] in ("\t", " ")
        or body.startswith("... ")
        and body.endswith(" more")
        or body.startswith(_CAUSED_BY)
        or body.startswith("Suppressed: ")
    )


def _message_block(lines: list[str], start: int, prefix: str) -> str:
    """The message starting at ``lines[start]`` (without ``prefix``) up to the first frame."""
    first = lines[start][len(prefix) :] if prefix else lines[start]
    block = [first]
    for line in lines[start + 1 :]:
        if _is_frame(line):
            break
        block.append(line)
    return "\n".join(block).rstrip()
