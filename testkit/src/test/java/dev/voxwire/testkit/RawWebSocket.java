package dev.voxwire.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A raw JSON-over-WebSocket client (java.net.http) for testkit tests: queues every message (binary ones as UTF-8 text). */
public final class RawWebSocket implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** How the connection ended: the peer's close code, or 1006 when it ended without one. */
    public record Closed(int code, String reason) {
    }

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private volatile WebSocket ws;

    private RawWebSocket() {
    }

    public static RawWebSocket connect(URI uri) {
        return connect(uri, Map.of(), List.of());
    }

    public static RawWebSocket connect(URI uri, Map<String, String> headers, List<String> subprotocols) {
        try {
            return connectAsync(uri, headers, subprotocols).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no handshake with " + uri + " within " + TIMEOUT, e);
        }
    }

    public static CompletableFuture<RawWebSocket> connectAsync(URI uri, Map<String, String> headers, List<String> subprotocols) {
        RawWebSocket c = new RawWebSocket();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(b::header);
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        return b.buildAsync(uri, c.listener()).thenApply(ws -> {
            c.ws = ws;
            return c;
        });
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    messages.add(text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                binary.writeBytes(b);
                if (last) {
                    messages.add(binary.toString(java.nio.charset.StandardCharsets.UTF_8)); // JSON in binary frames
                    binary.reset();
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
        };
    }

    public WebSocket ws() {
        return ws;
    }

    public void send(String text) {
        ws.sendText(text, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** The next text message. */
    public String next() {
        return next(TIMEOUT);
    }

    /** The next text message, waiting up to {@code timeout}. */
    public String next(Duration timeout) {
        try {
            String m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("no message within " + timeout);
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next text message as JSON. */
    public JsonNode nextJson() {
        String m = next();
        try {
            return EnvelopeCodec.mapper().readTree(m);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + m, e);
        }
    }

    /** The messages received and not taken yet. */
    public List<String> pending() {
        return List.copyOf(messages);
    }

    public Closed awaitClosed() {
        try {
            return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("not closed within " + TIMEOUT, e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        WebSocket w = ws;
        if (w != null && !w.isOutputClosed()) {
            w.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        if (w != null) {
            w.abort();
        }
    }
}
