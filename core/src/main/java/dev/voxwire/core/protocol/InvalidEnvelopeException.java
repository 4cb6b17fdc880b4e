package dev.voxwire.core.protocol;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An incoming event was rejected by {@link EnvelopeCodec}: {@link ErrorCode#INVALID_PAYLOAD} or
 * {@link ErrorCode#PAYLOAD_TOO_LARGE}. When the envelope was readable enough to have an
 * {@code id}, {@link #requestId()} returns it so the error can be correlated.
 */
public final class InvalidEnvelopeException extends VoxwireException {
    private static final long serialVersionUID = 1L;

    private final @Nullable String requestId;
    private final @Nullable String type;

    InvalidEnvelopeException(ErrorCode code, String message, @Nullable String requestId, @Nullable String type,
            @Nullable Throwable cause) {
        super(code, message, cause);
        this.requestId = requestId;
        this.type = type;
    }

    /** The {@code id} of the rejected envelope, when it had a readable one. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The {@code type} of the rejected envelope, when it had a readable one. */
    public Optional<String> type() {
        return Optional.ofNullable(type);
    }
}
