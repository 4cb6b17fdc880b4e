package dev.voxwire.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CloseCodeTest {

    @Test
    void valueOfReturnsTheConstantForKnownCodes() {
        assertThat(CloseCode.valueOf(1000)).isSameAs(CloseCode.NORMAL_CLOSURE);
        assertThat(CloseCode.valueOf(1011)).isSameAs(CloseCode.INTERNAL_ERROR);
        assertThat(CloseCode.valueOf(4001)).isSameAs(CloseCode.AUTH_FAILED);
        assertThat(CloseCode.valueOf(4029)).isSameAs(CloseCode.RATE_LIMITED);
        assertThat(CloseCode.valueOf(ErrorCode.CloseCodes.SLOW_CONSUMER).name()).isEqualTo("SLOW_CONSUMER");
    }

    @Test
    void everyErrorCodeCloseCodeHasAConstant() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(CloseCode.valueOf(c.closeCode()).isKnown()).as(c.name()).isTrue();
        }
        assertThat(CloseCode.knownCodes()).containsKeys(1000, 1001, 1002, 1003, 1006, 1007, 1008, 1009, 1011, 1013,
                4001, 4008, 4010, 4029);
    }

    @Test
    void unknownCodesStillFitAndCompareByValue() {
        CloseCode c = CloseCode.valueOf(4321);

        assertThat(c.code()).isEqualTo(4321);
        assertThat(c.name()).isEqualTo("UNKNOWN_4321");
        assertThat(c.isKnown()).isFalse();
        assertThat(c.isApplication()).isTrue();
        assertThat(c).isEqualTo(CloseCode.valueOf(4321)).hasSameHashCodeAs(CloseCode.valueOf(4321));
        assertThat(c).isNotEqualTo(CloseCode.valueOf(4322));
        assertThat(c).hasToString("UNKNOWN_4321(4321)");
        assertThat(CloseCode.GOING_AWAY).hasToString("GOING_AWAY(1001)");
    }

    @Test
    void applicationRangeIs4000To4999() {
        assertThat(CloseCode.valueOf(3999).isApplication()).isFalse();
        assertThat(CloseCode.valueOf(4000).isApplication()).isTrue();
        assertThat(CloseCode.valueOf(4999).isApplication()).isTrue();
        assertThat(CloseCode.NORMAL_CLOSURE.isApplication()).isFalse();
    }

    @Test
    void reservedCodesAreNotSendable() {
        assertThat(CloseCode.ABNORMAL_CLOSURE.isSendable()).isFalse();
        assertThat(CloseCode.NO_STATUS_RECEIVED.isSendable()).isFalse();
        assertThat(CloseCode.TLS_HANDSHAKE.isSendable()).isFalse();
        assertThat(CloseCode.NORMAL_CLOSURE.isSendable()).isTrue();
        assertThat(CloseCode.RATE_LIMITED.isSendable()).isTrue();
    }

    @Test
    void codesOutsideTheCloseCodeRangeAreRejected() {
        assertThatThrownBy(() -> CloseCode.valueOf(5000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("code: 5000 (expected: 0-4999)");
        assertThatThrownBy(() -> CloseCode.valueOf(-1)).hasMessageContaining("-1");
    }
}
