"""The one route table: every Flink SQL Gateway endpoint with the versions it exists in.

A route registered for the default version (V4) is also served without a version prefix, as
Flink's RestServerEndpoint does. ``shape`` says how a service error is rendered on that endpoint:
``"A"`` = ["Internal server error.", "<Exception on server side: …>"], ``"B"`` = one
RestHandlerException stack text (the handlers that convert errors themselves).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlgateway.rest.versions import DEFAULT, ApiVersion

# The ASGI scope key under which the app leaves the matched route template (with its version
# prefix, e.g. ``/v4/sessions/:session_handle``) for the metrics and access-log middleware.
ROUTE_KEY = "sqlgateway.route"

V1, V2, V3, V4 = ApiVersion.V1, ApiVersion.V2, ApiVersion.V3, ApiVersion.V4
ALL = (V1, V2, V3, V4)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # Flink's template, e.g. /sessions/:session_handle/heartbeat
    handler: str  # name of the function in rest/handlers.py
    versions: tuple[ApiVersion, ...]
    request_body: str = "EmptyRequestBody"
    shape: str = "A"
    query_params: tuple[str, ...] = ()
    blocking: bool = True  # False: cheap enough to run on the event loop
    # run on the event loop when this service check says the call will not block (see app.py)
    inline_if: str = ""
    description: str = ""

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))

    @property
    def template(self) -> str:
        """The path template without a version prefix, e.g. ``/sessions/:session_handle``."""
        return "/" + "/".join(self.segments)

    @property
    def unprefixed(self) -> bool:
        return DEFAULT in self.versions

    def exists_in(self, version: ApiVersion) -> bool:
        return version in self.versions


_SH = "/sessions/:session_handle"
_OP = _SH + "/operations/:operation_handle"

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/api_versions", "api_versions", ALL, blocking=False,
             description="Lists the REST API versions the gateway supports."),
    Endpoint("GET", "/info", "info", ALL, blocking=False,
             description="Product name and version."),
    Endpoint("POST", "/sessions", "open_session", ALL, "OpenSessionRequestBody",
             inline_if="opens_cheaply",
             description="Opens a new session with optional name and configuration."),
    Endpoint("GET", _SH, "get_session_config", ALL, shape="B", inline_if="session_is_cheap",
             description="The session's effective configuration."),
    Endpoint("DELETE", _SH, "close_session", ALL, shape="B", inline_if="session_is_cheap",
             description="Closes the session and all of its operations."),
    Endpoint("POST", _SH + "/heartbeat", "heartbeat", ALL, shape="B", blocking=False,
             description="Keeps the session alive."),
    Endpoint("POST", _SH + "/configure-session", "configure_session", (V2, V3, V4),
             "ConfigureSessionRequestBody",
             description="Runs one configuring statement (SET, RESET, CREATE, DROP, ALTER, USE,"
             " LOAD/UNLOAD MODULE, ADD JAR) synchronously."),
    Endpoint("GET", _SH + "/complete-statement", "complete_statement", (V2, V3, V4),
             "CompleteStatementRequestBody",
             description="Completion hints for a statement at a position."),
    Endpoint("POST", _SH + "/statements", "execute_statement", ALL,
             "ExecuteStatementRequestBody", blocking=False,
             description="Submits a statement; returns an operation handle at once."),
    Endpoint("GET", _OP + "/status", "operation_status", ALL, shape="B", blocking=False,
             description="The operation's status."),
    Endpoint("POST", _OP + "/cancel", "cancel_operation", ALL, shape="B",
             description="Cancels a running operation."),
    Endpoint("DELETE", _OP + "/close", "close_operation", ALL, shape="B",
             description="Closes the operation and releases its result."),
    Endpoint("GET", _OP + "/result/:token", "fetch_results", (V1,), inline_if="fetch_ready",
             description="One page of the operation's result (always JSON in V1)."),
    Endpoint("GET", _OP + "/result/:token", "fetch_results", (V2, V3, V4),
             query_params=("rowFormat",), inline_if="fetch_ready",
             description="One page of the operation's result in the requested row format."),
    Endpoint("POST", _SH + "/materialized-tables/:identifier/refresh",
             "refresh_materialized_table", (V3,), "RefreshMaterializedTableRequestBody",
             shape="B", description="Refreshes a materialized table (V3 only)."),
    Endpoint("POST", "/workflow/embedded-scheduler/create", "workflow_create", (V3,),
             "CreateEmbeddedSchedulerWorkflowRequestBody", shape="B",
             description="Embedded scheduler: create a refresh workflow (internal)."),
    Endpoint("POST", "/workflow/embedded-scheduler/suspend", "workflow_suspend", (V3,),
             "EmbeddedSchedulerWorkflowRequestBody", shape="B",
             description="Embedded scheduler: suspend a workflow (internal)."),
    Endpoint("POST", "/workflow/embedded-scheduler/resume", "workflow_resume", (V3,),
             "ResumeEmbeddedSchedulerWorkflowRequestBody", shape="B",
             description="Embedded scheduler: resume a workflow (internal)."),
    Endpoint("DELETE", "/workflow/embedded-scheduler/delete", "workflow_delete", (V3,),
             "EmbeddedSchedulerWorkflowRequestBody", shape="B",
             description="Embedded scheduler: delete a workflow (internal)."),
    Endpoint("DELETE", "/workflow/embedded-scheduler/modify-cron-expression",
             "workflow_modify_cron",
             (V3,), "ModifyEmbeddedSchedulerWorkflowRequestBody", shape="B",
             description="Embedded scheduler: change a workflow's cron expression (internal)."),
    Endpoint("POST", _SH + "/scripts", "deploy_script", (V4,), "DeployScriptRequestBody",
             description="Deploys a SQL script as an application (V4 only)."),
)  # fmt: skip


def endpoints_for(version: ApiVersion) -> list[Endpoint]:
    return [e for e in ENDPOINTS if e.exists_in(version)]
