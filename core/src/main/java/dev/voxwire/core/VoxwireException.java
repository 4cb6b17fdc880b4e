package dev.voxwire.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one unchecked exception of the framework. It always carries an {@link ErrorCode}; its
 * message says what was wrong in words a user can act on, and never contains a secret.
 */
public class VoxwireException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final @Nullable Duration retryAfter;

    /** Creates an exception with a code and a message. */
    public VoxwireException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    /** Creates an exception with a code, a message and a cause. */
    public VoxwireException(ErrorCode code, String message, @Nullable Throwable cause) {
        this(code, message, cause, null);
    }

    /** Creates an exception with a code, a message, a cause and a suggested retry delay. */
    public VoxwireException(
            ErrorCode code, String message, @Nullable Throwable cause, @Nullable Duration retryAfter) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfter = retryAfter;
    }

    /** The error code. */
    public ErrorCode code() {
        return code;
    }

    /** Whether the operation may succeed if retried; same as {@code code().retryable()}. */
    public boolean retryable() {
        return code.retryable();
    }

    /** The delay after which a retry makes sense, when the peer said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
        return "VoxwireException[" + code + "]: " + getMessage();
    }
}
