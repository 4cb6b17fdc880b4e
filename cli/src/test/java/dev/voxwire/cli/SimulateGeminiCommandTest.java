package dev.voxwire.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateGeminiCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private CompletableFuture<Integer> runAsync(CompletableFuture<Void> stop, String... args) {
        return CompletableFuture.supplyAsync(() -> new SimulateGeminiCommand(stop).run(args,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    }

    private String awaitLine(String prefix) {
        Pattern p = Pattern.compile("^" + Pattern.quote(prefix) + "\\s*(\\S+)$", Pattern.MULTILINE);
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            Matcher m = p.matcher(out.toString(StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        }, v -> v != null);
    }

    @Test
    void servesTheSimulatorUntilStoppedAndNeverPrintsTheKey() throws Exception {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = runAsync(stop, "--port", "0", "--api-key", "secret-key-123");
        String ws = awaitLine("WebSocket:");
        assertThat(ws).startsWith("ws://127.0.0.1:");

        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("x-goog-api-key", "secret-key-123")
                .buildAsync(URI.create(ws), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        first.complete(StandardCharsets.UTF_8.decode(data).toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"setup\":{\"model\":\"models/gemini-3.8-live\"}}", true).get(10, TimeUnit.SECONDS);
        assertThat(first.get(10, TimeUnit.SECONDS)).contains("setupComplete");
        socket.abort();

        stop.complete(null);
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
                .doesNotContain("secret-key-123");
    }

    @Test
    void exportsTheCertificateWithTls() throws Exception {
        Path pem = dir.resolve("sim.pem");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = runAsync(stop, "--port", "0", "--tls", "--export-cert", pem.toString());
        assertThat(awaitLine("base URL:")).startsWith("https://localhost:");
        assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----");
        stop.complete(null);
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void badOptionsAreUsageErrors() {
        CompletableFuture<Void> stop = CompletableFuture.completedFuture(null);
        assertThat(runAsync(stop, "--port", "x").join()).isEqualTo(Main.EXIT_USAGE);
        assertThat(runAsync(stop, "--export-cert", "a.pem").join()).isEqualTo(Main.EXIT_USAGE);
        assertThat(runAsync(stop, "--bogus").join()).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port: 'x'", "--export-cert needs --tls",
                "unknown option '--bogus'");
    }
}
