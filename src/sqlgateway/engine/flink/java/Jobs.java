package sqlgateway.flink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.client.cli.ClientOptions;
import org.apache.flink.client.deployment.ClusterClientFactory;
import org.apache.flink.client.deployment.ClusterDescriptor;
import org.apache.flink.client.deployment.DefaultClusterClientServiceLoader;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.table.operations.command.StopJobOperation;

import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;

/** SHOW JOBS, DESCRIBE JOB and STOP JOB against the cluster of the execution target. */
final class Jobs {
    private Jobs() {}

    private static ResolvedSchema jobSchema() {
        return ResolvedSchema.of(
                Column.physical("job id", DataTypes.STRING()),
                Column.physical("job name", DataTypes.STRING()),
                Column.physical("status", DataTypes.STRING()),
                Column.physical("start time", DataTypes.TIMESTAMP_WITH_LOCAL_TIME_ZONE()));
    }

    private static RowData jobRow(JobStatusMessage job) {
        return GenericRowData.of(
                StringData.fromString(job.getJobId().toString()),
                StringData.fromString(job.getJobName()),
                StringData.fromString(job.getJobState().toString()),
                TimestampData.fromEpochMillis(job.getStartTime()));
    }

    private static Collection<JobStatusMessage> list(Configuration conf) throws Exception {
        Duration timeout = conf.get(ClientOptions.CLIENT_TIMEOUT);
        return withClient(conf, client -> {
            try {
                return client.listJobs().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Failed to list jobs in the cluster.", e);
            }
        });
    }

    static Outcome show(Configuration conf, TimeZone zone) throws Exception {
        List<RowData> rows = new ArrayList<>();
        for (JobStatusMessage job : list(conf)) {
            rows.add(jobRow(job));
        }
        return Outcome.rows(jobSchema(), rows, zone);
    }

    static Outcome describe(Configuration conf, String jobId, TimeZone zone) throws Exception {
        List<RowData> rows = new ArrayList<>();
        for (JobStatusMessage job : list(conf)) {
            if (job.getJobId().toString().equals(jobId)) {
                rows.add(jobRow(job));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(String.format("Could not find job '%s' in the cluster.", jobId));
        }
        return Outcome.rows(jobSchema(), rows, zone);
    }

    static Outcome stop(Configuration conf, StopJobOperation op, TimeZone zone) throws Exception {
        JobID id = JobID.fromHexString(op.getJobId());
        Duration timeout = conf.get(ClientOptions.CLIENT_TIMEOUT);
        String savepoint = withClient(conf, client -> {
            try {
                if (op.isWithSavepoint()) {
                    return client.stopWithSavepoint(
                                    id,
                                    op.isWithDrain(),
                                    conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY),
                                    SavepointFormatType.DEFAULT)
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                }
                client.cancel(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(
                        String.format(
                                "Could not stop job %s %s.",
                                op.getJobId(), op.isWithSavepoint() ? "with savepoint" : ""),
                        e);
            }
        });
        if (!op.isWithSavepoint()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"OK"});
            return Outcome.strings(new String[] {"result"}, rows, "SUCCESS", null, zone);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {savepoint == null ? "" : savepoint});
        return Outcome.strings(new String[] {"savepoint path"}, rows, "SUCCESS_WITH_CONTENT", null, zone);
    }

    interface ClientAction<T> {
        T apply(ClusterClient<?> client);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> T withClient(Configuration conf, ClientAction<T> action) throws Exception {
        if ("remote".equalsIgnoreCase(conf.get(org.apache.flink.configuration.DeploymentOptions.TARGET))) {
            return action.apply(RemoteCluster.client(conf));
        }
        ClusterClientFactory factory = new DefaultClusterClientServiceLoader().getClusterClientFactory(conf);
        Object clusterId = factory.getClusterId(conf);
        if (clusterId == null) {
            throw new IllegalStateException("No cluster ID found for the configured execution target.");
        }
        try (ClusterDescriptor descriptor = factory.createClusterDescriptor(conf);
                ClusterClient<?> client = descriptor.retrieve(clusterId).getClusterClient()) {
            return action.apply(client);
        }
    }
}
