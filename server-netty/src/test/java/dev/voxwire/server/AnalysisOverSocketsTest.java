package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.protocol.BinaryFrames;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.server.analysis.TestAudio;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real {@link AnalysisHandler} over real sockets: the same audio gives the same events over
 * WebSocket (JSON text or binary frame) and over both forms of {@code POST /sse/audio-analysis}, and many requests on one
 * WebSocket each get their own result.
 */
class AnalysisOverSocketsTest {
    private static final int RATE = 16_000;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static VoxwireServer server;

    @BeforeAll
    static void start() {
        server = VoxwireServer.builder().config(TestServer.config().build())
                .handler(AnalysisHandler.ofDefaults()).build().start();
    }

    @AfterAll
    static void stop() {
        server.close(Duration.ofSeconds(2));
    }

    /** {@code toneMs} of a sine at {@code hz}, then {@code silenceMs} of silence, as a 16 kHz mono WAV. */
    private static byte[] toneThenSilence(double hz, int toneMs, int silenceMs) {
        return TestAudio.wav(TestAudio.concat(TestAudio.sine(hz, 12_000, toneMs, RATE), TestAudio.silence(silenceMs, RATE)),
                RATE, 1);
    }

    private static String analyzeJson(String id, byte[] wav) {
        ObjectNode e = EnvelopeCodec.mapper().createObjectNode();
        e.put("type", "audio:analyze");
        e.put("id", id);
        e.putObject("payload").put("format", "wav").put("data", TestAudio.base64(wav));
        return e.toString();
    }

    /** The events without {@code seq} and {@code ts}, which differ by transport and time. */
    private static List<JsonNode> comparable(List<JsonNode> events) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : events) {
            ObjectNode c = e.deepCopy();
            c.remove("seq");
            c.remove("ts");
            out.add(c);
        }
        return out;
    }

    private static List<JsonNode> overWebSocket(String id, byte[] wav, String finalType) throws IOException {
        return overWebSocket(id, wav, finalType, false);
    }

    /** As a JSON text frame with base64 audio, or as a binary frame with the raw WAV ({@code BinaryFrames}). */
    private static List<JsonNode> overWebSocket(String id, byte[] wav, String finalType, boolean binary)
            throws IOException {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/audio-analysis", TestServer.bearer("alice"))) {
            JsonNode connected = ws.next();
            assertThat(connected.path("type").asText()).isEqualTo("system:connected");
            assertThat(connected.path("payload").path("binaryFrames").asBoolean()).isTrue();
            if (binary) {
                ws.sendFrame(RawWs.BINARY, true, BinaryFrames.encode(AudioRequest.wav(wav).toEnvelope().withId(id)));
            } else {
                ws.sendText(analyzeJson(id, wav));
            }
            List<JsonNode> events = ws.until(finalType);
            // nothing else arrives for the request: the next event is the answer to a later ping
            assertThat(ws.ping("after").path("payload").path("requestId").asText()).isEqualTo("after");
            return events;
        }
    }

    private static List<JsonNode> overSse(HttpRequest request) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (SseStream s = SseStream.open(http, request)) {
            assertThat(s.response.statusCode()).isEqualTo(200);
            s.toEnd().forEach(e -> out.add(e.json()));
        }
        return out;
    }

    private static HttpRequest.Builder sse() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/sse/audio-analysis"))
                .header("Authorization", "Bearer " + TestServer.token("alice")).timeout(Duration.ofSeconds(20));
    }

    private static HttpRequest sseJson(String id, byte[] wav) {
        return sse().header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(analyzeJson(id, wav))).build();
    }

    private static HttpRequest sseRawWav(String id, byte[] wav) {
        return sse().header("Content-Type", "audio/wav").header("X-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(wav)).build();
    }

    @Test
    void sameWavGivesIdenticalEventsOverWebSocketSseJsonAndSseRawWav() throws Exception {
        byte[] wav = toneThenSilence(220, 400, 200);

        List<JsonNode> ws = comparable(overWebSocket("same-1", wav, "analysis:result"));
        List<JsonNode> wsBinary = comparable(overWebSocket("same-1", wav, "analysis:result", true));
        List<JsonNode> sseJson = comparable(overSse(sseJson("same-1", wav)));
        List<JsonNode> sseRaw = comparable(overSse(sseRawWav("same-1", wav)));

        assertThat(ws).extracting(e -> e.path("type").asText()).containsExactly("analysis:progress",
                "analysis:progress", "analysis:progress", "analysis:progress", "analysis:result");
        assertThat(ws).allSatisfy(e -> assertThat(e.path("payload").path("requestId").asText()).isEqualTo("same-1"));
        JsonNode result = ws.get(ws.size() - 1).path("payload");
        assertThat(result.path("durationMs").asLong()).isEqualTo(600);
        assertThat(result.path("sampleRate").asInt()).isEqualTo(RATE);
        assertThat(result.path("pitchHz").asDouble()).isCloseTo(220.0, within(3.0));
        assertThat(result.path("silenceRatio").asDouble()).isGreaterThan(0.0);
        assertThat(wsBinary).isEqualTo(ws);
        assertThat(sseJson).isEqualTo(ws);
        assertThat(sseRaw).isEqualTo(ws);
    }

    @Test
    void undecodableAudioGivesTheSameErrorOverWebSocketAndSse() throws Exception {
        byte[] notAWav = "RIFF\u0001\u0000\u0000\u0000WAVEthis is not audio".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        List<JsonNode> ws = comparable(overWebSocket("bad-1", notAWav, "error"));
        assertThat(comparable(overWebSocket("bad-1", notAWav, "error", true))).isEqualTo(ws);
        List<JsonNode> sseJson = comparable(overSse(sseJson("bad-1", notAWav)));
        List<JsonNode> sseRaw = comparable(overSse(sseRawWav("bad-1", notAWav)));

        assertThat(ws).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("error");
            assertThat(e.path("payload").path("code").asText()).isEqualTo("UNSUPPORTED_AUDIO");
            assertThat(e.path("payload").path("requestId").asText()).isEqualTo("bad-1");
            assertThat(e.path("payload").path("message").asText()).isNotBlank();
        });
        assertThat(sseJson).isEqualTo(ws);
        assertThat(sseRaw).isEqualTo(ws);
    }

    /** What request {@code i} of the concurrent test sends: its own pitch and length. */
    private record Spec(String id, double hz, int toneMs, int silenceMs) {
        static Spec of(int i) {
            return new Spec("c-" + i, 100 + 7 * i, 200 + 5 * i, 100);
        }

        byte[] wav() {
            return toneThenSilence(hz, toneMs, silenceMs);
        }
    }

    @Test
    void fiftyConcurrentRequestsOnOneWebSocketEachGetTheirOwnResult() throws Exception {
        int n = 50;
        Map<String, Spec> specs = new LinkedHashMap<>();
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Spec s = Spec.of(i);
            specs.put(s.id(), s);
            requests.add(analyzeJson(s.id(), s.wav()));
        }
        try (RawWs ws = RawWs.connect(server.port(), "/ws/audio-analysis", TestServer.bearer("alice"))) {
            assertThat(ws.next().path("type").asText()).isEqualTo("system:connected");
            // send from another thread while this one reads, so neither side waits on a full buffer
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    for (String r : requests) {
                        ws.sendText(r);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Map<String, List<JsonNode>> byRequest = new HashMap<>();
            int results = 0;
            while (results < n) {
                JsonNode e = ws.next();
                String rid = e.path("payload").path("requestId").asText();
                assertThat(specs).as("event for an unknown request: %s", e).containsKey(rid);
                List<JsonNode> mine = byRequest.computeIfAbsent(rid, k -> new ArrayList<>());
                assertThat(mine).as("event after the result of %s: %s", rid, e)
                        .noneMatch(x -> x.path("type").asText().equals("analysis:result"));
                mine.add(e);
                if (e.path("type").asText().equals("analysis:result")) {
                    results++;
                }
            }
            sent.get(10, TimeUnit.SECONDS);
            // nothing else was sent: the next event is the answer to this ping
            assertThat(ws.ping("end").path("payload").path("requestId").asText()).isEqualTo("end");

            assertThat(byRequest).hasSize(n);
            for (Spec s : specs.values()) {
                List<JsonNode> events = byRequest.get(s.id());
                assertThat(events).as(s.id()).extracting(e -> e.path("type").asText()).containsExactly(
                        "analysis:progress", "analysis:progress", "analysis:progress", "analysis:progress",
                        "analysis:result");
                List<Double> progress = events.subList(0, 4).stream()
                        .map(e -> e.path("payload").path("progress").asDouble()).toList();
                assertThat(progress).as(s.id()).isSorted().endsWith(1.0);
                JsonNode r = events.get(4).path("payload");
                assertThat(r.path("durationMs").asLong()).as(s.id()).isEqualTo(s.toneMs() + s.silenceMs());
                assertThat(r.path("pitchHz").asDouble()).as(s.id()).isCloseTo(s.hz(), within(3.0));
                assertThat(r.path("voicedSegments")).as(s.id()).hasSize(1);
            }
        }
    }
}
