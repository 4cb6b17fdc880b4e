package dev.voxwire.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Reads a text/event-stream response on a background thread into a queue (tests poll with timeouts). */
final class SseStream implements AutoCloseable {
    /** One SSE event. */
    record Event(String id, String event, JsonNode json) {
        String type() {
            return json.path("type").asText();
        }
    }

    private static final Object END = new Object();

    final HttpResponse<InputStream> response;
    final AtomicInteger comments = new AtomicInteger();
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    private SseStream(HttpResponse<InputStream> response) {
        this.response = response;
        Thread t = new Thread(this::read, "sse-test-reader");
        t.setDaemon(true);
        t.start();
    }

    static SseStream open(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        return new SseStream(client.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        queue.add(new Event(id, event, EnvelopeCodec.mapper().readTree(data.toString())));
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            queue.add(END);
        }
    }

    Event next() throws InterruptedException, EOFException {
        Object o = queue.poll(10, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("no SSE event within 10 s");
        }
        if (o == END) {
            queue.add(END);
            throw new EOFException("stream ended");
        }
        return (Event) o;
    }

    List<Event> until(String type) throws InterruptedException, EOFException {
        List<Event> out = new ArrayList<>();
        while (true) {
            Event e = next();
            out.add(e);
            if (e.type().equals(type)) {
                return out;
            }
        }
    }

    /** Every event until the stream ends. */
    List<Event> toEnd() throws InterruptedException {
        List<Event> out = new ArrayList<>();
        while (true) {
            try {
                out.add(next());
            } catch (EOFException e) {
                return out;
            }
        }
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
