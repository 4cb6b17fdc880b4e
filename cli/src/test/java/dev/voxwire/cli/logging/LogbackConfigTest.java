package dev.voxwire.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** The cli's {@code logback.xml} selects the encoder from {@code VOXWIRE_LOG_FORMAT}. */
class LogbackConfigTest {
    /** The cli's own logback.xml (not one of a dependency). */
    private static URL cliLogbackXml() throws Exception {
        List<URL> all = Collections.list(LogbackConfigTest.class.getClassLoader().getResources("logback.xml"));
        return all.stream().filter(u -> u.getPath().contains("/cli/target/classes/")).findFirst()
                .orElseThrow(() -> new AssertionError("cli logback.xml not found among " + all));
    }

    private static LogFormatEncoder configuredEncoder(@Nullable String format) throws Exception {
        LoggerContext context = new LoggerContext();
        if (format != null) {
            context.putProperty("VOXWIRE_LOG_FORMAT", format);
        }
        context.putProperty("VOXWIRE_LOG_LEVEL", "INFO");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(cliLogbackXml());
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        Appender<ILoggingEvent> appender = root.getAppender("console");
        assertThat(appender).isInstanceOf(ConsoleAppender.class);
        Encoder<ILoggingEvent> encoder = ((ConsoleAppender<ILoggingEvent>) appender).getEncoder();
        assertThat(encoder).isInstanceOf(LogFormatEncoder.class);
        assertThat(encoder.isStarted()).isTrue();
        return (LogFormatEncoder) encoder;
    }

    private static String encode(LogFormatEncoder encoder) {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent(LogbackConfigTest.class.getName(), context.getLogger("dev.voxwire.x"),
                Level.INFO, "server started", null, null);
        event.addKeyValuePair(new KeyValuePair("event", "server.started"));
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void jsonLinesWhenVoxwireLogFormatIsUnset() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("VOXWIRE_LOG_FORMAT") == null,
                "VOXWIRE_LOG_FORMAT is set in this environment");
        LogFormatEncoder encoder = configuredEncoder(null);
        assertThat(encoder.isJson()).isTrue();
        assertThat(encoder.delegate()).isInstanceOf(JsonLineEncoder.class);
        assertThat(encode(encoder)).startsWith("{\"timestamp\":").contains("\"event\":\"server.started\"").endsWith("}\n");
    }

    @Test
    void jsonLinesWhenVoxwireLogFormatIsJson() throws Exception {
        LogFormatEncoder encoder = configuredEncoder("JSON");
        assertThat(encoder.delegate()).isInstanceOf(JsonLineEncoder.class);
    }

    @Test
    void readableTextForAnyOtherFormat() throws Exception {
        for (String format : new String[] {"text", "plain"}) {
            LogFormatEncoder encoder = configuredEncoder(format);
            assertThat(encoder.isJson()).isFalse();
            assertThat(encoder.delegate()).isInstanceOf(PatternLayoutEncoder.class);
            String line = encode(encoder);
            assertThat(line).doesNotStartWith("{").contains("INFO").contains("server started")
                    .contains("event=\"server.started\"");
        }
    }
}
