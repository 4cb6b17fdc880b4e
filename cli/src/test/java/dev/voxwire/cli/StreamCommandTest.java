package dev.voxwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.auth.JwtIssuer;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.FaultProxy;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamCommandTest {
    static VoxwireServer server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = new ServeCommand(k -> null).start(new String[] {"--port", "0"},
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        token = JwtIssuer.of(ServerConfig.DEFAULT_JWT_SECRET).issue("stream-user", Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        server.close(Duration.ofSeconds(1));
    }

    /** Collects stdout as lines, as they are printed. */
    static final class Lines extends OutputStream {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                String line = current.toString(StandardCharsets.UTF_8);
                current.reset();
                queue.add(line);
                all.add(line);
            } else {
                current.write(b);
            }
        }

        List<JsonNode> json() throws Exception {
            List<JsonNode> out = new ArrayList<>();
            for (String l : new ArrayList<>(all)) {
                out.add(EnvelopeCodec.mapper().readTree(l));
            }
            return out;
        }

        long count(String event) throws Exception {
            return json().stream().filter(n -> n.path("event").asText().equals(event)).count();
        }
    }

    private final Lines stdout = new Lines();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    static Path wav(Path dir) throws Exception {
        byte[] pcm = AudioFixtures.sinePcm(220, Duration.ofMillis(300), 16_000, 1, AudioFixtures.Encoding.PCM_S16LE);
        return Files.write(dir.resolve("a.wav"), AudioFixtures.wav(pcm, 16_000, 1, AudioFixtures.Encoding.PCM_S16LE));
    }

    String url() {
        return "ws://127.0.0.1:" + server.port() + "/ws";
    }

    @Test
    void streamsAFileAndPrintsEveryEventAsAJsonLine(@TempDir Path dir) throws Exception {
        int code = Main.run(new String[] {"stream", "--transport", "websocket", "--url", url(), "--token", token,
            "--file", wav(dir).toString(), "--repeat", "4", "--concurrency", "2"}, out, err);
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stdout.count("result")).isEqualTo(4);
        assertThat(stdout.count("progress")).isGreaterThanOrEqualTo(4);
        List<JsonNode> lines = stdout.json();
        assertThat(lines).allMatch(n -> n.has("event"));
        JsonNode summary = lines.get(lines.size() - 1);
        assertThat(summary.path("event").asText()).isEqualTo("summary");
        assertThat(summary.path("ok").asInt()).isEqualTo(4);
        assertThat(lines).filteredOn(n -> n.path("event").asText().equals("result"))
                .allMatch(n -> n.path("type").asText().equals("analysis:result"));
        assertThat(stdout.all).noneMatch(l -> l.contains(token));
    }

    @Test
    void sendsAConversationMessage() throws Exception {
        int code = Main.run(new String[] {"stream", "--url", url(), "--token", token, "--message", "hello there"}, out, err);
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stdout.json()).filteredOn(n -> n.path("event").asText().equals("result"))
                .singleElement().satisfies(n -> assertThat(n.path("type").asText()).isEqualTo("conversation:reply"));
    }

    @Test
    void wrongTokenExitsNonZeroWithTheErrorCode(@TempDir Path dir) throws Exception {
        int code = Main.run(new String[] {"stream", "--url", url(), "--token", "wrong", "--file", wav(dir).toString()}, out, err);
        assertThat(code).isEqualTo(StreamCommand.EXIT_CONNECT_FAILED);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("AUTH_FAILED").doesNotContain("wrong\n");
        assertThat(stdout.count("closed")).isEqualTo(1);
    }

    @Test
    void usageErrors(@TempDir Path dir) throws Exception {
        assertThat(Main.run(new String[] {"stream", "--url", url()}, out, err)).isEqualTo(Main.EXIT_USAGE);
        assertThat(Main.run(new String[] {"stream", "--url", url(), "--transport", "carrier-pigeon", "--message", "x"}, out, err))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("carrier-pigeon").contains("websocket");
        assertThat(Main.run(new String[] {"stream", "--url", url(), "--message", "x", "--repeat", "0"}, out, err))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(Main.run(new String[] {"stream", "--url", url(), "--file", dir.resolve("none.wav").toString()}, out, err))
                .isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void reconnectsAreVisibleAndEveryRequestStillCompletes(@TempDir Path dir) throws Exception {
        try (FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start()) {
            String file = wav(dir).toString();
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return Main.run(new String[] {"stream", "--url", "ws://127.0.0.1:" + proxy.port() + "/ws",
                        "--token", token, "--file", file, "--repeat", "12", "--concurrency", "1"}, out, err);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int results = 0;
            while (results < 2) {
                String line = stdout.queue.poll(15, TimeUnit.SECONDS);
                assertThat(line).as("output so far: %s", stdout.all).isNotNull();
                if (line.contains("\"event\":\"result\"")) {
                    results++;
                }
            }
            proxy.cutAll();
            assertThat(run.get(30, TimeUnit.SECONDS)).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(stdout.count("result")).isEqualTo(12);
            assertThat(stdout.count("reconnecting")).isGreaterThanOrEqualTo(1);
            assertThat(stdout.count("reconnected")).isEqualTo(1);
        }
    }
}
