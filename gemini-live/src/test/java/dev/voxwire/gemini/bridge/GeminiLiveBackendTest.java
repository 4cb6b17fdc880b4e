package dev.voxwire.gemini.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxwire.gemini.GeminiLiveClient;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.auth.StaticTokenAuthenticator;
import dev.voxwire.server.live.LiveBridgeHandler;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import dev.voxwire.websocket.connect.ConnectSpec;
import dev.voxwire.websocket.connect.WebSocketConnection;
import dev.voxwire.websocket.connect.WebSocketConnector;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client → Voxwire server live bridge → Gemini Live client → simulator, all over real sockets. */
class GeminiLiveBackendTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "bridge-test-key-0123456789";

    private GeminiLiveSimulator sim;
    private GeminiLiveClient gemini;
    private VoxwireServer server;
    private WebSocketConnector connector;
    private LiveBridgeHandler bridge;

    @BeforeEach
    void start() {
        sim = GeminiLiveSimulator.builder().requireApiKey(KEY).build().start();
        gemini = GeminiLiveClient.builder().apiKey(KEY).baseUri(sim.baseUrl()).build();
        bridge = LiveBridgeHandler.of(GeminiLiveBackend.of(gemini, LiveConfig.ofDefaults()).named("simulator"));
        server = VoxwireServer.builder()
                .config(ServerConfig.builder().port(0).build())
                .authenticator(StaticTokenAuthenticator.of("t-0123456789", "alice"))
                .handler(bridge)
                .build()
                .start();
        connector = WebSocketConnector.create();
    }

    @AfterEach
    void stop() {
        connector.close();
        server.close(Duration.ofSeconds(2));
        gemini.close();
        sim.close();
    }

    private Client connect() throws Exception {
        Client c = new Client();
        ConnectSpec spec = ConnectSpec.builder(URI.create("ws://127.0.0.1:" + server.port() + "/ws/live"))
                .header("Authorization", "Bearer t-0123456789").build();
        c.connection = connector.connect(spec, c).get(10, TimeUnit.SECONDS);
        assertThat(c.next().path("type").asText()).isEqualTo("system:connected");
        return c;
    }

    @Test
    void textTurnThroughTheBridgeComesBackAsLiveTextAndTurnComplete() throws Exception {
        Client c = connect();
        c.send("{\"type\":\"live:start\",\"id\":\"L1\",\"payload\":{\"responseModalities\":[\"TEXT\"]}}");
        JsonNode ready = c.next();
        assertThat(ready.path("type").asText()).isEqualTo("live:ready");
        assertThat(ready.path("payload").path("backend").asText()).isEqualTo("simulator");

        c.send("{\"type\":\"live:text\",\"payload\":{\"text\":\"hello from the page\"}}");
        List<JsonNode> turn = c.until("live:turn-complete");
        StringBuilder text = new StringBuilder();
        turn.stream().filter(e -> e.path("type").asText().equals("live:text"))
                .forEach(e -> text.append(e.path("payload").path("text").asText()));
        assertThat(text.toString()).isEqualTo("hello from the page");
        assertThat(turn).allSatisfy(e -> assertThat(e.path("payload").path("requestId").asText()).isEqualTo("L1"));

        c.send("{\"type\":\"live:end\"}");
        assertThat(c.until("live:ended")).isNotEmpty();
        await().until(() -> sim.activeConnections() == 0);
        assertThat(bridge.activeSessions()).isZero();
    }

    @Test
    void aGoAwayIsHandledOnTheServerWithoutTheClientNoticing() throws Exception {
        Client c = connect();
        c.send("{\"type\":\"live:start\",\"id\":\"L1\",\"payload\":{\"responseModalities\":[\"TEXT\"]}}");
        assertThat(c.next().path("type").asText()).isEqualTo("live:ready");
        c.send("{\"type\":\"live:text\",\"payload\":{\"text\":\"before\"}}");
        c.until("live:turn-complete");
        await().until(() -> sim.sessions().size() == 1);

        sim.goAwayAll(Duration.ofSeconds(5));
        await().until(() -> sim.sessions().size() == 2); // the server's client opened its next connection
        c.send("{\"type\":\"live:text\",\"payload\":{\"text\":\"after the handover\"}}");
        List<JsonNode> turn = c.until("live:turn-complete");
        StringBuilder text = new StringBuilder();
        turn.stream().filter(e -> e.path("type").asText().equals("live:text"))
                .forEach(e -> text.append(e.path("payload").path("text").asText()));
        assertThat(text.toString()).isEqualTo("after the handover");
        assertThat(turn).extracting(e -> e.path("type").asText()).doesNotContain("error", "live:ended");
        assertThat(c.frames).isEmpty();
        await().until(() -> sim.activeConnections() == 1); // the old connection was closed after the switch
    }

    @Test
    void microphoneAudioGetsTranscriptsAndSpokenAudioBack() throws Exception {
        Client c = connect();
        c.send("{\"type\":\"live:start\",\"id\":\"L1\",\"payload\":{\"responseModalities\":[\"AUDIO\"]}}");
        assertThat(c.next().path("type").asText()).isEqualTo("live:ready");

        byte[] speech = AudioFixtures.speechLikePcm(Duration.ofMillis(800), 16_000, 1, Encoding.PCM_S16LE, 3);
        byte[] silence = AudioFixtures.silencePcm(Duration.ofMillis(1500), 16_000, 1, Encoding.PCM_S16LE);
        for (byte[] part : List.of(speech, silence)) {
            for (int off = 0; off < part.length; off += 1280) { // 40 ms chunks, as the page sends them
                byte[] chunk = java.util.Arrays.copyOfRange(part, off, Math.min(part.length, off + 1280));
                c.send("{\"type\":\"live:audio\",\"payload\":{\"data\":\"" + Base64.getEncoder().encodeToString(chunk) + "\"}}");
            }
        }
        List<JsonNode> turn = c.until("live:turn-complete");
        List<String> types = turn.stream().map(e -> e.path("type").asText()).toList();
        assertThat(types).contains("live:transcript", "live:audio");
        JsonNode audio = turn.stream().filter(e -> e.path("type").asText().equals("live:audio")).findFirst().orElseThrow();
        assertThat(audio.path("payload").path("sampleRate").asInt()).isEqualTo(24_000);
        assertThat(Base64.getDecoder().decode(audio.path("payload").path("data").asText())).isNotEmpty();
        assertThat(turn.stream().filter(e -> e.path("type").asText().equals("live:transcript"))
                .map(e -> e.path("payload").path("kind").asText())).contains("output");
        c.connection.close(1000, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRefusedModelSessionReachesTheClientAsAnErrorWithoutAKeyInIt() throws Exception {
        gemini.close();
        gemini = GeminiLiveClient.builder().apiKey("wrong-key-0123456789").baseUri(sim.baseUrl()).build();
        server.close(Duration.ofSeconds(2));
        bridge = LiveBridgeHandler.of(GeminiLiveBackend.of(gemini, LiveConfig.ofDefaults()));
        server = VoxwireServer.builder().config(ServerConfig.builder().port(0).build())
                .authenticator(StaticTokenAuthenticator.of("t-0123456789", "alice")).handler(bridge).build().start();
        Client c = connect();
        c.send("{\"type\":\"live:start\",\"id\":\"L1\"}");
        JsonNode err = c.next();
        assertThat(err.path("type").asText()).isEqualTo("error");
        assertThat(err.path("payload").path("code").asText()).isEqualTo("AUTH_FAILED");
        assertThat(err.toString()).doesNotContain("wrong-key").doesNotContain(KEY);
        c.send("{\"type\":\"system:ping\",\"id\":\"p\"}");
        assertThat(c.next().path("type").asText()).isEqualTo("system:pong");
    }

    /** A raw client on the connector: every text frame parsed into a queue. */
    private static final class Client implements WebSocketConnection.Listener {
        final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        WebSocketConnection connection;

        @Override
        public void onText(WebSocketConnection c, String text) {
            try {
                frames.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void send(String json) throws Exception {
            connection.sendText(json).get(5, TimeUnit.SECONDS);
        }

        JsonNode next() throws InterruptedException {
            JsonNode n = frames.poll(15, TimeUnit.SECONDS);
            assertThat(n).as("a frame within 15 s").isNotNull();
            return n;
        }

        List<JsonNode> until(String type) throws InterruptedException {
            List<JsonNode> seen = new ArrayList<>();
            JsonNode n;
            do {
                n = next();
                seen.add(n);
            } while (!n.path("type").asText().equals(type));
            return seen;
        }
    }
}
