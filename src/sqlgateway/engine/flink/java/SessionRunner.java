package sqlgateway.flink;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.api.internal.TableResultInternal;
import org.apache.flink.table.operations.BeginStatementSetOperation;
import org.apache.flink.table.operations.EndStatementSetOperation;
import org.apache.flink.table.operations.LoadModuleOperation;
import org.apache.flink.table.operations.ModifyOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.QueryOperation;
import org.apache.flink.table.operations.StatementSetOperation;
import org.apache.flink.table.operations.UnloadModuleOperation;
import org.apache.flink.table.operations.UseOperation;
import org.apache.flink.table.operations.command.AddJarOperation;
import org.apache.flink.table.operations.command.RemoveJarOperation;
import org.apache.flink.table.operations.command.ResetOperation;
import org.apache.flink.table.operations.command.SetOperation;
import org.apache.flink.table.operations.command.DescribeJobOperation;
import org.apache.flink.table.operations.command.ShowJobsOperation;
import org.apache.flink.table.operations.command.StopJobOperation;
import org.apache.flink.table.operations.ddl.AlterOperation;
import org.apache.flink.table.operations.ddl.CreateOperation;
import org.apache.flink.table.operations.ddl.DropOperation;
import org.apache.flink.table.operations.materializedtable.MaterializedTableOperation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One gateway session: its shared catalog/function/module state and configuration, and the one
 * thread on which every planner call of the session runs (Calcite keeps per-thread state).
 * Dispatches parsed operations the way Flink's SQL gateway OperationExecutor does.
 */
public final class SessionRunner {
    static final String CONFIGURE_ONLY =
            "The configureSession API only supports executing statements of type SET, RESET, "
                    + "CREATE TABLE, CREATE VIEW, CREATE DATABASE, CREATE FUNCTION, CREATE TEMPORARY "
                    + "SYSTEM FUNCTION, CREATE CATALOG, CREATE MODEL, CREATE MATERIALIZED TABLE, DROP "
                    + "TABLE, DROP VIEW, DROP DATABASE, DROP FUNCTION, DROP TEMPORARY SYSTEM FUNCTION, "
                    + "DROP CATALOG, DROP MODEL, DROP MATERIALIZED TABLE, ALTER TABLE, ALTER VIEW, "
                    + "ALTER DATABASE, ALTER FUNCTION, ALTER CATALOG SET, ALTER CATALOG RESET, ALTER "
                    + "CATALOG COMMENT, ALTER MODEL, ALTER MODEL, ALTER MATERIALIZED TABLE, USE "
                    + "CATALOG, USE [CATALOG.]DATABASE, USE MODULES, LOAD MODULE, UNLOAD MODULE, "
                    + "ADD JAR.";

    private final SessionState state;
    private final ExecutorService thread;
    private final List<ModifyOperation> statementSet = new ArrayList<>();
    private final List<JobClient> jobs = Collections.synchronizedList(new ArrayList<>());
    private final List<RowFetcher> fetchers = Collections.synchronizedList(new ArrayList<>());
    private final List<Map<String, Object>> workflowEvents =
            Collections.synchronizedList(new ArrayList<>());
    private final int bufferRows;
    private boolean inStatementSet;
    private volatile Future<Outcome> current;
    private volatile boolean closed;

    SessionRunner(SessionState state, String name, int bufferRows) {
        this.state = state;
        this.bufferRows = bufferRows;
        this.thread =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "sqlgateway-session-" + name);
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Like openOrError with the three maps as JSON objects of strings: one Py4J round trip
     * instead of one per map entry.
     */
    public static Object openJson(
            String name, String defaults, String sessionConf, String hidden, int bufferRows) {
        try {
            return openOrError(name, map(defaults), map(sessionConf), map(hidden), bufferRows);
        } catch (Throwable t) {
            return Failure.json(t);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> map(String json) throws Exception {
        return new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(json, java.util.HashMap.class);
    }

    /** Like open, but returns the error chain as JSON text instead of throwing. */
    public static Object openOrError(
            String name,
            Map<String, String> defaults,
            Map<String, String> sessionConf,
            Map<String, String> hidden,
            int bufferRows) {
        try {
            return open(name, defaults, sessionConf, hidden, bufferRows);
        } catch (Throwable t) {
            return Failure.json(t);
        }
    }

    /** Creates (or takes the prepared) session state; see SpareSession. */
    public static SessionRunner open(
            String name,
            Map<String, String> defaults,
            Map<String, String> sessionConf,
            Map<String, String> hidden,
            int bufferRows)
            throws Exception {
        Map<String, String> clusterConf = new java.util.HashMap<>(hidden);
        clusterConf.putAll(defaults);
        LocalCluster.configure(clusterConf);
        return new SessionRunner(SpareSession.take(defaults, sessionConf, hidden), name, bufferRows);
    }

    /** Starts the shared local MiniCluster now, if the local target uses one (warm-up). */
    public static String prestartLocalCluster() {
        try {
            LocalCluster.prestart();
            return null;
        } catch (Throwable t) {
            return Failure.json(t);
        }
    }

    // ---- entry points called from Python ------------------------------------------------------

    public Outcome execute(String statement, Map<String, String> overrides) {
        return run(() -> doExecute(statement, overrides));
    }

    public Outcome configure(String statement) {
        return run(() -> doConfigure(statement));
    }

    public Outcome complete(String statement, int position) {
        return run(
                () -> {
                    String[] hints =
                            state.tableEnv(Map.of()).getParser().getCompletionHints(statement, position);
                    return Outcome.candidates(hints);
                });
    }

    public Map<String, String> config() {
        return state.sessionConfig();
    }

    /**
     * The refresh-workflow changes of FULL-mode materialized tables since the last call (create,
     * suspend, resume, drop), as a JSON array: Python's embedded scheduler applies them.
     */
    public String takeWorkflowEvents() {
        List<Map<String, Object>> out;
        synchronized (workflowEvents) {
            out = new ArrayList<>(workflowEvents);
            workflowEvents.clear();
        }
        return new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(out)
                .toString();
    }

    /** What a periodic refresh needs of a materialized table (its meta "info"). */
    public Outcome describeMaterialized(String identifier, Map<String, String> overrides) {
        return run(() -> materialized(overrides).describe(qualify(identifier)));
    }

    /**
     * The V3 refresh endpoint: INSERT OVERWRITE of the partition spec with the dynamic options as
     * table hints (MaterializedTableManager.refreshMaterializedTable).
     */
    public Outcome refreshMaterialized(
            String identifier,
            Map<String, String> partitions,
            boolean periodic,
            Map<String, String> dynamicOptions,
            Map<String, String> overrides) {
        return run(
                () ->
                        materialized(overrides)
                                .refresh(qualify(identifier), partitions, periodic, dynamicOptions));
    }

    /**
     * True when the table's catalog keeps it in memory (it ends with the session, so does its
     * refresh workflow).
     */
    public boolean inMemory(String identifier) {
        org.apache.flink.table.catalog.ObjectIdentifier id = qualify(identifier);
        return state.catalogManager()
                .getCatalog(id.getCatalogName())
                .map(c -> c instanceof org.apache.flink.table.catalog.GenericInMemoryCatalog)
                .orElse(true);
    }

    /** True when this session's in-memory catalog holds the table (only it can refresh it). */
    public boolean holds(String identifier) {
        try {
            return inMemory(identifier)
                    && state.catalogManager().getTable(qualify(identifier)).isPresent();
        } catch (RuntimeException e) {
            return false; // not an identifier of this session's catalogs
        }
    }

    /** Drops a materialized table whose refresh workflow could not be created. */
    public Outcome dropMaterialized(String identifier) {
        return run(
                () -> {
                    state.catalogManager().dropMaterializedTable(qualify(identifier), true);
                    return ok(null);
                });
    }

    private org.apache.flink.table.catalog.ObjectIdentifier qualify(String identifier) {
        TableEnvironmentInternal env = state.tableEnv(Map.of());
        return state.catalogManager()
                .qualifyIdentifier(env.getParser().parseIdentifier(identifier));
    }

    /** The session configuration as one JSON object (one Py4J round trip). */
    public String configJson() {
        return new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(new java.util.TreeMap<>(state.sessionConfig()))
                .toString();
    }

    /** Interrupts the statement that is executing now, if any (any thread). */
    public void cancel() {
        Future<Outcome> f = current;
        if (f != null) {
            f.cancel(true);
        }
    }

    /**
     * Frees the session: closes its results (cancelling their jobs) and, if cancelAllJobs, also
     * cancels the INSERT jobs it submitted.
     */
    public void close(boolean cancelAllJobs) {
        closed = true;
        cancel();
        synchronized (fetchers) {
            for (RowFetcher f : fetchers) {
                f.close();
            }
            fetchers.clear();
        }
        if (cancelAllJobs) {
            synchronized (jobs) {
                for (JobClient j : jobs) {
                    try {
                        j.cancel().get(10, TimeUnit.SECONDS);
                    } catch (Throwable ignored) {
                        // already finished or unreachable
                    }
                }
                jobs.clear();
            }
        }
        thread.shutdownNow();
        state.close();
    }

    private Outcome run(Callable<Outcome> task) {
        if (closed) {
            return Outcome.failure(new IllegalStateException("The session is closed."));
        }
        Future<Outcome> f;
        try {
            f = thread.submit(() -> guarded(task));
        } catch (Throwable t) {
            return Outcome.failure(t);
        }
        current = f;
        try {
            return f.get();
        } catch (CancellationException | InterruptedException e) {
            return Outcome.failure(new CancellationException("The statement was cancelled."));
        } catch (Throwable t) {
            return Outcome.failure(t);
        } finally {
            current = null;
        }
    }

    private Outcome guarded(Callable<Outcome> task) {
        try {
            Outcome o = task.call();
            if (Thread.currentThread().isInterrupted() || closed) {
                o.discard();
                return Outcome.failure(new CancellationException("The statement was cancelled."));
            }
            return o;
        } catch (Throwable t) {
            return Outcome.failure(t);
        }
    }

    // ---- dispatch -------------------------------------------------------------------------------

    private Outcome doConfigure(String statement) throws Exception {
        TableEnvironmentInternal env = state.tableEnv(Map.of());
        Operation op = parseOne(env, statement, "Configure session only accepts a single SQL statement.");
        boolean allowed =
                op instanceof SetOperation
                        || op instanceof ResetOperation
                        || op instanceof CreateOperation
                        || op instanceof DropOperation
                        || op instanceof UseOperation
                        || op instanceof AlterOperation
                        || op instanceof LoadModuleOperation
                        || op instanceof UnloadModuleOperation
                        || op instanceof AddJarOperation;
        if (!allowed) {
            throw new UnsupportedOperationException(
                    "Unsupported statement for configuring session: " + statement + "\n" + CONFIGURE_ONLY);
        }
        return dispatch(env, op, Map.of());
    }

    private Outcome doExecute(String statement, Map<String, String> overrides) throws Exception {
        TableEnvironmentInternal env = state.tableEnv(overrides);
        Operation op =
                parseOne(
                        env,
                        statement,
                        "Execute statement only accepts a single SQL statement or multiple "
                                + "'INSERT INTO' statements wrapped in a 'STATEMENT SET' block.");
        if (inStatementSet) {
            return inStatementSet(env, op, overrides);
        }
        return dispatch(env, op, overrides);
    }

    private static Operation parseOne(TableEnvironmentInternal env, String statement, String tooMany) {
        List<Operation> ops = env.getParser().parse(statement);
        if (ops.size() > 1) {
            throw new UnsupportedOperationException("Unsupported SQL statement! " + tooMany);
        }
        return ops.get(0);
    }

    private Outcome inStatementSet(
            TableEnvironmentInternal env, Operation op, Map<String, String> overrides) {
        if (op instanceof EndStatementSetOperation) {
            List<ModifyOperation> ops = new ArrayList<>(statementSet);
            statementSet.clear();
            inStatementSet = false;
            return ops.isEmpty() ? ok(env) : modify(env, ops);
        }
        if (op instanceof ModifyOperation) {
            statementSet.add((ModifyOperation) op);
            return ok(env);
        }
        throw new IllegalStateException(
                "Only 'INSERT/CREATE TABLE AS' statement is allowed in Statement Set or use 'END' "
                        + "statement to submit Statement Set.");
    }

    private Outcome dispatch(TableEnvironmentInternal env, Operation op, Map<String, String> overrides)
            throws Exception {
        if (op instanceof SetOperation) {
            return set(env, (SetOperation) op, overrides);
        } else if (op instanceof ResetOperation) {
            ResetOperation r = (ResetOperation) op;
            state.reset(r.getKey().map(String::trim).orElse(null));
            return ok(env);
        } else if (op instanceof BeginStatementSetOperation) {
            inStatementSet = true;
            return ok(env);
        } else if (op instanceof EndStatementSetOperation) {
            throw new IllegalStateException(
                    "No Statement Set to submit. 'END' statement should be used after 'BEGIN "
                            + "STATEMENT SET'.");
        } else if (op instanceof ModifyOperation) {
            return modify(env, Collections.singletonList((ModifyOperation) op));
        } else if (op instanceof StatementSetOperation) {
            return modify(env, ((StatementSetOperation) op).getOperations());
        } else if (op instanceof StopJobOperation) {
            return Jobs.stop(state.operationConfig(overrides), (StopJobOperation) op, state.zone(overrides));
        } else if (op instanceof ShowJobsOperation) {
            return Jobs.show(state.operationConfig(overrides), state.zone(overrides));
        } else if (op instanceof DescribeJobOperation) {
            return Jobs.describe(
                    state.operationConfig(overrides),
                    ((DescribeJobOperation) op).getJobId(),
                    state.zone(overrides));
        } else if (op instanceof RemoveJarOperation) {
            throw new UnsupportedOperationException(
                    "SQL Gateway doesn't support REMOVE JAR syntax now.");
        } else if (op instanceof MaterializedTableOperation) {
            Outcome o =
                    materialized(overrides)
                            .call((MaterializedTableOperation) op, () -> env.executeInternal(op));
            return o != null ? o : ok(env);
        }
        TableResultInternal result = env.executeInternal(op);
        return table(result, op instanceof QueryOperation, overrides);
    }

    private MaterializedTables materialized(Map<String, String> overrides) {
        return new MaterializedTables(
                state.catalogManager(),
                (statement, extra) -> submitInsert(statement, overrides, extra),
                state.operationConfig(overrides),
                state.zone(overrides),
                jobs,
                workflowEvents);
    }

    /** Submits a generated INSERT (materialized-table refresh) with extra job configuration. */
    private JobClient submitInsert(
            String statement, Map<String, String> overrides, Map<String, String> extra) {
        Map<String, String> conf = new java.util.HashMap<>(overrides);
        conf.putAll(extra);
        TableEnvironmentInternal env = state.tableEnv(conf);
        Operation op = parseOne(env, statement, "one INSERT");
        TableResultInternal result =
                env.executeInternal(Collections.singletonList((ModifyOperation) op));
        JobClient job =
                result.getJobClient()
                        .orElseThrow(() -> new IllegalStateException("The refresh started no job."));
        jobs.add(job);
        return job;
    }

    private Outcome set(TableEnvironmentInternal env, SetOperation op, Map<String, String> overrides) {
        if (op.getKey().isPresent() && op.getValue().isPresent()) {
            state.set(op.getKey().get().trim(), op.getValue().get().trim());
            return ok(env);
        }
        Map<String, String> conf = env.getConfig().getConfiguration().toMap();
        return Outcome.keyValues(conf, state.zone(overrides));
    }

    private Outcome ok(TableEnvironmentInternal env) {
        return table(TableResultInternal.TABLE_RESULT_OK, false, Map.of());
    }

    private Outcome modify(TableEnvironmentInternal env, List<ModifyOperation> ops) {
        TableResultInternal result = env.executeInternal(ops);
        if (!result.getJobClient().isPresent()) {
            return table(result, false, Map.of());
        }
        JobClient job = result.getJobClient().get();
        jobs.add(job);
        return Outcome.jobId(job.getJobID().toString());
    }

    private Outcome table(TableResultInternal result, boolean isQuery, Map<String, String> overrides) {
        if (!isQuery && result.getJobClient().isPresent()) {
            // A job that is not a query (EXECUTE PLAN, ...): report its id; its lifetime is the
            // job's own, not the operation's (as for INSERT).
            JobClient job = result.getJobClient().get();
            jobs.add(job);
            return Outcome.jobId(job.getJobID().toString());
        }
        Outcome o = Outcome.fromTable(result, isQuery, state.zone(overrides), bufferRows);
        RowFetcher f = o.fetcher();
        if (f != null && result.getJobClient().isPresent()) {
            fetchers.add(f);
            f.start("sqlgateway-fetch-" + result.getJobClient().get().getJobID());
        }
        return o;
    }

    /** Forgets a closed result (called by Python when the operation is closed). */
    public void release(RowFetcher fetcher) {
        fetcher.close();
        fetchers.remove(fetcher);
    }
}
