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
 * {@code voxwire serve [--port 8080] [--host 127.0.0.1] [--config FILE] [--transport websocket|sse]
 * [--dev-tokens true|false]}: runs the server with embedded defaults, prints its URLs, and drains
 * gracefully on Ctrl-C. The configuration is {@link ServerDefaults#config}: the defaults, the
 * properties file of {@code --config} (keys of {@link ServerConfig#fromProperties}),
 * {@code VOXWIRE_JWT_SECRET}, then the options. {@code --transport} is the demo page's default
 * transport. Development tokens ({@code POST /dev/token}, for the demo page's sign-in) are on when
 * the server binds a loopback address, unless the config file or {@code --dev-tokens} says
 * otherwise; a warning is printed whenever they are on.
 */
final class ServeCommand implements Main.Command {
    static final Set<String> OPTIONS = Set.of("--port", "--host", "--config", "--transport", "--dev-tokens");

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
        return "voxwire serve [--port 8080] [--host 127.0.0.1] [--config FILE] [--transport websocket|sse]"
                + " [--dev-tokens true|false]";
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
        try {
            a.get("--transport").ifPresent(t -> b.pageTransport(ServerConfig.PageTransport.parse(t)));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--transport: " + e.getMessage());
        }
        Optional<String> devTokens = a.get("--dev-tokens");
        if (devTokens.isPresent()) {
            b.devTokens(parseBoolean("--dev-tokens", devTokens.get()));
        } else if (!ServerDefaults.fileSets(a.path("--config"), "devTokens")) {
            b.devTokens(isLoopback(b.build().host()));
        }
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
        if (server.config().devTokens()) {
            out.println("  WARNING    development tokens are ON: POST /dev/token gives any loopback client a token"
                    + " (the demo page signs in with it); turn off with --dev-tokens false or devTokens=false");
        }
        out.println("Ctrl-C drains and stops.");
        out.flush();
        return server;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static boolean parseBoolean(String option, String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new Args.UsageException(option + ": '" + v + "' (expected: true or false)");
    }
}
