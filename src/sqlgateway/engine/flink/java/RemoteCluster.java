package sqlgateway.flink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.ClientUtils;
import org.apache.flink.client.deployment.ClusterClientFactory;
import org.apache.flink.client.deployment.ClusterClientJobClientAdapter;
import org.apache.flink.client.deployment.DefaultClusterClientServiceLoader;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The {@code remote} execution target with one REST client per cluster: Flink's session-cluster
 * executor builds a new RestClusterClient (netty event loop, threads) for every submission and,
 * through its job client, for every status call and every result poll of the collect sink (every
 * 100 ms). Here the same calls reuse one client per cluster address and client configuration.
 */
final class RemoteCluster {
    private static final Map<String, ClusterClient<Object>> CLIENTS = new HashMap<>();

    static final PipelineExecutorFactory FACTORY =
            new PipelineExecutorFactory() {
                @Override
                public String getName() {
                    return "remote";
                }

                @Override
                public boolean isCompatibleWith(Configuration conf) {
                    return true;
                }

                @Override
                public PipelineExecutor getExecutor(Configuration conf) {
                    return RemoteCluster::execute;
                }
            };

    private RemoteCluster() {}

    private static CompletableFuture<JobClient> execute(
            Pipeline pipeline, Configuration conf, ClassLoader loader) throws Exception {
        StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, conf);
        ClusterClient<Object> client = client(conf);
        graph.serializeUserDefinedInstances();
        return client.submitJob(graph)
                .thenApplyAsync(
                        id -> {
                            try {
                                ClientUtils.waitUntilJobInitializationFinished(
                                        () -> client.getJobStatus(id).get(),
                                        () -> client.requestJobResult(id).get(),
                                        loader);
                            } catch (Exception e) {
                                throw new CompletionException(e);
                            }
                            return (JobClient)
                                    new ClusterClientJobClientAdapter<Object>(
                                            () -> client, (JobID) id, loader);
                        });
    }

    /** The shared client of the cluster this configuration targets; its close() does nothing. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static synchronized ClusterClient<Object> client(Configuration conf) throws Exception {
        String key = key(conf);
        ClusterClient<Object> shared = CLIENTS.get(key);
        if (shared != null) {
            return shared;
        }
        ClusterClientFactory factory =
                new DefaultClusterClientServiceLoader().getClusterClientFactory(conf);
        Object clusterId = factory.getClusterId(conf);
        if (clusterId == null) {
            throw new IllegalStateException(
                    "No cluster ID found for the configured execution target.");
        }
        ClusterClient<Object> real =
                (ClusterClient<Object>)
                        factory.createClusterDescriptor(conf).retrieve(clusterId).getClusterClient();
        shared =
                (ClusterClient<Object>)
                        Proxy.newProxyInstance(
                                RemoteCluster.class.getClassLoader(),
                                new Class<?>[] {ClusterClient.class},
                                (proxy, method, args) -> {
                                    if ("close".equals(method.getName())
                                            && method.getParameterCount() == 0) {
                                        return null;
                                    }
                                    try {
                                        return method.invoke(real, args);
                                    } catch (InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
        CLIENTS.put(key, shared);
        return shared;
    }

    /** What identifies a client: every option of the REST client and its security. */
    private static String key(Configuration conf) {
        Map<String, String> relevant = new TreeMap<>();
        for (Map.Entry<String, String> e : conf.toMap().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("rest.") || k.startsWith("security.") || k.startsWith("client.")
                    || k.equals("execution.target")) {
                relevant.put(k, e.getValue());
            }
        }
        return relevant.toString();
    }
}
