package dev.voxwire.testkit.assertj;

import static dev.voxwire.testkit.assertj.VoxwireAssertions.assertThat;
import static dev.voxwire.testkit.assertj.VoxwireAssertions.assertThatVoxwireExceptionThrownBy;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VoxwireAssertionsTest {
    private final TransportEvent rateLimited =
            new TransportEvent.Error(ErrorCode.RATE_LIMITED, "slow down", "r-1", true, Duration.ofSeconds(2));
    private final TransportEvent connected =
            new TransportEvent.StateChanged(ConnectionState.CONNECTING, ConnectionState.CONNECTED, null);

    @Test
    void passingEventAssertionsChain() {
        assertThat(rateLimited).isError(ErrorCode.RATE_LIMITED).hasRequestId("r-1").isRetrySuggested();
        assertThat(connected).isStateChange(ConnectionState.CONNECTING, ConnectionState.CONNECTED)
                .isStateChangeTo(ConnectionState.CONNECTED).hasNoRequestId();
        assertThat(new TransportEvent.Result("r-2", Envelope.of("analysis:result")))
                .hasRequestId("r-2").hasEnvelopeType("analysis:result");
        assertThat(new TransportEvent.Message(Envelope.of("message:new"), null)).hasNoRequestId();
    }

    @Test
    void isErrorFailsWithTheWholeEventInTheMessage() {
        assertThatThrownBy(() -> assertThat(rateLimited).isError(ErrorCode.NETWORK))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected an error event with code <NETWORK> but was <Error[code=RATE_LIMITED");
        assertThatThrownBy(() -> assertThat(connected).isError(ErrorCode.NETWORK))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("but was <StateChanged[");
    }

    @Test
    void hasRequestIdFailsOnAnotherOrNoRequest() {
        assertThatThrownBy(() -> assertThat(rateLimited).hasRequestId("r-2"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected an event of request <r-2>");
        assertThatThrownBy(() -> assertThat(connected).hasRequestId("r-1"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThat(rateLimited).hasNoRequestId())
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void isStateChangeFailsOnOtherStates() {
        assertThatThrownBy(() -> assertThat(connected).isStateChange(ConnectionState.DISCONNECTED,
                ConnectionState.CONNECTED))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a state change <DISCONNECTED -> CONNECTED>");
        assertThatThrownBy(() -> assertThat(connected).isStateChangeTo(ConnectionState.FAILED))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThat((TransportEvent) null).isStateChangeTo(ConnectionState.FAILED))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void exceptionAssertionsCheckCodeMessageAndRetry() {
        VoxwireException e = new VoxwireException(ErrorCode.RATE_LIMITED, "too many events: 120 in PT1S", null,
                Duration.ofSeconds(3));

        assertThat(e).hasCode(ErrorCode.RATE_LIMITED).messageContains("120 in PT1S").isRetryable()
                .hasRetryAfter(Duration.ofSeconds(3));
        assertThatThrownBy(() -> assertThat(e).hasCode(ErrorCode.AUTH_FAILED))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a VoxwireException with code <AUTH_FAILED> but the code was <RATE_LIMITED>");
        assertThatThrownBy(() -> assertThat(e).messageContains("secret"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to contain <secret>");
        assertThatThrownBy(() -> assertThat(e).isNotRetryable()).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThat(e).hasRetryAfter(Duration.ofSeconds(1)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a retry-after of <PT1S> but was <PT3S>");
    }

    @Test
    void thrownByChecksThatAVoxwireExceptionIsThrown() {
        assertThatVoxwireExceptionThrownBy(() -> {
            throw new VoxwireException(ErrorCode.PAYLOAD_TOO_LARGE, "frame of 2 MiB over the 1 MiB limit");
        }).hasCode(ErrorCode.PAYLOAD_TOO_LARGE).messageContains("limit").isNotRetryable();

        assertThatThrownBy(() -> assertThatVoxwireExceptionThrownBy(() -> { }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("nothing was thrown");
        assertThatThrownBy(() -> assertThatVoxwireExceptionThrownBy(() -> {
            throw new IOException("disk");
        })).isInstanceOf(AssertionError.class)
                .hasMessageContaining("but got java.io.IOException: disk");
    }
}
