package dev.voxwire.testkit.assertj;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.time.Duration;
import java.util.Objects;
import org.assertj.core.api.AbstractThrowableAssert;
import org.jspecify.annotations.Nullable;

/**
 * AssertJ assertions on a {@link VoxwireException}; get one from
 * {@link VoxwireAssertions#assertThat(VoxwireException)} or
 * {@link VoxwireAssertions#assertThatVoxwireExceptionThrownBy}. All of AssertJ's throwable
 * assertions ({@code hasMessageContaining}, {@code hasCauseInstanceOf}, ...) are available too.
 */
public final class VoxwireExceptionAssert extends AbstractThrowableAssert<VoxwireExceptionAssert, VoxwireException> {

    VoxwireExceptionAssert(@Nullable VoxwireException actual) {
        super(actual, VoxwireExceptionAssert.class);
    }

    /** The exception carries this error code. */
    public VoxwireExceptionAssert hasCode(ErrorCode code) {
        Objects.requireNonNull(code, "code");
        isNotNull();
        if (actual.code() != code) {
            failWithMessage("Expected a VoxwireException with code <%s> but the code was <%s> in <%s>", code,
                    actual.code(), actual);
        }
        return this;
    }

    /** The message contains {@code text}. */
    public VoxwireExceptionAssert messageContains(String text) {
        Objects.requireNonNull(text, "text");
        isNotNull();
        String message = actual.getMessage();
        if (message == null || !message.contains(text)) {
            failWithMessage("Expected the message of <%s> to contain <%s>", actual, text);
        }
        return this;
    }

    /** The exception says a retry may succeed. */
    public VoxwireExceptionAssert isRetryable() {
        isNotNull();
        if (!actual.retryable()) {
            failWithMessage("Expected a retryable VoxwireException but was <%s>", actual);
        }
        return this;
    }

    /** The exception says a retry cannot succeed. */
    public VoxwireExceptionAssert isNotRetryable() {
        isNotNull();
        if (actual.retryable()) {
            failWithMessage("Expected a non-retryable VoxwireException but was <%s>", actual);
        }
        return this;
    }

    /** The exception suggests retrying after exactly {@code delay}. */
    public VoxwireExceptionAssert hasRetryAfter(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        isNotNull();
        if (!actual.retryAfter().equals(java.util.Optional.of(delay))) {
            failWithMessage("Expected a retry-after of <%s> but was <%s> in <%s>", delay,
                    actual.retryAfter().map(Duration::toString).orElse("none"), actual);
        }
        return this;
    }
}
