package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The server's logs carry the structured key-values, leave absent ones out, and never hold a token. */
class StructuredLogTest {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger serverLogger;
    private VoxwireServer server;

    @BeforeEach
    void start() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender.setContext(context);
        appender.start();
        serverLogger = context.getLogger("dev.voxwire.server");
        serverLogger.addAppender(appender);
        server = TestServer.builder(TestServer.config().build()).build().start();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
        serverLogger.detachAppender(appender);
        appender.stop();
    }

    private List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kv(ILoggingEvent e) {
        Map<String, Object> m = new HashMap<>();
        List<KeyValuePair> kvps = e.getKeyValuePairs();
        if (kvps != null) {
            kvps.forEach(p -> m.put(p.key, p.value));
        }
        return m;
    }

    private Optional<ILoggingEvent> find(String event, String key, Object value) {
        return events().stream().filter(e -> event.equals(kv(e).get("event")) && value.equals(kv(e).get(key))).findFirst();
    }

    @Test
    void connectionEventsCarryUserAndClientIdAndLeaveAnAbsentClientIdOut() throws Exception {
        try (RawWs withId = RawWs.connect(server.port(), "/ws/log-thread", TestServer.bearer("log-alice"));
                RawWs without = RawWs.connect(server.port(), "/ws", TestServer.bearer("log-bob"))) {
            withId.next();
            without.next();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> find("connection.opened", "userId", "log-alice")
                .isPresent() && find("connection.opened", "userId", "log-bob").isPresent());

        Map<String, Object> alice = kv(find("connection.opened", "userId", "log-alice").orElseThrow());
        assertThat(alice).containsEntry("clientId", "log-thread").containsKey("metadata");
        assertThat((Map<Object, Object>) alice.get("metadata")).containsEntry("transport", "websocket")
                .containsEntry("endpoint", "/ws/log-thread");
        Map<String, Object> bob = kv(find("connection.opened", "userId", "log-bob").orElseThrow());
        assertThat(bob).doesNotContainKey("clientId").doesNotContainValue(null);
    }

    @Test
    void refusedHandshakesAreLoggedWithoutTheToken() throws Exception {
        String token = TestServer.token("log-carol");
        String forged = token.substring(0, token.length() - 4) + "AAAA";
        try (RawWs ws = RawWs.connect(server.port(), "/ws?access_token=" + forged, Map.of())) {
            throw new AssertionError("a forged token was accepted");
        } catch (RawWs.Refused expected) {
            assertThat(expected.http.status()).isEqualTo(401);
        }
        try (RawWs ws = RawWs.connect(server.port(), "/ws?access_token=" + token, Map.of())) {
            ws.next();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> find("connection.opened", "userId", "log-carol")
                .isPresent() && events().stream().anyMatch(e -> "auth.refused".equals(kv(e).get("event"))));

        ILoggingEvent refused = events().stream().filter(e -> "auth.refused".equals(kv(e).get("event"))).findFirst()
                .orElseThrow();
        assertThat(kv(refused)).doesNotContainKey("userId").doesNotContainValue(null);
        assertThat((Map<Object, Object>) kv(refused).get("metadata")).containsEntry("path", "/ws").containsKey("reason");
        String signature = token.substring(token.lastIndexOf('.') + 1);
        for (ILoggingEvent e : events()) {
            String everything = e.getFormattedMessage() + " " + kv(e) + " "
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            assertThat(everything).as("log event %s", e).doesNotContain(signature).doesNotContain("access_token");
        }
    }
}
