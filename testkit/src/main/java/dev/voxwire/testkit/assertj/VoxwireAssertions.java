package dev.voxwire.testkit.assertj;

import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.VoxwireException;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;

/**
 * Entry point of the Voxwire AssertJ assertions, used like AssertJ's own {@code Assertions}:
 *
 * <pre>{@code
 * import static dev.voxwire.testkit.assertj.VoxwireAssertions.assertThat;
 * import static dev.voxwire.testkit.assertj.VoxwireAssertions.assertThatVoxwireExceptionThrownBy;
 *
 * assertThat(events.takeEvent(timeout)).isError(ErrorCode.RATE_LIMITED).hasRequestId("r-1");
 * assertThatVoxwireExceptionThrownBy(() -> transport.send(tooBig))
 *         .hasCode(ErrorCode.PAYLOAD_TOO_LARGE)
 *         .messageContains("limit");
 * }</pre>
 */
public final class VoxwireAssertions {
    private VoxwireAssertions() {
    }

    /** Assertions on a transport event. */
    public static TransportEventAssert assertThat(@Nullable TransportEvent actual) {
        return new TransportEventAssert(actual);
    }

    /** Assertions on a Voxwire exception. */
    public static VoxwireExceptionAssert assertThat(@Nullable VoxwireException actual) {
        return new VoxwireExceptionAssert(actual);
    }

    /**
     * Runs {@code call}, checks that it throws a {@link VoxwireException}, and returns assertions
     * on it. Fails when it throws nothing or something else.
     */
    public static VoxwireExceptionAssert assertThatVoxwireExceptionThrownBy(ThrowingCallable call) {
        Throwable t = Assertions.catchThrowable(call);
        if (t == null) {
            throw new AssertionError("Expected a VoxwireException to be thrown, but nothing was thrown");
        }
        if (!(t instanceof VoxwireException e)) {
            AssertionError error = new AssertionError("Expected a VoxwireException to be thrown, but got " + t);
            error.initCause(t);
            throw error;
        }
        return new VoxwireExceptionAssert(e);
    }
}
