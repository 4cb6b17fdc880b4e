package dev.voxwire.cli.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A logback encoder that writes JSON lines ({@link JsonLineEncoder}) when its {@code format} is
 * {@code json} (the default, also when blank) and a readable text line with its {@code pattern}
 * for any other value. The cli's {@code logback.xml} sets {@code format} from
 * {@code VOXWIRE_LOG_FORMAT}.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {
    /** The format that selects JSON lines. */
    public static final String JSON = "json";
    /** The text pattern used when none is configured. */
    public static final String DEFAULT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg %kvp%n";

    private String format = JSON;
    private String pattern = DEFAULT_PATTERN;
    private @Nullable Encoder<ILoggingEvent> delegate;

    /** An encoder; logback creates it from {@code logback.xml}. */
    public LogFormatEncoder() {
    }

    /** {@code json} (default) or anything else for text; set before {@link #start()}. */
    public void setFormat(@Nullable String format) {
        this.format = format == null || format.isBlank() ? JSON : format.trim().toLowerCase(Locale.ROOT);
    }

    /** The format asked for. */
    public String getFormat() {
        return format;
    }

    /** The logback pattern of the text format; set before {@link #start()}. */
    public void setPattern(@Nullable String pattern) {
        this.pattern = pattern == null || pattern.isBlank() ? DEFAULT_PATTERN : pattern;
    }

    /** Whether this encoder writes JSON lines. */
    public boolean isJson() {
        return JSON.equals(format);
    }

    /** The encoder in use once started. */
    public @Nullable Encoder<ILoggingEvent> delegate() {
        return delegate;
    }

    @Override
    public void start() {
        Encoder<ILoggingEvent> d;
        if (isJson()) {
            d = new JsonLineEncoder();
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            d = text;
        }
        d.setContext(getContext());
        d.start();
        delegate = d;
        super.start();
    }

    @Override
    public void stop() {
        Encoder<ILoggingEvent> d = delegate;
        if (d != null) {
            d.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        Encoder<ILoggingEvent> d = delegate;
        return d == null ? new byte[0] : d.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Encoder<ILoggingEvent> d = delegate;
        return d == null ? new byte[0] : d.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        Encoder<ILoggingEvent> d = delegate;
        return d == null ? new byte[0] : d.footerBytes();
    }
}
