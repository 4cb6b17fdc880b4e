package dev.voxwire.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeHasACloseCodeAndHttpStatusInRange(ErrorCode code) {
        int close = code.closeCode();
        assertThat(close >= 1000 && close <= 1015 || close >= 4000 && close <= 4999)
                .as("%s close code %d", code, close).isTrue();
        assertThat(close).as("1006 is never sent, but it is the documented code for lost connections")
                .isNotIn(1004, 1005, 1015);
        assertThat(code.httpStatus()).isBetween(400, 599);
        assertThat(CloseCode.valueOf(close).isKnown()).isTrue();
    }

    @Test
    void theNonRetryableSetIsExactly() {
        Set<ErrorCode> nonRetryable = EnumSet.noneOf(ErrorCode.class);
        for (ErrorCode c : ErrorCode.values()) {
            if (!c.retryable()) {
                nonRetryable.add(c);
            }
        }
        assertThat(nonRetryable).containsExactlyInAnyOrder(
                ErrorCode.AUTH_FAILED, ErrorCode.FORBIDDEN, ErrorCode.INVALID_PAYLOAD, ErrorCode.PAYLOAD_TOO_LARGE,
                ErrorCode.CHANNEL_ERROR, ErrorCode.PROTOCOL, ErrorCode.QUOTA_EXCEEDED, ErrorCode.SESSION_EXPIRED,
                ErrorCode.UNSUPPORTED_AUDIO, ErrorCode.CANCELLED, ErrorCode.CLOSED);
    }

    @Test
    void voxwireApplicationCloseCodesMapToTheirCodes() {
        assertThat(ErrorCode.AUTH_FAILED.closeCode()).isEqualTo(4001);
        assertThat(ErrorCode.SLOW_CONSUMER.closeCode()).isEqualTo(4008);
        assertThat(ErrorCode.SESSION_EXPIRED.closeCode()).isEqualTo(4010);
        assertThat(ErrorCode.RATE_LIMITED.closeCode()).isEqualTo(4029);
        assertThat(ErrorCode.RATE_LIMITED.httpStatus()).isEqualTo(429);
        assertThat(ErrorCode.AUTH_FAILED.httpStatus()).isEqualTo(401);
    }

    @Test
    void exceptionCarriesCodeRetryabilityAndRetryAfter() {
        VoxwireException e = new VoxwireException(ErrorCode.RATE_LIMITED, "slow down", null, Duration.ofSeconds(3));

        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(e).hasToString("VoxwireException[RATE_LIMITED]: slow down");
        assertThat(new VoxwireException(ErrorCode.CLOSED, "x").retryAfter()).isEmpty();

        TransportEvent.Error ev = TransportEvent.Error.of(e, "r1");
        assertThat(ev).isEqualTo(new TransportEvent.Error(ErrorCode.RATE_LIMITED, "slow down", "r1", true,
                Duration.ofSeconds(3)));
    }
}
