package sqlgateway.flink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableConfig;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.internal.StreamTableEnvironmentImpl;
import org.apache.flink.table.api.config.TableConfigOptions;
import org.apache.flink.table.api.internal.TableEnvironmentImpl;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.CatalogManager;
import org.apache.flink.table.catalog.FunctionCatalog;
import org.apache.flink.table.delegation.Executor;
import org.apache.flink.table.delegation.ExecutorFactory;
import org.apache.flink.table.delegation.Planner;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.PlannerFactoryUtil;
import org.apache.flink.table.module.ModuleManager;
import org.apache.flink.table.resource.ResourceManager;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TimeZone;

/**
 * Catalogs, functions, modules and resources shared by every statement of one session, plus the
 * session configuration. As in Flink's gateway, each statement runs in a TableEnvironment built
 * over this shared state with the session configuration overlaid by the statement's
 * executionConfig (so runtime mode and other executor options can change per statement).
 */
final class SessionState {
    private final Map<String, String> defaults;
    private final Map<String, String> hidden;
    private final Configuration sessionConf;
    private final CatalogManager catalogManager;
    private final ModuleManager moduleManager;
    private final ResourceManager resourceManager;
    private final FunctionCatalog functionCatalog;
    private Map<String, String> cachedKey;
    private TableEnvironmentInternal cachedEnv;

    SessionState(Map<String, String> defaults, Map<String, String> sessionConf, Map<String, String> hidden)
            throws Exception {
        this.defaults = new HashMap<>(defaults);
        this.hidden = new HashMap<>(hidden);
        this.sessionConf = Configuration.fromMap(sessionConf);
        Configuration boot = sessionConf();
        boot.addAll(Configuration.fromMap(hidden));
        TableEnvironmentImpl base =
                (TableEnvironmentImpl)
                        TableEnvironment.create(
                                EnvironmentSettings.newInstance().withConfiguration(boot).build());
        this.catalogManager = (CatalogManager) field(base, "catalogManager");
        this.moduleManager = (ModuleManager) field(base, "moduleManager");
        this.resourceManager = (ResourceManager) field(base, "resourceManager");
        this.functionCatalog = (FunctionCatalog) field(base, "functionCatalog");
        this.cachedKey = null;
        this.cachedEnv = null;
    }

    /** Gives a state built in advance its session's own resource directory (ADD JAR, UDFs). */
    void useResourceDir(String dir) throws Exception {
        synchronized (sessionConf) {
            sessionConf.setString(SpareSession.DOWNLOAD_DIR, dir);
        }
        Field f = ResourceManager.class.getDeclaredField("localResourceDir");
        f.setAccessible(true);
        f.set(
                resourceManager,
                new org.apache.flink.core.fs.Path(
                        dir, String.format("flink-table-%s", java.util.UUID.randomUUID())));
    }

    CatalogManager catalogManager() {
        return catalogManager;
    }

    /** Closes the session's catalogs and deletes its resource directory (as Flink's gateway). */
    void close() {
        try {
            catalogManager.close();
        } catch (Throwable ignored) {
            // a catalog failing to close must not keep the rest open
        }
        try {
            resourceManager.close();
        } catch (Throwable ignored) {
            // the directory may already be gone
        }
    }

    private static Object field(Object target, String name) throws Exception {
        Field f = TableEnvironmentImpl.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    private Configuration sessionConf() {
        return sessionConf.clone();
    }

    Map<String, String> sessionConfig() {
        synchronized (sessionConf) {
            return new HashMap<>(sessionConf.toMap());
        }
    }

    Configuration operationConfig(Map<String, String> overrides) {
        Configuration c;
        synchronized (sessionConf) {
            c = sessionConf.clone();
        }
        c.addAll(Configuration.fromMap(overrides));
        return c;
    }

    TimeZone zone(Map<String, String> overrides) {
        String zone = operationConfig(overrides).get(TableConfigOptions.LOCAL_TIME_ZONE);
        ZoneId id =
                TableConfigOptions.LOCAL_TIME_ZONE.defaultValue().equals(zone)
                        ? ZoneId.systemDefault()
                        : ZoneId.of(zone);
        return TimeZone.getTimeZone(id);
    }

    /** SET 'key' = 'value': rejected (and not kept) if a TableEnvironment cannot use it. */
    void set(String key, String value) {
        Map<String, String> probe = new HashMap<>();
        probe.put(key, value);
        build(operationConfig(probe)).getParser();
        synchronized (sessionConf) {
            sessionConf.setString(key, value);
        }
    }

    /** RESET 'key' restores the gateway default (or removes the key); RESET restores all. */
    void reset(String key) {
        synchronized (sessionConf) {
            if (key == null) {
                for (String k : new java.util.ArrayList<>(sessionConf.keySet())) {
                    sessionConf.removeKey(k);
                }
                sessionConf.addAll(Configuration.fromMap(defaults));
            } else if (defaults.containsKey(key)) {
                sessionConf.setString(key, defaults.get(key));
            } else {
                sessionConf.removeKey(key);
            }
        }
    }

    /** The environment for one statement (reused while the effective configuration is equal). */
    TableEnvironmentInternal tableEnv(Map<String, String> overrides) {
        Configuration conf = operationConfig(overrides);
        Map<String, String> key = conf.toMap();
        if (!key.equals(cachedKey)) {
            cachedEnv = build(conf);
            cachedKey = key;
        }
        return cachedEnv;
    }

    private TableEnvironmentInternal build(Configuration conf) {
        // hidden settings are defaults the session may override (SET 'sql-gateway.flink...')
        Configuration envConf = Configuration.fromMap(hidden);
        envConf.addAll(conf);
        EnvironmentSettings settings =
                EnvironmentSettings.newInstance().withConfiguration(envConf).build();
        ClassLoader loader = resourceManager.getUserClassLoader();
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(LocalCluster.LOADER, envConf, loader);
        TableConfig tableConfig = TableConfig.getDefault();
        Configuration root = Configuration.fromMap(defaults);
        root.addAll(Configuration.fromMap(hidden));
        tableConfig.setRootConfiguration(root);
        tableConfig.addConfiguration(conf);
        Executor executor = lookupExecutor(env, loader);
        Planner planner =
                PlannerFactoryUtil.createPlanner(
                        executor, tableConfig, loader, moduleManager, catalogManager, functionCatalog);
        return new StreamTableEnvironmentImpl(
                catalogManager,
                moduleManager,
                resourceManager,
                functionCatalog,
                tableConfig,
                env,
                planner,
                executor,
                settings.isStreamingMode());
    }

    private static Executor lookupExecutor(StreamExecutionEnvironment env, ClassLoader loader) {
        try {
            ExecutorFactory factory =
                    FactoryUtil.discoverFactory(
                            loader, ExecutorFactory.class, ExecutorFactory.DEFAULT_IDENTIFIER);
            Method create = factory.getClass().getMethod("create", StreamExecutionEnvironment.class);
            return (Executor) create.invoke(factory, env);
        } catch (Exception e) {
            throw new IllegalStateException("Could not instantiate the Flink planner executor.", e);
        }
    }
}
