package dev.voxwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxwire.server.VoxwireServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code serve}'s live bridge: the embedded simulator by default, Gemini only with a key. */
class ServeLiveBridgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    @Test
    void serveBridgesWsLiveToTheEmbeddedSimulatorByDefault() throws Exception {
        VoxwireServer server = new ServeCommand(k -> null).start(new String[] {"--port", "0"}, o);
        try {
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("/ws/live").contains("backend: simulator");
            ByteArrayOutputStream tokenOut = new ByteArrayOutputStream();
            new TokenCommand(k -> null).run(new String[] {"--user", "demo"}, new PrintStream(tokenOut, true, StandardCharsets.UTF_8), e);
            String token = tokenOut.toString(StandardCharsets.UTF_8).trim();

            BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws/live"), new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                try {
                                    frames.add(JSON.readTree(partial.toString()));
                                } catch (Exception ex) {
                                    throw new IllegalStateException(ex);
                                }
                                partial.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertThat(next(frames).path("type").asText()).isEqualTo("system:connected");
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\",\"payload\":{\"responseModalities\":[\"TEXT\"]}}", true)
                    .get(5, TimeUnit.SECONDS);
            JsonNode ready = next(frames);
            assertThat(ready.path("type").asText()).isEqualTo("live:ready");
            assertThat(ready.path("payload").path("backend").asText()).isEqualTo("simulator");
            ws.sendText("{\"type\":\"live:text\",\"payload\":{\"text\":\"ping the model\"}}", true).get(5, TimeUnit.SECONDS);
            StringBuilder answer = new StringBuilder();
            JsonNode n;
            do {
                n = next(frames);
                if (n.path("type").asText().equals("live:text")) {
                    answer.append(n.path("payload").path("text").asText());
                }
            } while (!n.path("type").asText().equals("live:turn-complete"));
            assertThat(answer.toString()).isEqualTo("ping the model");
            ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        } finally {
            server.close(Duration.ofSeconds(2));
        }
    }

    @Test
    void geminiBackendWithoutAKeyOrAnUnknownBackendIsAUsageError() throws Exception {
        Map<String, String> gemini = Map.of("VOXWIRE_LIVE_BACKEND", "gemini");
        assertThat(new ServeCommand(gemini::get).run(new String[] {"--port", "0"}, o, e)).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("GEMINI_API_KEY");
        Map<String, String> bogus = Map.of("VOXWIRE_LIVE_BACKEND", "openai");
        assertThat(new ServeCommand(bogus::get).run(new String[] {"--port", "0"}, o, e)).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("openai (expected: simulator or gemini)");
    }

    private static JsonNode next(BlockingQueue<JsonNode> frames) throws InterruptedException {
        JsonNode n = frames.poll(15, TimeUnit.SECONDS);
        assertThat(n).as("a frame within 15 s").isNotNull();
        return n;
    }
}
