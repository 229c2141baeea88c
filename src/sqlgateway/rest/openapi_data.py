"""What the OpenAPI documents say about each endpoint and body: wire-accurate schemas.

Operation ids and descriptions are Flink's (``rest_v*_sql_gateway.yml``). The schemas describe
the JSON actually exchanged, which differs from Flink's generated files in places: handles are
plain UUID strings, the fetch body has ``isQueryResult`` and ``results.columns``/``data`` rows of
``{kind, fields}``, logical types are ``{type, nullable, ...}``, and every error is
``{"errors": [...]}``.
"""

from __future__ import annotations

from typing import Any

JsonObj = dict[str, Any]

SESSION_HANDLE = "The SessionHandle that identifies a session."
OPERATION_HANDLE = "The OperationHandle that identifies a operation."


def ref(name: str) -> JsonObj:
    return {"$ref": f"#/components/schemas/{name}"}


def _str_map() -> JsonObj:
    return {"type": "object", "additionalProperties": {"type": "string"}}


def _obj(props: JsonObj, required: list[str] | None = None, **extra: Any) -> JsonObj:
    out: JsonObj = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    out.update(extra)
    return out


def _enum(*values: str, doc: str = "") -> JsonObj:
    out: JsonObj = {"type": "string", "enum": list(values)}
    if doc:
        out["description"] = doc
    return out


_UUID = {"type": "string", "format": "uuid"}
_INT64 = {"type": "integer", "format": "int64"}
_INT32 = {"type": "integer", "format": "int32"}

LOGICAL_TYPE_ROOTS = (
    "CHAR", "VARCHAR", "BOOLEAN", "BINARY", "VARBINARY", "DECIMAL", "TINYINT", "SMALLINT",
    "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DATE", "TIME_WITHOUT_TIME_ZONE",
    "TIMESTAMP_WITHOUT_TIME_ZONE", "TIMESTAMP_WITH_TIME_ZONE", "TIMESTAMP_WITH_LOCAL_TIME_ZONE",
    "INTERVAL_YEAR_MONTH", "INTERVAL_DAY_TIME", "ARRAY", "MULTISET", "MAP", "ROW", "NULL", "RAW",
)  # fmt: skip
OPERATION_STATUSES = ("INITIALIZED", "PENDING", "RUNNING", "FINISHED", "CANCELED", "CLOSED",
                      "ERROR", "TIMEOUT")  # fmt: skip

_LOGICAL_TYPE = _obj(
    {
        "type": _enum(*LOGICAL_TYPE_ROOTS, doc="The type root."),
        "nullable": {"type": "boolean", "description": "Absent for the NULL type."},
        "length": {**_INT32, "description": "CHAR, VARCHAR, BINARY, VARBINARY."},
        "precision": {**_INT32, "description": "DECIMAL, TIME, TIMESTAMP*, INTERVAL*."},
        "scale": {**_INT32, "description": "DECIMAL."},
        "fractionalPrecision": {**_INT32, "description": "INTERVAL_DAY_TIME."},
        "resolution": {"type": "string", "description": "INTERVAL_* resolution (DAY_TO_SECOND)."},
        "elementType": ref("LogicalType"),
        "keyType": ref("LogicalType"),
        "valueType": ref("LogicalType"),
        "fields": {"type": "array", "items": ref("RowField")},
        "class": {"type": "string", "description": "RAW: originating Java class."},
        "serializer": {"type": "string", "description": "RAW: serializer snapshot (base64)."},
    },
    required=["type"],
    description="Flink LogicalType JSON: type root, nullability and type-specific fields.",
)

SCHEMAS: dict[str, JsonObj] = {
    "SessionHandle": {**_UUID, "description": SESSION_HANDLE},
    "OperationHandle": {**_UUID, "description": OPERATION_HANDLE},
    "JobID": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
    "RowFormat": _enum("JSON", "PLAIN_TEXT"),
    "RowKind": _enum("INSERT", "UPDATE_BEFORE", "UPDATE_AFTER", "DELETE"),
    "ResultKind": _enum("SUCCESS", "SUCCESS_WITH_CONTENT"),
    "ResultType": _enum("NOT_READY", "PAYLOAD", "EOS"),
    "OperationStatus": _enum(*OPERATION_STATUSES),
    "ErrorResponseBody": _obj(
        {"errors": {"type": "array", "items": {"type": "string"}}},
        required=["errors"],
        description="Every error: one string (message or Java stack-trace text), or "
        '"Internal server error." followed by the server-side exception text.',
    ),
    "EmptyResponseBody": {"type": "object", "description": "Always {}."},
    "GetApiVersionResponseBody": _obj(
        {"versions": {"type": "array", "items": _enum("V1", "V2", "V3", "V4")}},
        required=["versions"],
    ),
    "GetInfoResponseBody": _obj(
        {"productName": {"type": "string"}, "version": {"type": "string"}},
        required=["productName", "version"],
    ),
    "OpenSessionRequestBody": _obj(
        {"sessionName": {"type": "string", "nullable": True}, "properties": _str_map()}
    ),
    "OpenSessionResponseBody": _obj({"sessionHandle": ref("SessionHandle")}, ["sessionHandle"]),
    "GetSessionConfigResponseBody": _obj({"properties": _str_map()}, ["properties"]),
    "CloseSessionResponseBody": _obj({"status": _enum("CLOSED")}, ["status"]),
    "ConfigureSessionRequestBody": _obj(
        {"statement": {"type": "string"}, "executionTimeout": _INT64}
    ),
    "CompleteStatementRequestBody": _obj(
        {"statement": {"type": "string"}, "position": _INT32}, ["position"]
    ),
    "CompleteStatementResponseBody": _obj(
        {"candidates": {"type": "array", "items": {"type": "string"}}}, ["candidates"]
    ),
    "ExecuteStatementRequestBody": _obj(
        {
            "statement": {"type": "string"},
            "executionTimeout": {**_INT64, "description": "Must be 0 or absent."},
            "executionConfig": _str_map(),
        }
    ),
    "ExecuteStatementResponseBody": _obj(
        {"operationHandle": ref("OperationHandle")}, ["operationHandle"]
    ),
    "OperationStatusResponseBody": _obj({"status": ref("OperationStatus")}, ["status"]),
    "LogicalType": _LOGICAL_TYPE,
    "RowField": _obj(
        {
            "name": {"type": "string"},
            "fieldType": ref("LogicalType"),
            "description": {"type": "string"},
        },
        ["name", "fieldType"],
    ),
    "ColumnInfo": _obj(
        {
            "name": {"type": "string"},
            "logicalType": ref("LogicalType"),
            "comment": {"type": "string", "nullable": True},
        },
        ["name", "logicalType", "comment"],
    ),
    "RowData": _obj(
        {
            "kind": ref("RowKind"),
            "fields": {
                "type": "array",
                "items": {"nullable": True},
                "description": "One value per column (JSON or PLAIN_TEXT encoding).",
            },
        },
        ["kind", "fields"],
    ),
    "ResultInfo": _obj(
        {
            "columns": {"type": "array", "items": ref("ColumnInfo")},
            "rowFormat": ref("RowFormat"),
            "data": {"type": "array", "items": ref("RowData")},
        },
        ["columns", "rowFormat", "data"],
    ),
    "FetchResultsResponseBody": _obj(
        {
            "resultType": ref("ResultType"),
            "isQueryResult": {"type": "boolean"},
            "jobID": ref("JobID"),
            "resultKind": ref("ResultKind"),
            "results": ref("ResultInfo"),
            "nextResultUri": {"type": "string", "description": "Absent at EOS."},
        },
        ["resultType"],
        description="NOT_READY carries only resultType and nextResultUri.",
    ),
    "RefreshMaterializedTableRequestBody": _obj(
        {
            "isPeriodic": {"type": "boolean"},
            "periodic": {"type": "boolean"},
            "scheduleTime": {"type": "string", "nullable": True},
            "dynamicOptions": _str_map(),
            "staticPartitions": _str_map(),
            "executionConfig": _str_map(),
        }
    ),
    "RefreshMaterializedTableResponseBody": _obj(
        {"operationHandle": ref("OperationHandle")}, ["operationHandle"]
    ),
    "DeployScriptRequestBody": _obj(
        {
            "script": {"type": "string"},
            "scriptUri": {"type": "string"},
            "executionConfig": _str_map(),
        }
    ),
    "DeployScriptResponseBody": _obj({"clusterID": {"type": "string"}}, ["clusterID"]),
    "CreateEmbeddedSchedulerWorkflowRequestBody": _obj(
        {
            "materializedTableIdentifier": {"type": "string"},
            "cronExpression": {"type": "string"},
            "initConfig": _str_map(),
            "executionConfig": _str_map(),
            "restEndpointUrl": {"type": "string"},
        }
    ),
    "CreateEmbeddedSchedulerWorkflowResponseBody": _obj(
        {"workflowName": {"type": "string"}, "workflowGroup": {"type": "string"}}
    ),
    "EmbeddedSchedulerWorkflowRequestBody": _obj(
        {"workflowName": {"type": "string"}, "workflowGroup": {"type": "string"}}
    ),
    "ResumeEmbeddedSchedulerWorkflowRequestBody": _obj(
        {
            "workflowName": {"type": "string"},
            "workflowGroup": {"type": "string"},
            "dynamicOptions": _str_map(),
        }
    ),
    "ModifyEmbeddedSchedulerWorkflowRequestBody": _obj(
        {
            "workflowName": {"type": "string"},
            "workflowGroup": {"type": "string"},
            "cronExpression": {"type": "string"},
        }
    ),
}

_CONFIGURE_DOC = (
    "Configures the session with the statement which could be:\nSET, RESET, CREATE TABLE, "
    "DROP TABLE, ALTER TABLE, CREATE DATABASE, DROP DATABASE, ALTER DATABASE, CREATE FUNCTION, "
    "DROP FUNCTION, ALTER FUNCTION, CREATE CATALOG, DROP CATALOG, USE CATALOG, "
    "USE [CATALOG.]DATABASE, CREATE VIEW, DROP VIEW, LOAD MODULE, UNLOAD MODULE, USE MODULE, "
    "ADD JAR."
)

# (method, path template) -> operationId, description, request body, 200 body, extra params
OPERATIONS: dict[tuple[str, str], JsonObj] = {
    ("GET", "/api_versions"): {
        "operationId": "getApiVersion",
        "description": "Get the current available versions for the Rest Endpoint. The client "
        "can choose one of the return version as the protocol for later communicate.",
        "response": "GetApiVersionResponseBody",
    },
    ("GET", "/info"): {
        "operationId": "getInfo",
        "description": "Get meta data for this cluster.",
        "response": "GetInfoResponseBody",
    },
    ("POST", "/sessions"): {
        "operationId": "openSession",
        "description": "Opens a new session with specific properties. Specific properties can "
        "be given for current session which will override the default properties of gateway.",
        "request": "OpenSessionRequestBody",
        "response": "OpenSessionResponseBody",
    },
    ("GET", "/sessions/{session_handle}"): {
        "operationId": "getSessionConfig",
        "description": "Get the session configuration.",
        "response": "GetSessionConfigResponseBody",
    },
    ("DELETE", "/sessions/{session_handle}"): {
        "operationId": "closeSession",
        "description": "Closes the specific session.",
        "response": "CloseSessionResponseBody",
    },
    ("GET", "/sessions/{session_handle}/complete-statement"): {
        "operationId": "completeStatement",
        "description": "Get the completion hints for the given statement at the given position."
        " Note: a GET request with a JSON body.",
        "request": "CompleteStatementRequestBody",
        "response": "CompleteStatementResponseBody",
    },
    ("POST", "/sessions/{session_handle}/configure-session"): {
        "operationId": "configureSession",
        "description": _CONFIGURE_DOC,
        "request": "ConfigureSessionRequestBody",
        "response": "EmptyResponseBody",
    },
    ("POST", "/sessions/{session_handle}/heartbeat"): {
        "operationId": "triggerSession",
        "description": "Trigger heartbeat to tell the server that the client is active, and to "
        "keep the session alive as long as configured timeout value.",
        "response": "EmptyResponseBody",
    },
    ("POST", "/sessions/{session_handle}/materialized-tables/{identifier}/refresh"): {
        "operationId": "refreshMaterializedTable",
        "description": "Refresh materialized table",
        "request": "RefreshMaterializedTableRequestBody",
        "response": "RefreshMaterializedTableResponseBody",
    },
    ("POST", "/sessions/{session_handle}/operations/{operation_handle}/cancel"): {
        "operationId": "cancelOperation",
        "description": "Cancel the operation.",
        "response": "OperationStatusResponseBody",
    },
    ("DELETE", "/sessions/{session_handle}/operations/{operation_handle}/close"): {
        "operationId": "closeOperation",
        "description": "Close the operation.",
        "response": "OperationStatusResponseBody",
    },
    ("GET", "/sessions/{session_handle}/operations/{operation_handle}/result/{token}"): {
        "operationId": "fetchResults",
        "description": "Fetch results of Operation.",
        "response": "FetchResultsResponseBody",
    },
    ("GET", "/sessions/{session_handle}/operations/{operation_handle}/status"): {
        "operationId": "getOperationStatus",
        "description": "Get the status of operation.",
        "response": "OperationStatusResponseBody",
    },
    ("POST", "/sessions/{session_handle}/scripts"): {
        "operationId": "deployScript",
        "description": "Deploy the script in application mode",
        "request": "DeployScriptRequestBody",
        "response": "DeployScriptResponseBody",
    },
    ("POST", "/sessions/{session_handle}/statements"): {
        "operationId": "executeStatement",
        "description": "Execute a statement.",
        "request": "ExecuteStatementRequestBody",
        "response": "ExecuteStatementResponseBody",
    },
    ("POST", "/workflow/embedded-scheduler/create"): {
        "operationId": "createWorkflow",
        "description": "Internal: create a periodic refresh workflow (embedded scheduler).",
        "request": "CreateEmbeddedSchedulerWorkflowRequestBody",
        "response": "CreateEmbeddedSchedulerWorkflowResponseBody",
    },
    ("POST", "/workflow/embedded-scheduler/suspend"): {
        "operationId": "suspendWorkflow",
        "description": "Internal: suspend a workflow.",
        "request": "EmbeddedSchedulerWorkflowRequestBody",
        "response": "EmptyResponseBody",
    },
    ("POST", "/workflow/embedded-scheduler/resume"): {
        "operationId": "resumeWorkflow",
        "description": "Internal: resume a workflow.",
        "request": "ResumeEmbeddedSchedulerWorkflowRequestBody",
        "response": "EmptyResponseBody",
    },
    ("DELETE", "/workflow/embedded-scheduler/delete"): {
        "operationId": "deleteWorkflow",
        "description": "Internal: delete a workflow.",
        "request": "EmbeddedSchedulerWorkflowRequestBody",
        "response": "EmptyResponseBody",
    },
    ("DELETE", "/workflow/embedded-scheduler/modify-cron-expression"): {
        "operationId": "modifyWorkflowCronExpression",
        "description": "Internal: change the cron expression of a workflow.",
        "request": "ModifyEmbeddedSchedulerWorkflowRequestBody",
        "response": "EmptyResponseBody",
    },
}

# path parameter name -> (description, schema)
PATH_PARAMETERS: dict[str, tuple[str, JsonObj]] = {
    "session_handle": (SESSION_HANDLE, ref("SessionHandle")),
    "operation_handle": (OPERATION_HANDLE, ref("OperationHandle")),
    "token": ("The token that identifies which batch of data to fetch.", _INT64),
    "identifier": ("The fully qualified string that identifies a materialized table.",
                   {"type": "string"}),
}  # fmt: skip

ROW_FORMAT_PARAMETER: JsonObj = {
    "name": "rowFormat",
    "in": "query",
    "description": "The row format to serialize the RowData (case-insensitive; JSON when absent).",
    "required": False,
    "style": "form",
    "schema": ref("RowFormat"),
}

ERROR_RESPONSES: dict[str, str] = {
    "400": "A path or query parameter or the request body could not be parsed.",
    "404": 'Unknown path, version or method: {"errors":["Not found: <uri>"]}.',
    "500": "The service failed (unknown session/operation, statement error, ...).",
}
