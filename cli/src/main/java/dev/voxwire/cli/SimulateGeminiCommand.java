package dev.voxwire.cli;

import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.io.PrintStream;
import java.nio.file.Path;
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

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        GeminiLiveSimulator.Builder b = GeminiLiveSimulator.builder().port(DEFAULT_PORT);
        boolean tls = false;
        boolean keyRequired = false;
        Path exportCert = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--port":
                        b.port(parsePort(value(args, ++i, a)));
                        break;
                    case "--host":
                        b.host(value(args, ++i, a));
                        break;
                    case "--api-key":
                        b.requireApiKey(value(args, ++i, a));
                        keyRequired = true;
                        break;
                    case "--tls":
                        tls = true;
                        break;
                    case "--export-cert":
                        exportCert = Path.of(value(args, ++i, a));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            if (exportCert != null && !tls) {
                throw new IllegalArgumentException("--export-cert needs --tls");
            }
        } catch (IllegalArgumentException e) {
            err.println("voxwire simulate-gemini: " + e.getMessage());
            err.println("usage: " + usage());
            return Main.EXIT_USAGE;
        }
        b.tls(tls);
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

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port: '" + s + "' (expected: 0..65535)");
        }
    }
}
