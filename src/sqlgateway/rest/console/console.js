/* sqlgateway SQL console: talks to the gateway only through its public REST API (/v4/...). */
"use strict";

const API = "/v4";
const MAX_ROWS = 100000;          // rows kept in the browser; older rows are dropped
const POLL_MIN_MS = 50;           // wait after NOT_READY / empty pages, doubled up to POLL_MAX_MS
const POLL_MAX_MS = 1000;
const HEARTBEAT_MS = 60000;
const KINDS = {INSERT: "+I", UPDATE_BEFORE: "-U", UPDATE_AFTER: "+U", DELETE: "-D"};

const $ = (id) => document.getElementById(id);
const state = {
  session: null,
  ops: [],
  current: null,
  columns: [],
  rows: [],
  dropped: 0,
  page: 0,
  config: {},
};

class ApiError extends Error {
  constructor(status, errors) {
    super(errors && errors.length ? errors[errors.length - 1] : "HTTP " + status);
    this.status = status;
    this.errors = errors || [];
  }
}

async function api(method, path, body) {
  const headers = {"Content-Type": "application/json"};
  const token = sessionStorage.getItem("sqlgateway.token");
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = {method, headers};
  if (body !== undefined) init.body = JSON.stringify(body);
  const resp = await fetch(path, init);
  let json = null;
  try { json = await resp.json(); } catch (e) { json = null; }
  if (resp.status === 401) $("auth").hidden = false;
  if (!resp.ok) throw new ApiError(resp.status, json && json.errors);
  return json;
}

async function saveToken() {
  sessionStorage.setItem("sqlgateway.token", $("token").value.trim());
  $("auth").hidden = true;
  clearError();
  await start();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/* ---- session ------------------------------------------------------------------------------ */

async function ensureSession() {
  const saved = sessionStorage.getItem("sqlgateway.session");
  if (saved) {
    try {
      await api("GET", `${API}/sessions/${saved}`);
      return setSession(saved);
    } catch (e) { sessionStorage.removeItem("sqlgateway.session"); }
  }
  const res = await api("POST", `${API}/sessions`, {sessionName: "console", properties: {}});
  sessionStorage.setItem("sqlgateway.session", res.sessionHandle);
  return setSession(res.sessionHandle);
}

function setSession(handle) {
  state.session = handle;
  $("session-id").textContent = handle;
  return handle;
}

async function loadConfig() {
  if (!state.session) return;
  try {
    const res = await api("GET", `${API}/sessions/${state.session}`);
    state.config = res.properties || {};
  } catch (e) {
    state.config = {};
    if (e.status === 500) await ensureSessionAgain();
  }
  renderConfig();
}

async function ensureSessionAgain() {
  sessionStorage.removeItem("sqlgateway.session");
  state.session = null;
  await ensureSession();
}

function renderConfig() {
  const filter = $("config-filter").value.trim().toLowerCase();
  const body = $("config").tBodies[0];
  body.replaceChildren();
  for (const key of Object.keys(state.config).sort()) {
    if (filter && !key.toLowerCase().includes(filter)) continue;
    const tr = body.insertRow();
    tr.insertCell().textContent = key;
    const value = tr.insertCell();
    value.textContent = state.config[key];
    value.title = state.config[key];
  }
}

/* ---- running statements ------------------------------------------------------------------- */

function newOperation(statement) {
  const op = {
    id: state.ops.length + 1, statement, handle: null, status: "SUBMITTING",
    started: Date.now(), firstRow: null, finished: null, rows: 0, pages: 0, stopped: false,
  };
  state.ops.unshift(op);
  renderOps();
  return op;
}

async function run() {
  const statement = $("editor").value.trim();
  if (!statement || state.current) return;
  clearError();
  resetGrid();
  const op = newOperation(statement);
  state.current = op;
  setOpStatus(op, "SUBMITTING");
  setRunning(true);
  try {
    if (!state.session) await ensureSession();
    op.handle = await submit(statement);
    setOpStatus(op, "RUNNING");
    await fetchAll(op);
  } catch (e) {
    if (!op.stopped) failed(op, e);
  } finally {
    op.finished = op.finished || Date.now();
    state.current = null;
    setRunning(false);
    renderOps();
    loadConfig();
  }
}

async function submit(statement) {
  const post = () => api("POST", `${API}/sessions/${state.session}/statements`, {statement});
  try {
    return (await post()).operationHandle;
  } catch (e) {
    if (!(e instanceof ApiError) || !e.errors.join("").includes("does not exist")) throw e;
    await ensureSessionAgain();  // the session expired (idle timeout): open a new one, once
    return (await post()).operationHandle;
  }
}

function resultUri(op) {
  const format = $("row-format").value;
  return `${API}/sessions/${state.session}/operations/${op.handle}/result/0?rowFormat=${format}`;
}

async function fetchAll(op) {
  let uri = resultUri(op);
  let wait = POLL_MIN_MS;
  while (!op.stopped) {
    const page = await api("GET", uri);
    if (op.stopped) return;
    if (page.resultType === "NOT_READY") {
      await sleep(wait);
      wait = Math.min(wait * 2, POLL_MAX_MS);
      continue;
    }
    if (!state.columns.length && page.results) setColumns(page.results.columns);
    const data = (page.results && page.results.data) || [];
    if (data.length) {
      addRows(op, data);
      wait = POLL_MIN_MS;
      if (op.status !== "FETCHING") setOpStatus(op, "FETCHING");
    }
    if (page.resultType === "EOS" || !page.nextResultUri) {
      finished(op);
      return;
    }
    uri = page.nextResultUri;
    if (!data.length) {
      await sleep(wait);
      wait = Math.min(wait * 2, POLL_MAX_MS);
    }
  }
}

function finished(op) {
  op.finished = Date.now();
  setOpStatus(op, "FINISHED");
  updateRowCount();
  // release the result on the server; the operation list keeps its own record
  api("DELETE", `${API}/sessions/${state.session}/operations/${op.handle}/close`).catch(() => {});
}

function failed(op, err) {
  op.finished = Date.now();
  setOpStatus(op, "ERROR");
  showError(err);
}

async function cancel() {
  const op = state.current;
  if (!op || !op.handle) return;
  op.stopped = true;
  const base = `${API}/sessions/${state.session}/operations/${op.handle}`;
  try {
    await api("POST", `${base}/cancel`);
  } catch (e) {
    // a query whose job already runs is FINISHED: closing it is what stops it (as in Flink)
  }
  await api("DELETE", `${base}/close`).catch(() => {});
  op.finished = Date.now();
  setOpStatus(op, "CANCELED");
}

function setRunning(running) {
  $("run").disabled = running;
  $("cancel").disabled = !running;
}

function setOpStatus(op, status) {
  op.status = status;
  if (op === state.current || !state.current) {
    const el = $("status");
    el.textContent = status.toLowerCase();
    el.dataset.state = {
      SUBMITTING: "running", RUNNING: "running", FETCHING: "running", FINISHED: "finished",
      ERROR: "error", CANCELED: "canceled",
    }[status] || "idle";
  }
  renderOps();
}

/* ---- errors ------------------------------------------------------------------------------- */

function rootCause(text) {
  const causes = text.split("\n").filter((l) => l.startsWith("Caused by: "));
  const line = causes.length ? causes[causes.length - 1].slice(11) : text.split("\n")[0];
  return line.replace(/^<Exception on server side:/, "").trim();
}

function showError(err) {
  const detail = err instanceof ApiError ? err.errors.join("\n\n") : String(err);
  $("error-message").textContent = rootCause(detail || String(err));
  $("error-detail").textContent = detail;
  $("error").hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error-message").textContent = "";
  $("error-detail").textContent = "";
}

/* ---- grid --------------------------------------------------------------------------------- */

const TYPE_NAMES = {
  TIMESTAMP_WITHOUT_TIME_ZONE: "TIMESTAMP", TIMESTAMP_WITH_LOCAL_TIME_ZONE: "TIMESTAMP_LTZ",
  TIME_WITHOUT_TIME_ZONE: "TIME", TIMESTAMP_WITH_TIME_ZONE: "TIMESTAMP_TZ",
};

function typeLabel(t) {
  if (!t) return "";
  let s = TYPE_NAMES[t.type] || t.type;
  if (t.length === 2147483647) s = t.type === "VARCHAR" ? "STRING" : "BYTES";
  else if (t.length !== undefined) s += `(${t.length})`;
  else if (t.scale !== undefined) s += `(${t.precision},${t.scale})`;
  else if (t.precision !== undefined) s += `(${t.precision})`;
  else if (t.elementType) s += `<${typeLabel(t.elementType)}>`;
  else if (t.keyType) s += `<${typeLabel(t.keyType)}, ${typeLabel(t.valueType)}>`;
  if (t.nullable === false) s += " NOT NULL";
  return s;
}

function resetGrid() {
  state.columns = [];
  state.rows = [];
  state.dropped = 0;
  state.page = 0;
  $("grid").tHead.replaceChildren();
  $("grid").tBodies[0].replaceChildren();
  updateRowCount();
  updatePager();
}

function setColumns(columns) {
  state.columns = columns || [];
  const tr = document.createElement("tr");
  const head = (text, sub) => {
    const th = document.createElement("th");
    th.textContent = text;
    if (sub !== undefined) {
      const small = document.createElement("small");
      small.textContent = sub;
      th.appendChild(small);
    }
    tr.appendChild(th);
  };
  head("#");
  head("op");
  for (const c of state.columns) head(c.name, typeLabel(c.logicalType));
  $("grid").tHead.replaceChildren(tr);
}

function addRows(op, data) {
  if (!op.firstRow) op.firstRow = Date.now();
  op.rows += data.length;
  op.pages += 1;
  for (const row of data) state.rows.push(row);
  if (state.rows.length > MAX_ROWS) {
    const extra = state.rows.length - MAX_ROWS;
    state.rows.splice(0, extra);
    state.dropped += extra;
  }
  if ($("follow").checked) state.page = pageCount() - 1;
  renderPage();
  renderOps();
}

function pageSize() { return parseInt($("page-size").value, 10) || 50; }
function pageCount() { return Math.max(1, Math.ceil(state.rows.length / pageSize())); }

function formatValue(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function renderPage() {
  const size = pageSize();
  state.page = Math.min(Math.max(0, state.page), pageCount() - 1);
  const start = state.page * size;
  const body = $("grid").tBodies[0];
  const frag = document.createDocumentFragment();
  state.rows.slice(start, start + size).forEach((row, i) => {
    const tr = document.createElement("tr");
    const num = tr.insertCell();
    num.className = "rownum";
    num.textContent = String(state.dropped + start + i + 1);
    const kind = tr.insertCell();
    kind.className = "kind";
    kind.textContent = KINDS[row.kind] || row.kind;
    for (const v of row.fields) {
      const td = tr.insertCell();
      const text = formatValue(v);
      if (text === null) {
        const span = document.createElement("span");
        span.className = "null";
        span.textContent = "NULL";
        td.appendChild(span);
      } else {
        td.textContent = text;
        td.title = text;
      }
    }
    frag.appendChild(tr);
  });
  body.replaceChildren(frag);
  updateRowCount();
  updatePager();
}

function updateRowCount() {
  const op = state.ops[0];
  let text = "no result";
  if (state.columns.length || state.rows.length) {
    text = `${state.rows.length + state.dropped} row${state.rows.length === 1 ? "" : "s"}`;
    if (state.dropped) text += ` (first ${state.dropped} dropped)`;
    if (op && (op.status === "FETCHING" || op.status === "RUNNING")) text += " · receiving…";
  }
  $("row-count").textContent = text;
}

function updatePager() {
  const count = state.rows.length ? pageCount() : 0;
  $("page-label").textContent = `page ${count ? state.page + 1 : 0} / ${count}`;
  $("first").disabled = $("prev").disabled = state.page <= 0;
  $("next").disabled = $("last").disabled = state.page >= count - 1;
}

function goPage(page) {
  state.page = page;
  $("follow").checked = page >= pageCount() - 1;
  renderPage();
}

/* ---- operations list ---------------------------------------------------------------------- */

function clock(ms) { return new Date(ms).toLocaleTimeString([], {hour12: false}); }
function span(from, to) { return to ? `${((to - from) / 1000).toFixed(3)} s` : ""; }

function renderOps() {
  const body = $("ops").tBodies[0];
  body.replaceChildren();
  for (const op of state.ops) {
    const tr = body.insertRow();
    tr.dataset.handle = op.handle || "";
    tr.insertCell().textContent = String(op.id);
    const stmt = tr.insertCell();
    stmt.className = "stmt";
    stmt.textContent = op.statement;
    stmt.title = op.statement;
    const badge = document.createElement("span");
    badge.className = `badge ${op.status}`;
    badge.textContent = op.status;
    tr.insertCell().appendChild(badge);
    tr.insertCell().textContent = clock(op.started);
    tr.insertCell().textContent = span(op.started, op.firstRow);
    tr.insertCell().textContent = op.finished ? span(op.started, op.finished)
      : span(op.started, Date.now()) + "…";
    tr.insertCell().textContent = String(op.rows);
    tr.addEventListener("click", () => { $("editor").value = op.statement; });
  }
}

/* ---- wiring ------------------------------------------------------------------------------- */

function bind() {
  $("run").addEventListener("click", run);
  $("cancel").addEventListener("click", cancel);
  $("editor").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); }
  });
  $("first").addEventListener("click", () => goPage(0));
  $("prev").addEventListener("click", () => goPage(state.page - 1));
  $("next").addEventListener("click", () => goPage(state.page + 1));
  $("last").addEventListener("click", () => goPage(pageCount() - 1));
  $("page-size").addEventListener("change", () => { state.page = 0; renderPage(); });
  $("config-filter").addEventListener("input", renderConfig);
  $("config-refresh").addEventListener("click", loadConfig);
  $("token-save").addEventListener("click", saveToken);
  setInterval(() => {
    if (state.session) api("POST", `${API}/sessions/${state.session}/heartbeat`).catch(() => {});
  }, HEARTBEAT_MS);
  setInterval(() => { if (state.current) renderOps(); }, 500);
}

async function start() {
  try {
    await ensureSession();
    await loadConfig();
    document.body.dataset.ready = "true";
  } catch (e) {
    showError(e);
    $("session-id").textContent = "unavailable";
  }
}

bind();
start();
