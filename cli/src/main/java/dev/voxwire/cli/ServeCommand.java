package dev.voxwire.cli;

import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code voxwire serve [--port 8080] [--host 127.0.0.1] [--config FILE] [--transport websocket|sse]
 * [--dev-tokens true|false]}: runs the server with embedded defaults, prints its URLs, and drains
 * gracefully on Ctrl-C. The config file is a properties file with the keys of
 * {@link ServerConfig#fromProperties}; {@code VOXWIRE_JWT_SECRET} overrides its {@code jwtSecret}.
 * {@code --transport} is the demo page's default transport. Development tokens
 * ({@code POST /dev/token}, for the demo page's sign-in) are on when the server binds a loopback
 * address, unless the config file or {@code --dev-tokens} says otherwise; a warning is printed
 * whenever they are on.
 */
final class ServeCommand implements Main.Command {
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
        VoxwireServer server;
        try {
            server = start(args, out);
        } catch (Args.UsageException | IllegalArgumentException e) {
            err.println("voxwire serve: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "voxwire-shutdown"));
        stopped.await();
        return 0;
    }

    /** Starts the server and prints its URLs (tests call this and close the server themselves). */
    VoxwireServer start(String[] args, PrintStream out) throws IOException {
        Args a = Args.parse(args, Set.of("--port", "--host", "--config", "--transport", "--dev-tokens"));
        Path file = a.get("--config").map(Path::of).orElse(null);
        ServerConfig config = config(file, env);
        ServerConfig.Builder b = config.toBuilder();
        a.get("--port").ifPresent(p -> b.port(parsePort(p)));
        a.get("--host").ifPresent(b::host);
        a.get("--transport").ifPresent(t -> b.pageTransport(ServerConfig.PageTransport.parse(t)));
        String host0 = b.build().host();
        if (a.get("--dev-tokens").isPresent()) {
            b.devTokens(parseBoolean("--dev-tokens", a.get("--dev-tokens").get()));
        } else if (!properties(file).containsKey("devTokens")) {
            b.devTokens(isLoopback(host0));
        }
        VoxwireServer server = VoxwireServer.builder().config(b.build()).handlers(ServerDefaults.handlers()).build().start();
        String host = server.config().host().equals("0.0.0.0") ? "localhost" : server.config().host();
        String http = "http://" + host + ":" + server.port();
        String ws = "ws://" + host + ":" + server.port();
        out.println("Voxwire server listening on " + http + (server.nativeTransport() ? " (epoll)" : " (nio)"));
        for (Map.Entry<String, String> e : Map.of(
                "page", http + "/",
                "websocket", ws + "/ws  " + ws + "/ws/{clientId}  " + ws + "/ws/audio-analysis",
                "sse", http + "/sse/events  " + http + "/sse/send  " + http + "/sse/audio-analysis",
                "health", http + "/health/live  " + http + "/health/ready",
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

    private static int parsePort(String p) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--port: '" + p + "' (expected: a number 0..65535)");
        }
    }

    /** The configuration: defaults, then the file, then {@code VOXWIRE_JWT_SECRET}. */
    static ServerConfig config(Path file, Function<String, String> env) throws IOException {
        Properties p = properties(file);
        ServerConfig.Builder b = ServerConfig.fromProperties(p);
        String secret = env.apply("VOXWIRE_JWT_SECRET");
        if (secret != null && !secret.isBlank()) {
            b.jwtSecret(secret);
        }
        return b.build();
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }
}
