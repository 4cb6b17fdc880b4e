package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ReconnectPolicyTest {
    private final ReconnectPolicy policy = ReconnectPolicy.builder()
            .minDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofSeconds(10))
            .multiplier(2.0)
            .maxAttempts(5)
            .build();

    @Test
    void ceilingsDoubleFromMinDelayAndCapAtMaxDelay() {
        assertThat(policy.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.ceiling(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.ceiling(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.ceiling(7)).isEqualTo(Duration.ofMillis(6400));
        assertThat(policy.ceiling(8)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.ceiling(1000)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyDelayLiesBetweenMinDelayAndTheCeiling() {
        SplittableRandom random = new SplittableRandom(42);
        for (int attempt = 1; attempt <= 20; attempt++) {
            for (int i = 0; i < 200; i++) {
                Duration d = policy.delay(attempt, random);
                assertThat(d).isBetween(policy.minDelay(), policy.ceiling(attempt));
            }
        }
    }

    @Test
    void jitterSpreadsOverTheWholeRange() {
        SplittableRandom random = new SplittableRandom(7);
        int attempt = 10; // ceiling = maxDelay = 10 s
        long lo = policy.minDelay().toNanos();
        long hi = policy.ceiling(attempt).toNanos();
        int[] deciles = new int[10];
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 2000; i++) {
            long d = policy.delay(attempt, random).toNanos();
            min = Math.min(min, d);
            max = Math.max(max, d);
            deciles[(int) Math.min(9, (d - lo) * 10 / (hi - lo))]++;
        }
        assertThat(min - lo).isLessThan((hi - lo) / 50);
        assertThat(hi - max).isLessThan((hi - lo) / 50);
        for (int count : deciles) {
            assertThat(count).as("each tenth of the range gets its share").isBetween(120, 280);
        }
    }

    @Test
    void seededRandomGivesTheSameDelays() {
        assertThat(policy.delay(4, new SplittableRandom(1))).isEqualTo(policy.delay(4, new SplittableRandom(1)));
    }

    @ParameterizedTest(name = "{0} attempt {1} -> {2}")
    @CsvSource({
        "NETWORK, 1, true",
        "NETWORK, 5, true",
        "NETWORK, 6, false",
        "CONNECTION_TIMEOUT, 1, true",
        "SERVER_ERROR, 3, true",
        "GOING_AWAY, 1, true",
        "RATE_LIMITED, 1, true",
        "CIRCUIT_OPEN, 1, true",
        "AUTH_FAILED, 1, false",
        "FORBIDDEN, 1, false",
        "SESSION_EXPIRED, 1, false",
        "QUOTA_EXCEEDED, 1, false",
        "PROTOCOL, 1, false",
        "CLOSED, 1, false",
        "CANCELLED, 1, false",
    })
    void shouldRetryOnlyRetryableCodesWithinTheBudget(ErrorCode code, int attempt, boolean expected) {
        assertThat(policy.shouldRetry(code, attempt)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void shouldRetryFollowsErrorCodeRetryable(ErrorCode code) {
        assertThat(policy.shouldRetry(code, 1)).isEqualTo(code.retryable());
    }

    @Test
    void zeroMaxAttemptsMeansNoLimitAndDisabledNeverRetries() {
        ReconnectPolicy unlimited = policy.toBuilder().maxAttempts(0).build();
        assertThat(unlimited.shouldRetry(ErrorCode.NETWORK, 1_000_000)).isTrue();
        assertThat(ReconnectPolicy.disabled().shouldRetry(ErrorCode.NETWORK, 1)).isFalse();
    }

    @Test
    void builderRejectsBadValuesShowingThem() {
        assertThatThrownBy(() -> ReconnectPolicy.builder().minDelay(Duration.ZERO))
                .hasMessage("minDelay: PT0S (expected: > 0)");
        assertThatThrownBy(() -> ReconnectPolicy.builder().minDelay(Duration.ofSeconds(5)).maxDelay(Duration.ofSeconds(1)).build())
                .hasMessage("maxDelay: PT1S (expected: >= minDelay PT5S)");
        assertThatThrownBy(() -> policy.ceiling(0)).hasMessage("attempt: 0 (expected: >= 1)");
    }
}
