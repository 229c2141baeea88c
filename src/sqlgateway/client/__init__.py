"""A small typed REST client for any Apache Flink SQL Gateway (ours or Flink's).

Example::

    from sqlgateway.client import GatewayClient

    with GatewayClient("http://127.0.0.1:8083") as client:
        session = client.open_session({"execution.runtime-mode": "batch"})
        result = client.run(session, "SELECT 1")
        print(result.columns[0].name, result.rows[0].fields)
        client.close_session(session)
"""

from .errors import (
    GatewayClientError,
    GatewayConnectionError,
    GatewayHTTPError,
    GatewayProtocolError,
    extract_root_cause,
)
from .gateway import DEFAULT_ENDPOINT, Credentials, GatewayClient, PollPolicy, normalize_endpoint
from .types import (
    ApiVersion,
    Column,
    ResultPage,
    ResultType,
    Row,
    RowFormat,
    StatementResult,
)

__all__ = [
    "DEFAULT_ENDPOINT",
    "ApiVersion",
    "Column",
    "Credentials",
    "GatewayClient",
    "GatewayClientError",
    "GatewayConnectionError",
    "GatewayHTTPError",
    "GatewayProtocolError",
    "PollPolicy",
    "ResultPage",
    "ResultType",
    "Row",
    "RowFormat",
    "StatementResult",
    "extract_root_cause",
    "normalize_endpoint",
]
