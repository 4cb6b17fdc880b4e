package dev.voxwire.testkit.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** A raw Live API client on java.net.http's WebSocket that queues what the simulator sends. */
final class LiveTestClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String MODEL = "models/gemini-2.5-flash-native-audio-preview-12-2025";

    /** One frame as received. */
    record Frame(boolean binary, String text) {
        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }
    }

    /** How the connection ended. */
    record Closed(int code, String reason) {
    }

    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket ws;

    private LiveTestClient(HttpClient http, URI uri, Map<String, String> headers) {
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(b::header);
        this.ws = b.buildAsync(uri, new Listener()).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    static LiveTestClient connect(HttpClient http, URI uri) {
        return new LiveTestClient(http, uri, Map.of());
    }

    static LiveTestClient connect(HttpClient http, URI uri, Map<String, String> headers) {
        return new LiveTestClient(http, uri, headers);
    }

    /** Connects with {@code ?key=test-key}. */
    static LiveTestClient connect(HttpClient http, GeminiLiveSimulator sim) {
        return connect(http, URI.create(sim.wsUrl("v1beta") + "?key=test-key"));
    }

    /** Connects, sends a setup and waits for setupComplete. */
    static LiveTestClient ready(HttpClient http, GeminiLiveSimulator sim, String setupJson) {
        LiveTestClient c = connect(http, sim);
        c.send(setupJson);
        assertThat(c.next().has("setupComplete")).isTrue();
        return c;
    }

    static String setup(String modalities) {
        return "{\"setup\":{\"model\":\"" + MODEL + "\",\"generationConfig\":{\"responseModalities\":[\""
                + modalities + "\"]}}}";
    }

    static String clientText(String text) {
        return "{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":"
                + JSON.valueToTree(text) + "}]}],\"turnComplete\":true}}";
    }

    static String audio(byte[] pcm, int rate) {
        return "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=" + rate + "\",\"data\":\""
                + Base64.getEncoder().encodeToString(pcm) + "\"}}}";
    }

    /** A 16-bit mono sine (amplitude 10000) or silence (amplitude 0). */
    static byte[] pcm(int rate, int millis, int amplitude) {
        int n = rate * millis / 1000;
        byte[] out = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            int s = (int) Math.round(amplitude * Math.sin(2 * Math.PI * 300 * i / rate));
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
        }
        return out;
    }

    void send(String json) {
        ws.sendText(json, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    void sendBinary(String json) {
        ws.sendBinary(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), true)
                .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** The next frame; fails after the timeout. */
    Frame nextFrame() {
        try {
            Frame f = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError("no message within " + TIMEOUT + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    JsonNode next() {
        return nextFrame().json();
    }

    /** The next message, or null if none comes within {@code wait}. */
    @Nullable JsonNode poll(Duration wait) throws InterruptedException {
        Frame f = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        return f == null ? null : f.json();
    }

    /** Reads messages up to and including {@code turnComplete}. */
    java.util.List<JsonNode> untilTurnComplete() {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        while (true) {
            JsonNode m = next();
            out.add(m);
            if (m.path("serverContent").path("turnComplete").asBoolean()) {
                return out;
            }
        }
    }

    Closed awaitClose() {
        return closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /**
     * Asserts that no close frame arrived. The JDK client does not always report a connection
     * closed without a close frame (an end of stream), so callers check the server side; when it
     * does report one, it must be the abnormal 1006.
     */
    void assertNoCloseFrame() {
        if (closed.isDone()) {
            assertThat(closed.join().code()).isEqualTo(1006);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                frames.add(new Frame(false, text.toString()));
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            bytes.write(b, 0, b.length);
            if (last) {
                frames.add(new Frame(true, bytes.toString(StandardCharsets.UTF_8)));
                bytes = new java.io.ByteArrayOutputStream();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(1006, String.valueOf(error)));
        }
    }
}
