package sqlgateway.flink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogManager;
import org.apache.flink.table.catalog.CatalogMaterializedTable;
import org.apache.flink.table.catalog.CatalogMaterializedTable.RefreshMode;
import org.apache.flink.table.catalog.CatalogMaterializedTable.RefreshStatus;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogBaseTable;
import org.apache.flink.table.catalog.ResolvedCatalogMaterializedTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.TableChange;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.operations.materializedtable.AlterMaterializedTableRefreshOperation;
import org.apache.flink.table.operations.materializedtable.AlterMaterializedTableResumeOperation;
import org.apache.flink.table.operations.materializedtable.AlterMaterializedTableSuspendOperation;
import org.apache.flink.table.operations.materializedtable.CreateMaterializedTableOperation;
import org.apache.flink.table.operations.materializedtable.DropMaterializedTableOperation;
import org.apache.flink.table.operations.materializedtable.MaterializedTableOperation;
import org.apache.flink.table.refresh.ContinuousRefreshHandler;
import org.apache.flink.table.refresh.ContinuousRefreshHandlerSerializer;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeSet;

/**
 * Materialized tables as Flink's gateway (MaterializedTableManager) runs them, where the Flink
 * distribution allows it: CONTINUOUS tables (created in the catalog, then a streaming refresh job
 * INSERTs the definition query), one-time REFRESH [PARTITION] (a batch INSERT OVERWRITE job,
 * answering its job id), SUSPEND (stop with savepoint) / RESUME (restore from it), DROP (cancels
 * the refresh job). FULL tables are created in the catalog with their refresh workflow recorded
 * as an event for Python's embedded scheduler (engine/workflow.py), which fires the periodic
 * refreshes; SUSPEND / RESUME / DROP of a FULL table record the matching workflow events.
 * AS-query changes need a suspend-alter-restore step, which this engine does not have: they fail
 * with an error naming what is missing. Whether a catalog can store a materialized table is the catalog's decision
 * (its own error is kept).
 */
final class MaterializedTables {
    /** Runs an INSERT statement of the session with extra configuration; returns its job. */
    interface Submitter {
        JobClient submit(String statement, Map<String, String> extraConf) throws Exception;
    }

    private final CatalogManager catalogs;
    private final Submitter submitter;
    private final Configuration conf;
    private final TimeZone zone;
    private final List<JobClient> jobs;
    private final List<Map<String, Object>> workflowEvents;

    MaterializedTables(
            CatalogManager catalogs,
            Submitter submitter,
            Configuration conf,
            TimeZone zone,
            List<JobClient> jobs,
            List<Map<String, Object>> workflowEvents) {
        this.catalogs = catalogs;
        this.submitter = submitter;
        this.conf = conf;
        this.zone = zone;
        this.jobs = jobs;
        this.workflowEvents = workflowEvents;
    }

    /** Null when the operation is not handled here (the caller runs it as usual). */
    Outcome call(MaterializedTableOperation op, Runnable executeInCatalog) throws Exception {
        if (op instanceof CreateMaterializedTableOperation) {
            return create((CreateMaterializedTableOperation) op, executeInCatalog);
        } else if (op instanceof AlterMaterializedTableRefreshOperation) {
            AlterMaterializedTableRefreshOperation refresh = (AlterMaterializedTableRefreshOperation) op;
            return refresh(refresh.getTableIdentifier(), refresh.getPartitionSpec(), false, Map.of());
        } else if (op instanceof DropMaterializedTableOperation) {
            return drop((DropMaterializedTableOperation) op, executeInCatalog);
        } else if (op instanceof AlterMaterializedTableSuspendOperation) {
            return suspend(((AlterMaterializedTableSuspendOperation) op).getTableIdentifier());
        } else if (op instanceof AlterMaterializedTableResumeOperation) {
            AlterMaterializedTableResumeOperation resume = (AlterMaterializedTableResumeOperation) op;
            return resume(resume.getTableIdentifier(), resume.getDynamicOptions());
        }
        throw new UnsupportedOperationException(
                op.asSummaryString()
                        + " is not supported by the sqlgateway Flink engine: changing a "
                        + "materialized table's schema or query needs its refresh job suspended, "
                        + "the table altered and the job restored in one step, which this engine "
                        + "does not do yet. Supported: CREATE, ALTER ... "
                        + "REFRESH [PARTITION], SUSPEND, RESUME, DROP.");
    }

    private Outcome create(CreateMaterializedTableOperation op, Runnable executeInCatalog)
            throws Exception {
        ObjectIdentifier id = op.getTableIdentifier();
        ResolvedCatalogMaterializedTable table = op.getCatalogMaterializedTable();
        if (table.getRefreshMode() == RefreshMode.FULL) {
            executeInCatalog.run();
            updateFull(id, materialized(id), RefreshStatus.ACTIVATED);
            workflowEvents.add(event("create", id, table, Map.of()));
            return null;
        }
        executeInCatalog.run();
        try {
            startContinuous(id, table, Map.of(), null);
        } catch (Exception e) {
            catalogs.dropMaterializedTable(id, true);
            throw new IllegalStateException(
                    String.format(
                            "Submit continuous refresh job for materialized table %s occur exception.",
                            id),
                    e);
        }
        return null;
    }

    /** Submits the continuous refresh job and records it (ACTIVATED) in the catalog. */
    private void startContinuous(
            ObjectIdentifier id,
            ResolvedCatalogMaterializedTable table,
            Map<String, String> dynamicOptions,
            String restorePath)
            throws Exception {
        Map<String, String> extra = new HashMap<>();
        extra.put("execution.runtime-mode", "streaming");
        extra.put(
                "pipeline.name",
                String.format(
                        "Materialized_table_%s_continuous_refresh_job", id.asSerializableString()));
        if (restorePath != null) {
            extra.put("execution.state-recovery.path", restorePath);
        }
        if (!conf.containsKey("execution.checkpointing.interval")) {
            extra.put(
                    "execution.checkpointing.interval",
                    table.getDefinitionFreshness().toDuration().toMillis() + " ms");
        }
        JobClient job =
                submitter.submit(
                        String.format(
                                "INSERT INTO %s\n%s",
                                withOptions(id, dynamicOptions), table.getExpandedQuery()),
                        extra);
        ContinuousRefreshHandler handler =
                new ContinuousRefreshHandler(target(), clusterId(), job.getJobID().toString());
        updateHandler(id, table, RefreshStatus.ACTIVATED, handler);
    }

    private void updateHandler(
            ObjectIdentifier id,
            ResolvedCatalogMaterializedTable table,
            RefreshStatus status,
            ContinuousRefreshHandler handler)
            throws Exception {
        byte[] bytes = ContinuousRefreshHandlerSerializer.INSTANCE.serialize(handler);
        CatalogMaterializedTable updated =
                table.getOrigin().copy(status, handler.asSummaryString(), bytes);
        List<TableChange> changes = new ArrayList<>();
        changes.add(TableChange.modifyRefreshStatus(status));
        changes.add(TableChange.modifyRefreshHandler(handler.asSummaryString(), bytes));
        catalogs.alterTable(updated, changes, id, false);
    }

    /** Records the FULL table's status with its workflow (Flink's EmbeddedRefreshHandler). */
    private void updateFull(
            ObjectIdentifier id, ResolvedCatalogMaterializedTable table, RefreshStatus status)
            throws Exception {
        String summary =
                String.format(
                        "{\n  workflowName: quartz_job_%s,\n  workflowGroup: default_group\n}",
                        id.asSerializableString());
        byte[] bytes = summary.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        CatalogMaterializedTable updated = table.getOrigin().copy(status, summary, bytes);
        List<TableChange> changes = new ArrayList<>();
        changes.add(TableChange.modifyRefreshStatus(status));
        changes.add(TableChange.modifyRefreshHandler(summary, bytes));
        catalogs.alterTable(updated, changes, id, false);
    }

    private static Map<String, Object> event(
            String action,
            ObjectIdentifier id,
            ResolvedCatalogMaterializedTable table,
            Map<String, String> dynamicOptions) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("action", action);
        e.put("identifier", id.asSerializableString());
        e.put("interval", table.getDefinitionFreshness().getIntervalInt());
        e.put("unit", table.getDefinitionFreshness().getTimeUnit().name());
        e.put("dynamicOptions", new HashMap<>(dynamicOptions));
        return e;
    }

    /** What Python needs for a periodic refresh (Flink's getPeriodRefreshPartition inputs). */
    Outcome describe(ObjectIdentifier id) {
        ResolvedCatalogMaterializedTable table = materialized(id);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("identifier", id.asSerializableString());
        info.put("options", new HashMap<>(table.getOptions()));
        info.put("freshnessMillis", table.getDefinitionFreshness().toDuration().toMillis());
        info.put("refreshMode", table.getRefreshMode().name());
        info.put("zone", zone.getID());
        return Outcome.info(info);
    }

    private Outcome suspendFull(ObjectIdentifier id, ResolvedCatalogMaterializedTable table)
            throws Exception {
        if (table.getRefreshStatus() == RefreshStatus.SUSPENDED) {
            throw new IllegalStateException(
                    String.format(
                            "Failed to suspend the refresh workflow for materialized table %s.", id),
                    new IllegalStateException(
                            String.format(
                                    "Materialized table %s refresh workflow has been suspended.",
                                    id)));
        }
        updateFull(id, table, RefreshStatus.SUSPENDED);
        workflowEvents.add(event("suspend", id, table, Map.of()));
        return null;
    }

    private Outcome resumeFull(
            ObjectIdentifier id,
            ResolvedCatalogMaterializedTable table,
            Map<String, String> dynamicOptions)
            throws Exception {
        if (table.getRefreshStatus() == RefreshStatus.ACTIVATED) {
            throw new IllegalStateException(
                    String.format(
                            "Materialized table %s refresh workflow has been resumed.", id));
        }
        updateFull(id, table, RefreshStatus.ACTIVATED);
        workflowEvents.add(event("resume", id, table, dynamicOptions));
        return null;
    }

    private static String withOptions(ObjectIdentifier id, Map<String, String> options) {
        if (options.isEmpty()) {
            return id.asSerializableString();
        }
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(options).entrySet()) {
            pairs.add(String.format("'%s'='%s'", e.getKey(), e.getValue()));
        }
        return id.asSerializableString() + " /*+ OPTIONS(" + String.join(", ", pairs) + ") */";
    }

    private Outcome suspend(ObjectIdentifier id) throws Exception {
        ResolvedCatalogMaterializedTable table = materialized(id);
        if (table.getRefreshMode() == RefreshMode.FULL) {
            return suspendFull(id, table);
        }
        ContinuousRefreshHandler handler = handler(table);
        if (table.getRefreshStatus() == RefreshStatus.SUSPENDED) {
            throw new IllegalStateException(
                    String.format(
                            "Materialized table %s continuous refresh job has been suspended, jobId is %s.",
                            id, handler.getJobId()));
        }
        String dir = conf.getString("execution.checkpointing.savepoint-dir", null);
        if (dir == null) {
            throw new IllegalStateException(
                    String.format(
                            "Failed to suspend the continuous refresh job for materialized table "
                                    + "%s: suspending stops the job with a savepoint, and no "
                                    + "savepoint directory is configured "
                                    + "('execution.checkpointing.savepoint-dir').",
                            id));
        }
        String savepoint;
        try {
            savepoint = stopWithSavepoint(handler.getJobId(), dir);
        } catch (Exception e) {
            throw new IllegalStateException(
                    String.format(
                            "Failed to suspend the continuous refresh job for materialized table %s.",
                            id),
                    e);
        }
        updateHandler(
                id,
                table,
                RefreshStatus.SUSPENDED,
                new ContinuousRefreshHandler(
                        handler.getExecutionTarget(),
                        handler.getClusterId(),
                        handler.getJobId(),
                        savepoint));
        return null;
    }

    private Outcome resume(ObjectIdentifier id, Map<String, String> dynamicOptions)
            throws Exception {
        ResolvedCatalogMaterializedTable table = materialized(id);
        if (table.getRefreshMode() == RefreshMode.FULL) {
            return resumeFull(id, table, dynamicOptions);
        }
        ContinuousRefreshHandler handler = handler(table);
        if (table.getRefreshStatus() == RefreshStatus.ACTIVATED && running(handler.getJobId())) {
            throw new IllegalStateException(
                    String.format(
                            "Materialized table %s continuous refresh job has been resumed, jobId is %s.",
                            id, handler.getJobId()));
        }
        try {
            startContinuous(id, table, dynamicOptions, handler.getRestorePath().orElse(null));
        } catch (Exception e) {
            throw new IllegalStateException(
                    String.format(
                            "Failed to resume the continuous refresh job for materialized table %s.",
                            id),
                    e);
        }
        return null;
    }

    private static ContinuousRefreshHandler handler(ResolvedCatalogMaterializedTable table)
            throws Exception {
        return ContinuousRefreshHandlerSerializer.INSTANCE.deserialize(
                table.getSerializedRefreshHandler(),
                Thread.currentThread().getContextClassLoader());
    }

    private JobClient sessionJob(String jobId) {
        synchronized (jobs) {
            for (JobClient j : jobs) {
                if (j.getJobID().toString().equals(jobId)) {
                    return j;
                }
            }
        }
        return null;
    }

    private String stopWithSavepoint(String jobId, String dir) throws Exception {
        JobClient job = sessionJob(jobId);
        if (job != null) {
            return job.stopWithSavepoint(false, dir, SavepointFormatType.DEFAULT).get();
        }
        if (!"remote".equals(target())) {
            throw new IllegalStateException(
                    "The refresh job " + jobId + " was not started by this session's local cluster.");
        }
        return Jobs.withClient(
                conf,
                client -> {
                    try {
                        return client.stopWithSavepoint(
                                        JobID.fromHexString(jobId),
                                        false,
                                        dir,
                                        SavepointFormatType.DEFAULT)
                                .get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private boolean running(String jobId) {
        try {
            JobClient job = sessionJob(jobId);
            JobStatus status;
            if (job != null) {
                status = job.getJobStatus().get();
            } else if ("remote".equals(target())) {
                status =
                        Jobs.withClient(
                                conf,
                                client -> {
                                    try {
                                        return client.getJobStatus(JobID.fromHexString(jobId)).get();
                                    } catch (Exception e) {
                                        return JobStatus.FINISHED;
                                    }
                                });
            } else {
                return false;
            }
            return !status.isGloballyTerminalState();
        } catch (Exception e) {
            return false; // gone: a finished job of a stopped local cluster, for example
        }
    }

    /**
     * A batch INSERT OVERWRITE of the partitions (periodic: derived by Python from the schedule
     * time) with the dynamic options as table hints; its row: job id and cluster info.
     */
    Outcome refresh(
            ObjectIdentifier id,
            Map<String, String> partitions,
            boolean periodic,
            Map<String, String> dynamicOptions)
            throws Exception {
        ResolvedCatalogMaterializedTable table = materialized(id);
        validatePartitions(partitions, table);
        Map<String, String> extra = new HashMap<>();
        extra.put("execution.runtime-mode", "batch");
        extra.put(
                "pipeline.name",
                String.format(
                        "Materialized_table_%s_%s_refresh_job",
                        id.asSerializableString(),
                        periodic ? "periodic" : "one_time"));
        StringBuilder insert =
                new StringBuilder(
                        String.format(
                                "INSERT OVERWRITE %s\n  SELECT * FROM (%s)",
                                withOptions(id, dynamicOptions), table.getExpandedQuery()));
        if (!partitions.isEmpty()) {
            List<String> terms = new ArrayList<>();
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(partitions).entrySet()) {
                terms.add(String.format("%s = '%s'", e.getKey(), e.getValue()));
            }
            insert.append("\n  WHERE ").append(String.join(" AND ", terms));
        }
        JobClient job;
        try {
            job = submitter.submit(insert.toString(), extra);
        } catch (Exception e) {
            throw new IllegalStateException(
                    String.format("Refreshing the materialized table %s occur exception.", id), e);
        }
        Map<StringData, StringData> info = new LinkedHashMap<>();
        info.put(StringData.fromString("execution.target"), StringData.fromString(target()));
        List<RowData> rows = new ArrayList<>();
        rows.add(
                GenericRowData.of(
                        StringData.fromString(job.getJobID().toString()), new GenericMapData(info)));
        ResolvedSchema schema =
                ResolvedSchema.of(
                        Column.physical("job id", DataTypes.STRING()),
                        Column.physical(
                                "cluster info", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING())));
        return Outcome.rows(schema, rows, zone);
    }

    private Outcome drop(DropMaterializedTableOperation op, Runnable executeInCatalog)
            throws Exception {
        ObjectIdentifier id = op.getTableIdentifier();
        if (!catalogs.getTable(id).isPresent()) {
            if (op.isIfExists()) {
                return null;
            }
            throw new ValidationException(
                    String.format("Materialized table with identifier %s does not exist.", id));
        }
        ResolvedCatalogMaterializedTable table = materialized(id);
        if (table.getRefreshMode() == RefreshMode.FULL
                && table.getRefreshStatus() != RefreshStatus.INITIALIZING) {
            workflowEvents.add(event("drop", id, table, Map.of()));
        }
        if (table.getRefreshMode() == RefreshMode.CONTINUOUS
                && table.getRefreshStatus() == RefreshStatus.ACTIVATED
                && table.getSerializedRefreshHandler() != null) {
            ContinuousRefreshHandler handler =
                    ContinuousRefreshHandlerSerializer.INSTANCE.deserialize(
                            table.getSerializedRefreshHandler(),
                            Thread.currentThread().getContextClassLoader());
            cancel(handler.getJobId());
        }
        executeInCatalog.run();
        return null;
    }

    private void cancel(String jobId) throws Exception {
        synchronized (jobs) {
            for (JobClient j : jobs) {
                if (j.getJobID().toString().equals(jobId)) {
                    try {
                        j.cancel().get();
                    } catch (Exception e) {
                        // the refresh job already ended (a bounded source)
                    }
                    return;
                }
            }
        }
        if ("remote".equals(target())) {
            Jobs.withClient(
                    conf,
                    client -> {
                        try {
                            return client.cancel(JobID.fromHexString(jobId)).get();
                        } catch (Exception e) {
                            return null; // already ended
                        }
                    });
        }
    }

    private ResolvedCatalogMaterializedTable materialized(ObjectIdentifier id) {
        ResolvedCatalogBaseTable<?> t = catalogs.getTableOrError(id).getResolvedTable();
        if (!(t instanceof ResolvedCatalogMaterializedTable)) {
            throw new ValidationException(
                    String.format(
                            "Table %s is not a materialized table, does not support materialized "
                                    + "table related operation.",
                            id));
        }
        return (ResolvedCatalogMaterializedTable) t;
    }

    private static void validatePartitions(
            Map<String, String> spec, ResolvedCatalogMaterializedTable table) {
        ResolvedSchema schema = table.getResolvedSchema();
        TreeSet<String> unknown = new TreeSet<>();
        TreeSet<String> notString = new TreeSet<>();
        for (String key : spec.keySet()) {
            if (!schema.getColumn(key).isPresent()) {
                unknown.add(key);
            } else if (!schema.getColumn(key)
                    .get()
                    .getDataType()
                    .getLogicalType()
                    .getTypeRoot()
                    .getFamilies()
                    .contains(LogicalTypeFamily.CHARACTER_STRING)) {
                notString.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ValidationException(
                    String.format(
                            "The partition spec contains unknown partition keys:\n\n%s\n\nAll known "
                                    + "partition keys are:\n\n%s",
                            String.join("\n", unknown), String.join("\n", table.getPartitionKeys())));
        }
        if (!notString.isEmpty()) {
            throw new ValidationException(
                    String.format(
                            "Currently, refreshing materialized table only supports referring to "
                                    + "char, varchar and string type partition keys. All specified "
                                    + "partition keys in partition specs with unsupported types "
                                    + "are:\n\n%s",
                            String.join("\n", notString)));
        }
    }

    private String target() {
        return conf.getString("execution.target", "local");
    }

    private String clusterId() {
        if ("remote".equals(target())) {
            return conf.getString("rest.address", "localhost")
                    + ":"
                    + conf.getString("rest.port", "8081");
        }
        return null;
    }
}
