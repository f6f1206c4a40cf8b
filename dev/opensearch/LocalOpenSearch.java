import java.io.IOException;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.common.settings.Settings;

/**
 * One OpenSearch node for the local platform (dev/localplatform/opensearch.py).
 *
 * <p>Arguments are {@code key=value} node settings, plus {@code runner.base_path} (where the
 * node keeps its config, data and logs). Unlike the runner's own CLI, the HTTP port is used as
 * given: a taken port fails the start instead of silently moving to the next free one, and
 * ports above 9299 work. Failures print their stack trace and exit 1.
 */
public final class LocalOpenSearch {
    private static final String BASE_PATH = "runner.base_path";

    private LocalOpenSearch() {}

    public static void main(String[] args) throws InterruptedException {
        String basePath = null;
        Settings.Builder node = Settings.builder();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals <= 0) {
                System.err.println("expected key=value, got: " + arg);
                System.exit(2);
            }
            String key = arg.substring(0, equals);
            String value = arg.substring(equals + 1);
            if (key.equals(BASE_PATH)) {
                basePath = value;
            } else {
                node.put(key, value);
            }
        }
        if (basePath == null) {
            System.err.println(BASE_PATH + "=<directory> is required");
            System.exit(2);
        }
        Settings settings = node.build();
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(-1); // no port scan: http.port is taken from the settings
        runner.onBuild((index, builder) -> builder.put(settings));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (IOException e) {
                e.printStackTrace();
            }
        }));
        try {
            runner.build(OpenSearchRunner.newConfigs()
                    .basePath(basePath)
                    .numOfNode(1)
                    .clusterName(settings.get("cluster.name", "catalog-local")));
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        while (!runner.isClosed()) {
            Thread.sleep(5000);
        }
    }
}
