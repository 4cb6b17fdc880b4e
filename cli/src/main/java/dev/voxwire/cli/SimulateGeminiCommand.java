package dev.voxwire.cli;

import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code voxwire simulate-gemini}: runs the Gemini Live simulator until the process is stopped.
 * It prints the base URL and WebSocket URL to use, never the API key.
 */
final class SimulateGeminiCommand implements Main.Command {
    static final int DEFAULT_PORT = 9000;

    private final CompletableFuture<Void> stop;

    /** A command that runs until the JVM shuts down. */
    SimulateGeminiCommand() {
        this(new CompletableFuture<>());
    }

    /** A command that runs until {@code stop} completes (tests). */
    SimulateGeminiCommand(CompletableFuture<Void> stop) {
        this.stop = stop;
    }

    @Override
    public String summary() {
        return "run the Gemini Live simulator";
    }

    @Override
    public String usage() {
        return "voxwire simulate-gemini [--port 9000] [--host 127.0.0.1] [--api-key KEY] [--tls] [--export-cert FILE]";
    }

    /** What the options ask for. */
    private record Options(GeminiLiveSimulator.Builder builder, boolean keyRequired, Optional<Path> exportCert) {
    }

    private static Options options(String[] args) {
        Args a = Args.parse(args, Set.of("--port", "--host", "--api-key", "--export-cert"), Set.of("--tls"));
        GeminiLiveSimulator.Builder b = GeminiLiveSimulator.builder().port(a.port("--port").orElse(DEFAULT_PORT));
        a.get("--host").ifPresent(b::host);
        a.get("--api-key").ifPresent(b::requireApiKey);
        Optional<Path> exportCert = a.path("--export-cert");
        if (exportCert.isPresent() && !a.flag("--tls")) {
            throw new Args.UsageException("--export-cert needs --tls");
        }
        b.tls(a.flag("--tls"));
        return new Options(b, a.get("--api-key").isPresent(), exportCert);
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        Optional<Options> options = Args.orUsage("simulate-gemini", usage(), err, () -> options(args));
        if (options.isEmpty()) {
            return Main.EXIT_USAGE;
        }
        GeminiLiveSimulator.Builder b = options.get().builder();
        boolean keyRequired = options.get().keyRequired();
        Path exportCert = options.get().exportCert().orElse(null);
        GeminiLiveSimulator sim = b.build().start();
        Thread hook = new Thread(() -> stop.complete(null), "voxwire-simulate-gemini-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (exportCert != null) {
                sim.exportCertificatePem(exportCert);
                out.println("certificate: " + exportCert.toAbsolutePath());
            }
            out.println("Gemini Live simulator listening");
            out.println("base URL:  " + sim.baseUrl());
            out.println("WebSocket: " + sim.wsUrl("v1beta"));
            out.println("API key:   " + (keyRequired ? "required (as given)" : "any non-empty key"));
            out.println("models:    " + String.join(", ", GeminiLiveSimulator.DEFAULT_MODELS));
            out.flush();
            stop.join();
            return 0;
        } finally {
            sim.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping
            }
        }
    }
}
