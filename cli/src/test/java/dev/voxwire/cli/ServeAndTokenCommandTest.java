package dev.voxwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.auth.JwtAuthenticator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeAndTokenCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    private String token(Map<String, String> env, String... args) throws Exception {
        out.reset();
        assertThat(new TokenCommand(env::get).run(args, o, e)).isZero();
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    @Test
    void serveStartsPrintsUrlsAndAcceptsTheTokenCommandsToken() throws Exception {
        VoxwireServer server = new ServeCommand(k -> null).start(new String[] {"--port", "0"}, o);
        try {
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("http://127.0.0.1:" + server.port() + "/health/ready")
                    .contains("ws://127.0.0.1:" + server.port() + "/ws");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> live = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);

            String token = token(Map.of(), "--user", "cli-user", "--ttl", "10m");
            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            first.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertThat(first.get(10, TimeUnit.SECONDS)).contains("system:connected").contains("cli-user");
            ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
        } finally {
            server.close(Duration.ofSeconds(2));
        }
    }

    @Test
    void tokenUsesVoxwireJwtSecretWhenSet() throws Exception {
        String secret = "a-secret-from-the-environment-0123456789";
        String token = token(Map.of("VOXWIRE_JWT_SECRET", secret), "--user", "env-user");
        assertThat(JwtAuthenticator.of(secret).authenticate(token).userId()).isEqualTo("env-user");
    }

    @Test
    void tokenUsesTheConfigFilesSecret(@TempDir Path dir) throws Exception {
        String secret = "a-secret-from-the-config-file-0123456789";
        Path file = dir.resolve("voxwire.properties");
        Files.writeString(file, "port=0\njwtSecret=" + secret + "\n");
        String token = token(Map.of(), "--user", "file-user", "--config", file.toString());
        assertThat(JwtAuthenticator.of(secret).authenticate(token).userId()).isEqualTo("file-user");
        assertThat(ServerDefaults.config(java.util.Optional.of(file), k -> null).port()).isZero();
    }

    @Test
    void defaultTokenMatchesTheDevelopmentSecret() throws Exception {
        String token = token(Map.of(), "--user", "dev");
        assertThat(JwtAuthenticator.of(ServerConfig.DEFAULT_JWT_SECRET).authenticate(token).userId()).isEqualTo("dev");
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        assertThat(new TokenCommand(k -> null).run(new String[] {"--ttl", "1h"}, o, e)).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--user is required");
        assertThat(new TokenCommand(k -> null).run(new String[] {"--user", "x", "--ttl", "soon"}, o, e)).isEqualTo(Main.EXIT_USAGE);
        assertThat(new ServeCommand(k -> null).run(new String[] {"--port", "abc"}, o, e)).isEqualTo(Main.EXIT_USAGE);
        assertThat(new ServeCommand(k -> null).run(new String[] {"--bogus", "1"}, o, e)).isEqualTo(Main.EXIT_USAGE);
    }
}
