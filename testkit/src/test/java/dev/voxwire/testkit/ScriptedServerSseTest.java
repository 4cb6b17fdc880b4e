package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SSE side of the scripted server: GET /sse/events streams, POST /sse/send requests. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScriptedServerSseTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, String> END = Map.of("end", "true");

    private ScriptedVoxwireServer server;
    private InputStream stream;
    private final BlockingQueue<Map<String, String>> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() {
        server = ScriptedVoxwireServer.builder().build().start();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (stream != null) {
            stream.close();
        }
        server.close();
    }

    /** Opens the event stream; returns its response (headers) and queues each event's fields. */
    private HttpResponse<InputStream> open() throws Exception {
        HttpResponse<InputStream> res = HTTP.send(HttpRequest.newBuilder(server.httpUri("/sse/events"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        stream = res.body();
        if (res.statusCode() == 200) {
            Thread reader = new Thread(() -> read(res.body()), "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }
        return res;
    }

    private void read(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Map<String, String> fields = new LinkedHashMap<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    events.add(fields);
                    fields = new LinkedHashMap<>();
                } else {
                    int colon = line.indexOf(':');
                    fields.merge(line.substring(0, colon), line.substring(colon + 1).strip(), (a, b) -> a + "\n" + b);
                }
            }
        } catch (IOException e) {
            // the test closed the stream
        }
        events.add(END);
    }

    private Map<String, String> next() throws InterruptedException {
        Map<String, String> e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(e).as("an SSE event within %s", WAIT).isNotNull();
        return e;
    }

    private HttpResponse<String> send(String sessionId, String envelope) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.httpUri("/sse/send"))
                .header("X-Voxwire-Session", sessionId)
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode data(Map<String, String> event) throws IOException {
        return EnvelopeCodec.mapper().readTree(event.get("data"));
    }

    @Test
    void streamsTheSessionAndTheScriptedAnswersToSends() throws Exception {
        server.enqueue("audio:analyze", ScriptedResponse.builder()
                .emit("analysis:progress", "{\"progress\":0.1}")
                .emit("analysis:result", "{\"durationMs\":500}")
                .build());

        HttpResponse<InputStream> res = open();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).contains("text/event-stream");
        String sessionId = res.headers().firstValue("X-Voxwire-Session").orElseThrow();
        Map<String, String> connected = next();
        assertThat(connected).containsEntry("id", "1").containsEntry("event", "system:connected");
        assertThat(data(connected).path("payload").path("sessionId").asText()).isEqualTo(sessionId);

        HttpResponse<String> accepted = send(sessionId, "{\"type\":\"audio:analyze\",\"id\":\"a-1\",\"payload\":{\"data\":\"AAAA\"}}");

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).contains("\"accepted\":true");
        Map<String, String> progress = next();
        Map<String, String> result = next();
        assertThat(progress).containsEntry("id", "2").containsEntry("event", "analysis:progress");
        assertThat(result).containsEntry("id", "3").containsEntry("event", "analysis:result");
        assertThat(data(result).path("payload").path("requestId").asText()).isEqualTo("a-1");
        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.path()).isEqualTo("/sse/events");
        assertThat(request.type()).isEqualTo("audio:analyze");
        assertThat(server.takeHandshake(WAIT).path()).isEqualTo("/sse/events");
    }

    @Test
    void sendingToAnUnknownSessionIs410() throws Exception {
        HttpResponse<String> res = send("nope", "{\"type\":\"x:y\"}");

        assertThat(res.statusCode()).isEqualTo(410);
        assertThat(res.body()).contains("SESSION_EXPIRED");
    }

    @Test
    void closingASessionEndsItsStream() throws Exception {
        open();
        next(); // system:connected

        assertThat(server.closeAll(1001, "going away")).isEqualTo(1);

        assertThat(next()).isEqualTo(END);
    }

    @Test
    void connectionScriptsApplyToStreamsToo() throws Exception {
        server.enqueueConnection(ConnectionScript.refuse(401, ErrorCode.AUTH_FAILED, "token expired"));

        HttpResponse<InputStream> res = open();

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(new String(res.body().readAllBytes(), StandardCharsets.UTF_8)).contains("token expired");
    }
}
