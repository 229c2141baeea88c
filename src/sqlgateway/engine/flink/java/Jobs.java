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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;

/** STOP JOB against the configured cluster (SHOW/DESCRIBE JOB are executed by Flink itself). */
final class Jobs {
    private Jobs() {}

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
