package dev.voxwire.server.internal;

import org.jspecify.annotations.Nullable;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Key-values of the server's structured logs ({@code event}, {@code userId}, {@code clientId},
 * {@code room}, {@code metadata}): an absent value is left out of the event, never logged as
 * {@code null}. Tokens, secrets and query strings are never passed here.
 */
final class LogFields {
    private LogFields() {
    }

    /** {@code b} with {@code key=value} added when {@code value} is not null. */
    static LoggingEventBuilder optional(LoggingEventBuilder b, String key, @Nullable Object value) {
        return value == null ? b : b.addKeyValue(key, value);
    }
}
