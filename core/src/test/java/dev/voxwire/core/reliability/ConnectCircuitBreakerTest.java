package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectCircuitBreakerTest {
    private final ManualTaskScheduler time = ManualTaskScheduler.create();
    private final CircuitBreakerPolicy policy = CircuitBreakerPolicy.builder()
            .failureThreshold(3)
            .openDuration(Duration.ofSeconds(30))
            .build();
    private final ConnectCircuitBreaker breaker = ConnectCircuitBreaker.create(policy, time.clock());

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquirePermission()).isTrue();
            breaker.onFailure(ErrorCode.NETWORK);
        }
    }

    @Test
    void defaultsAreFiveFailuresThirtySecondsOnePermit() {
        CircuitBreakerPolicy d = CircuitBreakerPolicy.ofDefaults();
        assertThat(d.failureThreshold()).isEqualTo(5);
        assertThat(d.openDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.halfOpenPermits()).isEqualTo(1);
        assertThat(d.toBuilder().build()).isEqualTo(d);
    }

    @Test
    void opensAfterThresholdConsecutiveFailures() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.CLOSED);

        fail(1);

        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquirePermission()).isFalse();
        assertThat(breaker.remainingOpen()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aSuccessInBetweenKeepsItClosed() {
        fail(2);
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onSuccess();
        fail(2);

        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.CLOSED);
    }

    @Test
    void becomesHalfOpenAfterOpenDurationAndClosesOnSuccess() {
        fail(3);
        time.advance(Duration.ofSeconds(20));
        assertThat(breaker.tryAcquirePermission()).isFalse();
        assertThat(breaker.remainingOpen()).isEqualTo(Duration.ofSeconds(10));

        time.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(breaker.remainingOpen()).isEqualTo(Duration.ofNanos(1));
        assertThat(breaker.tryAcquirePermission()).isFalse();
        time.advance(Duration.ofNanos(1));

        assertThat(breaker.remainingOpen()).isZero();
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquirePermission()).as("one trial permit only").isFalse();

        breaker.onSuccess();

        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.CLOSED);
    }

    @Test
    void aFailedTrialReopensForAnotherOpenDuration() {
        fail(3);
        time.advance(Duration.ofSeconds(31));
        assertThat(breaker.tryAcquirePermission()).isTrue();

        breaker.onFailure(ErrorCode.CONNECTION_TIMEOUT);

        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.OPEN);
        assertThat(breaker.remainingOpen()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void cancelledAttemptsAreNotFailures() {
        for (int i = 0; i < 5; i++) {
            assertThat(breaker.tryAcquirePermission()).isTrue();
            breaker.onFailure(ErrorCode.CANCELLED);
        }
        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.CLOSED);
    }

    @Test
    void disabledBreakerNeverOpens() {
        ConnectCircuitBreaker off = ConnectCircuitBreaker.create(CircuitBreakerPolicy.disabled(), time.clock());
        for (int i = 0; i < 50; i++) {
            assertThat(off.tryAcquirePermission()).isTrue();
            off.onFailure(ErrorCode.NETWORK);
        }
        assertThat(off.state()).isEqualTo(ConnectCircuitBreaker.State.CLOSED);
        assertThat(off.unwrap()).isEmpty();
    }

    @Test
    void resetClosesIt() {
        fail(3);
        breaker.reset();
        assertThat(breaker.state()).isEqualTo(ConnectCircuitBreaker.State.CLOSED);
        assertThat(breaker.remainingOpen()).isZero();
    }

    @Test
    void policyRejectsBadValues() {
        assertThatThrownBy(() -> CircuitBreakerPolicy.builder().failureThreshold(0))
                .hasMessage("failureThreshold: 0 (expected: > 0)");
        assertThatThrownBy(() -> CircuitBreakerPolicy.builder().openDuration(Duration.ofSeconds(-1)))
                .hasMessage("openDuration: PT-1S (expected: > 0)");
        assertThatThrownBy(() -> CircuitBreakerPolicy.builder().openDuration(Duration.ofNanos(500)))
                .hasMessage("openDuration: PT0.0000005S (expected: >= 1 ms)");
    }
}
