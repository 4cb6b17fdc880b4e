package dev.voxwire.cli;

import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code voxwire serve [--port 8080] [--host 127.0.0.1] [--config FILE]}: runs the server with
 * embedded defaults, prints its URLs, and drains gracefully on Ctrl-C. The configuration is
 * {@link ServerDefaults#config}: the defaults, the properties file of {@code --config} (keys of
 * {@link ServerConfig#fromProperties}), {@code VOXWIRE_JWT_SECRET}, then {@code --port} and
 * {@code --host}.
 */
final class ServeCommand implements Main.Command {
    static final Set<String> OPTIONS = Set.of("--port", "--host", "--config");

    private final Function<String, String> env;

    ServeCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String summary() {
        return "run the Voxwire server with embedded defaults";
    }

    @Override
    public String usage() {
        return "voxwire serve [--port 8080] [--host 127.0.0.1] [--config FILE]";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Optional<ServerConfig> config = Args.orUsage("serve", usage(), err, () -> config(args));
        if (config.isEmpty()) {
            return Main.EXIT_USAGE;
        }
        Optional<VoxwireServer> started = Args.orUsage("serve", usage(), err, () -> start(config.get(), out));
        if (started.isEmpty()) {
            return Main.EXIT_USAGE;
        }
        VoxwireServer server = started.get();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "voxwire-shutdown"));
        stopped.await();
        return 0;
    }

    /** The configuration the arguments ask for; usage errors as {@link Args.UsageException}. */
    ServerConfig config(String[] args) throws IOException {
        Args a = Args.parse(args, OPTIONS);
        ServerConfig.Builder b = ServerDefaults.config(a.path("--config"), env).toBuilder();
        a.port("--port").ifPresent(b::port);
        a.get("--host").ifPresent(b::host);
        return b.build();
    }

    /** Starts the server and prints its URLs (tests call this and close the server themselves). */
    VoxwireServer start(String[] args, PrintStream out) throws IOException {
        return start(config(args), out);
    }

    private VoxwireServer start(ServerConfig config, PrintStream out) {
        LiveBackends live = LiveBackends.create(env);
        VoxwireServer server;
        try {
            server = VoxwireServer.builder().config(config).handlers(ServerDefaults.handlers())
                    .handler(live.handler()).listener(live).build().start();
        } catch (RuntimeException e) {
            live.close();
            throw e;
        }
        String host = server.config().host().equals("0.0.0.0") ? "localhost" : server.config().host();
        String http = "http://" + host + ":" + server.port();
        String ws = "ws://" + host + ":" + server.port();
        out.println("Voxwire server listening on " + http + (server.nativeTransport() ? " (epoll)" : " (nio)"));
        for (Map.Entry<String, String> e : Map.of(
                "page", http + "/",
                "websocket", ws + "/ws  " + ws + "/ws/{clientId}  " + ws + "/ws/audio-analysis",
                "sse", http + "/sse/events  " + http + "/sse/send  " + http + "/sse/audio-analysis",
                "health", http + "/health/live  " + http + "/health/ready",
                "live", ws + "/ws/live  (backend: " + live.description() + ")",
                "metrics", http + "/metrics").entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            out.printf("  %-10s %s%n", e.getKey(), e.getValue());
        }
        out.println("  token      ./voxwire token --user ID" + (server.config().usesDevelopmentSecret()
                ? "  (development secret: set VOXWIRE_JWT_SECRET in production)" : ""));
        out.println("Ctrl-C drains and stops.");
        out.flush();
        return server;
    }
}
