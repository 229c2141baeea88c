package sqlgateway.flink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.ClientUtils;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The {@code local} execution target with one warm MiniCluster per JVM: jobs are submitted to it
 * instead of starting (and stopping) a MiniCluster per job as Flink's LocalExecutor does, which
 * costs ~1 s per job. A job falls back to Flink's per-job MiniCluster when
 * {@code sql-gateway.flink.local-cluster} is {@code per-job}, when its configuration changes a
 * cluster-level option (taskmanager.*, jobmanager.*, ...), or when the shared cluster has not
 * enough free slots for it (so a job never waits for slots, as with a per-job cluster).
 */
final class LocalCluster {
    static final String MODE = "sql-gateway.flink.local-cluster";
    static final String SLOTS = "sql-gateway.flink.local-cluster.slots";
    private static final String[] CLUSTER_PREFIXES = {
        "taskmanager.", "jobmanager.", "rest.", "resourcemanager.", "slotmanager.", "blob.",
        "pekko.", "high-availability", "cluster.", "metrics.", "web.", "heartbeat."
    };
    private static final DefaultExecutorServiceLoader DEFAULT = new DefaultExecutorServiceLoader();

    /**
     * Passed to every StreamExecutionEnvironment the sessions build: the shared MiniCluster for
     * {@code local}, cached REST clients for {@code remote}, Flink's own executors otherwise.
     */
    static final PipelineExecutorServiceLoader LOADER =
            new PipelineExecutorServiceLoader() {
                @Override
                public PipelineExecutorFactory getExecutorFactory(Configuration conf) {
                    String target = conf.get(DeploymentOptions.TARGET);
                    if (LocalExecutor.NAME.equalsIgnoreCase(target)
                            && "shared".equalsIgnoreCase(conf.getString(MODE, "shared"))) {
                        return FACTORY;
                    }
                    if ("remote".equalsIgnoreCase(target)) {
                        return RemoteCluster.FACTORY;
                    }
                    return DEFAULT.getExecutorFactory(conf);
                }

                @Override
                public Stream<String> getExecutorNames() {
                    return DEFAULT.getExecutorNames();
                }
            };

    private static final PipelineExecutorFactory FACTORY =
            new PipelineExecutorFactory() {
                @Override
                public String getName() {
                    return LocalExecutor.NAME;
                }

                @Override
                public boolean isCompatibleWith(Configuration conf) {
                    return true;
                }

                @Override
                public PipelineExecutor getExecutor(Configuration conf) {
                    return LocalCluster::execute;
                }
            };

    private static Configuration base;
    private static MiniCluster cluster;
    private static int slots;
    private static int reserved;

    private LocalCluster() {}

    /** The gateway-level configuration the shared cluster starts with (first call wins). */
    static synchronized void configure(Map<String, String> gatewayConf) {
        if (base == null) {
            base = Configuration.fromMap(gatewayConf);
        }
    }

    /** Starts the shared cluster now (engine warm-up) unless it runs already or is not used. */
    static void prestart() throws Exception {
        synchronized (LocalCluster.class) {
            if (base == null || !"shared".equalsIgnoreCase(base.getString(MODE, "shared"))) {
                return;
            }
        }
        cluster();
    }

    private static synchronized MiniCluster cluster() throws Exception {
        if (cluster != null && cluster.isRunning()) {
            return cluster;
        }
        Configuration conf = new Configuration(base == null ? new Configuration() : base);
        slots = Math.max(1, Integer.parseInt(conf.getString(SLOTS, "16")));
        reserved = 0;
        if (!conf.contains(RestOptions.BIND_PORT)) {
            conf.set(RestOptions.BIND_PORT, "0");
        }
        if (!conf.contains(TaskManagerOptions.MANAGED_MEMORY_SIZE)) {
            // what a per-job mini-cluster's single slot gets (128m), for every few slots
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(32L * slots));
        }
        MiniCluster mc =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .setRpcServiceSharing(RpcServiceSharing.SHARED)
                                .build());
        mc.start();
        cluster = mc;
        return mc;
    }

    private static CompletableFuture<JobClient> execute(
            Pipeline pipeline, Configuration conf, ClassLoader loader) throws Exception {
        Configuration effective = new Configuration();
        effective.addAll(conf);
        if (!effective.get(DeploymentOptions.ATTACHED) || changesCluster(effective)) {
            return LocalExecutor.create(new Configuration()).execute(pipeline, effective, loader);
        }
        StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, effective);
        int need = Math.max(1, graph.getMaximumParallelism());
        MiniCluster mc;
        synchronized (LocalCluster.class) {
            mc = cluster();
            if (reserved + need > slots) {
                return LocalExecutor.create(new Configuration()).execute(pipeline, effective, loader);
            }
            reserved += need;
        }
        graph.serializeUserDefinedInstances();
        CompletableFuture<JobClient> client;
        try {
            client = submit(mc, graph, loader);
        } catch (Exception e) {
            release(mc, need);
            throw e;
        }
        client.whenComplete(
                (job, error) -> {
                    if (error != null) {
                        release(mc, need);
                    } else {
                        job.getJobExecutionResult().whenComplete((r, t) -> release(mc, need));
                    }
                });
        return client;
    }

    private static CompletableFuture<JobClient> submit(
            MiniCluster mc, StreamGraph graph, ClassLoader loader) {
        return mc.submitJob(graph)
                .thenApplyAsync(
                        submitted -> {
                            JobID id = submitted.getJobID();
                            try {
                                ClientUtils.waitUntilJobInitializationFinished(
                                        () -> mc.getJobStatus(id).get(),
                                        () -> mc.requestJobResult(id).get(),
                                        loader);
                            } catch (Exception e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                            return (JobClient)
                                    new MiniClusterJobClient(
                                            id,
                                            mc,
                                            loader,
                                            MiniClusterJobClient.JobFinalizationBehavior.NOTHING);
                        });
    }

    private static synchronized void release(MiniCluster mc, int need) {
        if (mc == cluster) {
            reserved = Math.max(0, reserved - need);
        }
    }

    /** True if the job sets a cluster-level option to another value than the shared cluster. */
    private static boolean changesCluster(Configuration conf) {
        Map<String, String> shared;
        synchronized (LocalCluster.class) {
            shared = base == null ? new HashMap<>() : base.toMap();
        }
        for (Map.Entry<String, String> e : conf.toMap().entrySet()) {
            if (isClusterKey(e.getKey()) && !Objects.equals(e.getValue(), shared.get(e.getKey()))) {
                return true;
            }
        }
        for (String key : shared.keySet()) {
            if (isClusterKey(key) && !conf.containsKey(key)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isClusterKey(String key) {
        for (String prefix : CLUSTER_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
