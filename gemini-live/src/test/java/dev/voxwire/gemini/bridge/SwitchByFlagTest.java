package dev.voxwire.gemini.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.Transports;
import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.gemini.GeminiLiveClient;
import dev.voxwire.gemini.GeminiLiveTransport;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.auth.StaticTokenAuthenticator;
import dev.voxwire.server.live.LiveBridgeHandler;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One application, written against {@link AudioTransport} and the live bridge protocol, run twice:
 * with {@code voxwire.transport=websocket} against a Voxwire server's {@code /ws/live} (which
 * bridges to the simulator) and with {@code voxwire.transport=gemini-live} straight against the
 * simulator. It sees the same requests answered by the same events.
 */
class SwitchByFlagTest {
    private static final String KEY = "switch-test-key-0123456789";
    private static final String TOKEN = "t-0123456789";
    /** The events of a live session that the bridge forwards (direct Gemini adds usage, generation-complete...). */
    private static final Set<String> BRIDGE_EVENTS = Set.of("live:ready", "live:text", "live:transcript", "live:audio",
            "live:turn-complete", "live:interrupted");

    private GeminiLiveSimulator sim;
    private GeminiLiveClient gemini;
    private VoxwireServer server;

    @BeforeEach
    void start() {
        sim = GeminiLiveSimulator.builder().requireApiKey(KEY).build().start();
        gemini = GeminiLiveClient.builder().apiKey(KEY).baseUri(sim.baseUrl()).build();
        server = VoxwireServer.builder()
                .config(ServerConfig.builder().port(0).build())
                .authenticator(StaticTokenAuthenticator.of(TOKEN, "alice"))
                .handler(LiveBridgeHandler.of(GeminiLiveBackend.of(gemini, LiveConfig.ofDefaults()).named("simulator")))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
        gemini.close();
        sim.close();
    }

    private AudioTransport transport(String flag) {
        Transports transports = Transports.builder()
                .flags(FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, flag, Transports.FLAG_FALLBACK, "")))
                .discoverProviders().build();
        TransportConfig config = flag.equals("websocket")
                ? TransportConfig.builder("ws://127.0.0.1:" + server.port() + "/ws/live").token(TOKEN).build()
                : TransportConfig.builder(sim.baseUrl().toString()).token(KEY)
                        .option(GeminiLiveTransport.OPTION_MODALITIES, "TEXT").build();
        return transports.create(config);
    }

    /** What the application saw: the bridge events of its live:start request, in order, then how it ended. */
    private record Conversation(List<String> types, String text, String ended) {
    }

    /** The application: start a live session, say one thing, wait for the turn, end the session. */
    private static Conversation converse(AudioTransport t) throws Exception {
        BlockingQueue<TransportEvent> events = new LinkedBlockingQueue<>();
        t.onEvent(events::add);
        t.connect().toCompletableFuture().get(15, TimeUnit.SECONDS);
        ObjectNode startPayload = JsonNodeFactory.instance.objectNode();
        startPayload.putArray("responseModalities").add("TEXT");
        RequestHandle start = t.send("live:start", startPayload);

        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        boolean saidHello = false;
        while (!types.contains("live:turn-complete")) {
            TransportEvent e = events.poll(15, TimeUnit.SECONDS);
            assertThat(e).as("an event of the live session; so far " + types).isNotNull();
            if (!(e instanceof TransportEvent.Progress p) || !p.requestId().equals(start.id())) {
                continue;
            }
            Envelope env = p.envelope();
            assertThat(env.payload().path("requestId").asText()).isEqualTo(start.id());
            if (!BRIDGE_EVENTS.contains(env.type())) {
                continue;
            }
            types.add(env.type());
            if (env.type().equals("live:text")) {
                text.append(env.payload().path("text").asText());
            }
            if (env.type().equals("live:ready") && !saidHello) {
                saidHello = true;
                t.send("live:text", JsonNodeFactory.instance.objectNode().put("text", "hello from the app"))
                        .sent().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        t.send("live:end", JsonNodeFactory.instance.objectNode());
        Envelope ended = start.result().toCompletableFuture().get(15, TimeUnit.SECONDS);
        t.closeAsync().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Conversation(collapse(types), text.toString(), ended.type());
    }

    /** Consecutive duplicates collapsed: the answer may come in a different number of text chunks. */
    private static List<String> collapse(List<String> types) {
        List<String> out = new ArrayList<>();
        for (String s : types) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void theSameApplicationSeesTheSameLiveSessionOverTheBridgeAndStraightToGemini() throws Exception {
        Conversation viaServer = converse(transport("websocket"));
        Conversation direct = converse(transport("gemini-live"));

        assertThat(viaServer.types()).containsExactly("live:ready", "live:text", "live:turn-complete");
        assertThat(direct.types()).isEqualTo(viaServer.types());
        assertThat(viaServer.text()).isNotBlank();
        assertThat(direct.text()).isEqualTo(viaServer.text());
        assertThat(viaServer.ended()).isEqualTo("live:ended");
        assertThat(direct.ended()).isEqualTo("live:ended");
    }
}
