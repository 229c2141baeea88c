"""REST API versions (Flink's SqlGatewayRestAPIVersion) and the named version predicates."""

from __future__ import annotations

from enum import IntEnum


class ApiVersion(IntEnum):
    V1 = 1
    V2 = 2
    V3 = 3
    V4 = 4

    @property
    def prefix(self) -> str:
        return f"/v{self.value}"


DEFAULT = ApiVersion.V4
STABLE = tuple(ApiVersion)
BY_PREFIX = {v.name.lower(): v for v in ApiVersion}


def supports_row_format(v: ApiVersion) -> bool:
    """From V2 on, fetch takes ``rowFormat`` and nextResultUri carries it; V1 is always JSON."""
    return v >= ApiVersion.V2
