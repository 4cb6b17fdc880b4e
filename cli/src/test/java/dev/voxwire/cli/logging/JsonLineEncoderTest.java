package dev.voxwire.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Logger log;

    @BeforeEach
    void setUp() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(bytes);
        appender.start();
        log = context.getLogger("dev.voxwire.test.Component");
        log.addAppender(appender);
        log.setAdditive(false);
    }

    @AfterEach
    void tearDown() {
        context.stop();
    }

    private List<String> lines() {
        assertThat(context.getStatusManager().getCopyOfStatusList()).as("logback errors").isEmpty();
        String all = bytes.toString(StandardCharsets.UTF_8);
        assertThat(all).endsWith("\n");
        return List.of(all.split("\n"));
    }

    private JsonNode onlyLine() throws Exception {
        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        return JSON.readTree(lines.get(0));
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void keyValuesBecomeTopLevelFieldsOfOneJsonLine() throws Exception {
        Instant before = Instant.now();
        log.atInfo().setMessage("websocket connected").addKeyValue("event", "connection.opened")
                .addKeyValue("userId", "alice").addKeyValue("clientId", "thread-1").addKeyValue("room", "channel:general")
                .addKeyValue("metadata", Map.of("sessionId", "s-1", "queued", 3)).log();

        JsonNode line = onlyLine();
        assertThat(fieldNames(line)).containsExactly("timestamp", "level", "event", "userId", "clientId", "room",
                "metadata", "logger", "message", "thread");
        assertThat(Instant.parse(line.get("timestamp").asText())).isBetween(before.minusMillis(1), Instant.now());
        assertThat(line.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z");
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("event").asText()).isEqualTo("connection.opened");
        assertThat(line.get("userId").asText()).isEqualTo("alice");
        assertThat(line.get("clientId").asText()).isEqualTo("thread-1");
        assertThat(line.get("room").asText()).isEqualTo("channel:general");
        assertThat(line.get("metadata").get("sessionId").asText()).isEqualTo("s-1");
        assertThat(line.get("metadata").get("queued").isInt()).isTrue();
        assertThat(line.get("logger").asText()).isEqualTo("dev.voxwire.test.Component");
        assertThat(line.get("message").asText()).isEqualTo("websocket connected");
        assertThat(line.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(line.has("kvpList")).isFalse();
    }

    @Test
    void nullAndAbsentValuesAreLeftOutNotWrittenAsNull() throws Exception {
        log.atWarn().setMessage("closing").addKeyValue("event", "connection.idle").addKeyValue("userId", "bob")
                .addKeyValue("clientId", (Object) null).log();

        JsonNode line = onlyLine();
        assertThat(fieldNames(line)).containsExactly("timestamp", "level", "event", "userId", "logger", "message",
                "thread");
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("null");
    }

    @Test
    void otherKeyValuesGoIntoMetadata() throws Exception {
        log.atInfo().setMessage("m").addKeyValue("event", "request.failed").addKeyValue("requestId", "r-1")
                .addKeyValue("type", "audio:analyze").log();
        log.atInfo().setMessage("m").addKeyValue("metadata", "just a reason").addKeyValue("requestId", "r-2").log();
        log.atInfo().setMessage("m").addKeyValue("metadata", Map.of("path", "/ws")).addKeyValue("requestId", "r-3").log();

        List<String> lines = lines();
        assertThat(lines).hasSize(3);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.has("requestId")).isFalse();
        assertThat(first.get("metadata").get("requestId").asText()).isEqualTo("r-1");
        assertThat(first.get("metadata").get("type").asText()).isEqualTo("audio:analyze");
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.get("metadata").get("value").asText()).isEqualTo("just a reason");
        assertThat(second.get("metadata").get("requestId").asText()).isEqualTo("r-2");
        JsonNode third = JSON.readTree(lines.get(2));
        assertThat(third.get("metadata").get("path").asText()).isEqualTo("/ws");
        assertThat(third.get("metadata").get("requestId").asText()).isEqualTo("r-3");
    }

    @Test
    void anExceptionIsOneFieldAndMultiLineTextStaysOnOneLine() throws Exception {
        log.atError().setMessage("first line\nsecond line").addKeyValue("event", "request.failed")
                .setCause(new IllegalStateException("boom")).log();

        JsonNode line = onlyLine();
        assertThat(line.get("message").asText()).isEqualTo("first line\nsecond line");
        assertThat(line.get("exception").asText()).startsWith("java.lang.IllegalStateException: boom")
                .contains("JsonLineEncoderTest");
        assertThat(fieldNames(line)).endsWith("thread", "exception");
    }

    @Test
    void valuesAreWrittenAsGivenSoTheCallerDecidesWhatIsLogged() throws Exception {
        // the encoder does not guess what a secret looks like: callers never pass tokens to the logger
        log.atInfo().setMessage("plain {}").addArgument(42).addKeyValue("metadata", Map.of("authorization", "x"))
                .log();

        JsonNode line = onlyLine();
        assertThat(line.get("message").asText()).isEqualTo("plain 42");
        assertThat(line.get("metadata").get("authorization").asText()).isEqualTo("x");
    }

    @Test
    void listsNumbersAndBooleansAreJson() throws Exception {
        log.atInfo().setMessage("m").addKeyValue("metadata", Map.of("ids", List.of("a", "b"), "ok", true, "ms", 1.5))
                .log();

        JsonNode metadata = onlyLine().get("metadata");
        assertThat(metadata.get("ids").isArray()).isTrue();
        assertThat(metadata.get("ids")).hasSize(2);
        assertThat(metadata.get("ok").isBoolean()).isTrue();
        assertThat(metadata.get("ms").asDouble()).isEqualTo(1.5);
    }
}
