package dev.voxwire.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import dev.voxwire.testkit.gemini.SimulatorScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Keys and tokens never reach logs, exceptions or toString(); bad keys fail before connecting. */
class SecretsTest {
    private static final String KEY = "AIzaSyD-secret-key-value-0123456789abc";
    private static final String TOKEN = "auth_tokens/secret-token-value-987654";

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<String, Level> levels = new HashMap<>();
    private GeminiLiveSimulator sim;

    @BeforeEach
    void captureLogs() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender.setContext(ctx);
        appender.start();
        for (String name : List.of(Logger.ROOT_LOGGER_NAME, "dev.voxwire", "io.netty")) {
            Logger l = ctx.getLogger(name);
            levels.put(name, l.getLevel());
            l.setLevel(Level.TRACE);
        }
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @AfterEach
    void restore() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        levels.forEach((name, level) -> ctx.getLogger(name).setLevel(level));
        if (sim != null) {
            sim.close();
        }
    }

    private String allLogText() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : new ArrayList<>(appender.list)) {
            sb.append(e.getFormattedMessage()).append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                sb.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void keyAndTokenNeverAppearInLogsExceptionsOrToString() throws Exception {
        sim = GeminiLiveSimulator.builder().requireApiKey(KEY).acceptToken(TOKEN)
                .script(SimulatorScript.builder().close1011MidTurn().build())
                .build().start();
        List<String> texts = new ArrayList<>();
        try (GeminiLiveClient client = GeminiLiveClient.builder().apiKey(KEY).baseUri(sim.baseUrl())
                .reconnect(dev.voxwire.core.reliability.ReconnectPolicy.builder()
                        .minDelay(Duration.ofMillis(10)).maxDelay(Duration.ofMillis(50)).build()).build();
             GeminiLiveClient wrongKey = GeminiLiveClient.builder().apiKey(KEY + "-wrong").baseUri(sim.baseUrl()).build();
             GeminiLiveClient token = GeminiLiveClient.builder().ephemeralToken(TOKEN).baseUri(sim.baseUrl()).build();
             GeminiLiveClient wrongToken = GeminiLiveClient.builder().ephemeralToken(TOKEN + "x")
                     .baseUri(sim.baseUrl()).build()) {
            texts.add(client.toString());
            EventRecorder rec = new EventRecorder();
            LiveSession session = client.connect(LiveConfig.builder().responseModalities(Modality.TEXT).build(), rec)
                    .get(15, TimeUnit.SECONDS);
            texts.add(session.toString());
            session.sendText("This answer is long enough to arrive in several chunks, so it is cut after the first.");
            rec.next(LiveEvent.Resumed.class); // through a 1011 and a resumption
            sim.closeAll(1008, "policy");
            texts.add(rec.next(LiveEvent.Closed.class).toString());

            for (GeminiLiveClient failing : List.of(wrongKey, wrongToken)) {
                CompletableFuture<LiveSession> f = failing.connect(LiveConfig.ofDefaults());
                Throwable t = f.handle((s, e) -> e).get(15, TimeUnit.SECONDS);
                assertThat(t).isInstanceOfSatisfying(LiveCloseException.class, e -> {
                    assertThat(e.closeCode()).isEqualTo(1008);
                    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
                });
                for (Throwable c = t; c != null; c = c.getCause()) {
                    texts.add(c.toString());
                }
                texts.add(failing.toString());
            }
            LiveSession viaToken = token.connect(LiveConfig.ofDefaults()).get(15, TimeUnit.SECONDS);
            texts.add(viaToken.toString());
            viaToken.close();
        }
        String logs = allLogText();
        assertThat(logs).contains("Gemini Live"); // the capture works: our debug lines are there
        for (String text : texts) {
            assertThat(text).doesNotContain(KEY).doesNotContain(TOKEN).doesNotContain("secret-");
        }
        assertThat(logs).doesNotContain(KEY).doesNotContain(TOKEN).doesNotContain("secret-");
    }

    @Test
    void missingOrMalformedKeysFailWithAuthFailedBeforeAnyConnection() throws Exception {
        sim = GeminiLiveSimulator.builder().build().start();
        assertThatThrownBy(() -> GeminiLiveClient.builder().baseUri(sim.baseUrl()).build())
                .isInstanceOfSatisfying(VoxwireException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED));
        assertThatThrownBy(() -> GeminiLiveClient.builder().apiKey(null))
                .isInstanceOfSatisfying(VoxwireException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED));
        assertThatThrownBy(() -> GeminiLiveClient.builder().apiKey("has a space in it secret-x"))
                .isInstanceOfSatisfying(VoxwireException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
                    assertThat(e.getMessage()).contains("malformed").doesNotContain("secret-x");
                });
        assertThatThrownBy(() -> GeminiLiveClient.builder().ephemeralToken(""))
                .isInstanceOfSatisfying(VoxwireException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED));

        // a supplier is asked on every connect: a bad value fails that connect, without a connection
        AtomicInteger asked = new AtomicInteger();
        List<String> keys = List.of("", "bad\nkey-secret-y", GeminiLiveClientTest.KEY);
        try (GeminiLiveClient client = GeminiLiveClient.builder().baseUri(sim.baseUrl())
                .apiKeySupplier(() -> keys.get(asked.getAndIncrement())).build()) {
            for (int i = 0; i < 2; i++) {
                Throwable t = client.connect(LiveConfig.ofDefaults()).handle((s, e) -> e).get(5, TimeUnit.SECONDS);
                assertThat(t).isInstanceOfSatisfying(VoxwireException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
                    assertThat(e.getMessage()).doesNotContain("secret-y");
                });
            }
            assertThat(sim.sessions()).isEmpty();
            client.connect(LiveConfig.ofDefaults()).get(15, TimeUnit.SECONDS).close();
            assertThat(asked).hasValue(3);
            assertThat(sim.sessions()).hasSize(1);
        }
    }
}
