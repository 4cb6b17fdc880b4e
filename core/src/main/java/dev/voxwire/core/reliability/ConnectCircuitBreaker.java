package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A circuit breaker over connect attempts, backed by a Resilience4j {@link CircuitBreaker}
 * with a count-based window of {@link CircuitBreakerPolicy#failureThreshold()} calls and a 100%
 * failure-rate threshold (so exactly that many consecutive failures open it).
 *
 * <p>Usage: {@link #tryAcquirePermission()} before an attempt; if it returns {@code true},
 * report the outcome with {@link #onSuccess()} or {@link #onFailure(ErrorCode)}. The open to
 * half-open transition happens on the first {@link #tryAcquirePermission()} once
 * {@link CircuitBreakerPolicy#openDuration()} has passed (no background thread), measured on the injected
 * {@link Clock}, so a {@link ManualTaskScheduler#clock()} makes it testable.
 *
 * <p>Thread-safe.
 */
public final class ConnectCircuitBreaker {
    /** The breaker's state. */
    public enum State {
        /** Attempts go through; failures are counted. */
        CLOSED,
        /** Attempts are refused until {@link #remainingOpen()} has passed. */
        OPEN,
        /** A limited number of trial attempts go through. */
        HALF_OPEN
    }

    private final CircuitBreakerPolicy policy;
    private final Clock clock;
    private final @Nullable CircuitBreaker delegate;
    private volatile @Nullable Instant openedAt;

    private ConnectCircuitBreaker(String name, CircuitBreakerPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        if (!policy.enabled()) {
            this.delegate = null;
            return;
        }
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(policy.failureThreshold())
                .minimumNumberOfCalls(policy.failureThreshold())
                .failureRateThreshold(100f)
                .slowCallRateThreshold(100f)
                .slowCallDurationThreshold(Duration.ofDays(365))
                .waitDurationInOpenState(policy.openDuration())
                .permittedNumberOfCallsInHalfOpenState(policy.halfOpenPermits())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordExceptions(Throwable.class)
                .clock(clock)
                .currentTimestampFunction(c -> c.millis(), TimeUnit.MILLISECONDS)
                .build();
        CircuitBreaker cb = CircuitBreaker.of(name, config);
        cb.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State to = e.getStateTransition().getToState();
            openedAt = to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN ? clock.instant() : null;
        });
        this.delegate = cb;
    }

    /** A breaker with {@code policy} on the system UTC clock. */
    public static ConnectCircuitBreaker create(CircuitBreakerPolicy policy) {
        return create("voxwire-connect", policy, Clock.systemUTC());
    }

    /** A breaker with {@code policy} measuring time on {@code clock}. */
    public static ConnectCircuitBreaker create(CircuitBreakerPolicy policy, Clock clock) {
        return create("voxwire-connect", policy, clock);
    }

    /** A breaker named {@code name} (the Resilience4j name, for its metrics and events). */
    public static ConnectCircuitBreaker create(String name, CircuitBreakerPolicy policy, Clock clock) {
        return new ConnectCircuitBreaker(
                requireNonNull(name, "name"), requireNonNull(policy, "policy"), requireNonNull(clock, "clock"));
    }

    /** The policy. */
    public CircuitBreakerPolicy policy() {
        return policy;
    }

    /**
     * Whether an attempt may be made now. A {@code true} must be followed by exactly one
     * {@link #onSuccess()}, {@link #onFailure(ErrorCode)} or {@link #release()}.
     */
    public boolean tryAcquirePermission() {
        if (delegate == null) {
            return true;
        }
        // Resilience4j counts its wait in milliseconds and lets attempts through only strictly
        // after it; move to half-open ourselves so that it happens exactly when
        // remainingOpen() reaches zero.
        synchronized (this) {
            if (delegate.getState() == CircuitBreaker.State.OPEN && openedAt != null && remainingOpen().isZero()) {
                try {
                    delegate.transitionToHalfOpenState();
                } catch (IllegalStateTransitionException e) {
                    // Someone else moved it on in between: fine.
                }
            }
        }
        return delegate.tryAcquirePermission();
    }

    /** Gives back a permission without an outcome (the attempt was cancelled before it ran). */
    public void release() {
        if (delegate != null) {
            delegate.releasePermission();
        }
    }

    /** The attempt succeeded. */
    public void onSuccess() {
        if (delegate != null) {
            delegate.onSuccess(0, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The attempt failed with {@code code}. {@link ErrorCode#CANCELLED} and
     * {@link ErrorCode#CLOSED} are not failures of the peer: they only give the permission back.
     */
    public void onFailure(ErrorCode code) {
        requireNonNull(code, "code");
        if (delegate == null) {
            return;
        }
        if (code == ErrorCode.CANCELLED || code == ErrorCode.CLOSED) {
            delegate.releasePermission();
            return;
        }
        delegate.onError(0, TimeUnit.NANOSECONDS, new VoxwireException(code, "connect attempt failed: " + code));
    }

    /** The current state (Resilience4j's forced and disabled states map to OPEN and CLOSED). */
    public State state() {
        if (delegate == null) {
            return State.CLOSED;
        }
        return switch (delegate.getState()) {
            case OPEN, FORCED_OPEN -> State.OPEN;
            case HALF_OPEN -> State.HALF_OPEN;
            default -> State.CLOSED;
        };
    }

    /**
     * How long the breaker stays open from now; {@link Duration#ZERO} when it is not open or its
     * open duration has passed (the next {@link #tryAcquirePermission()} moves it to half-open).
     */
    public Duration remainingOpen() {
        Instant opened = openedAt;
        if (opened == null || state() != State.OPEN) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), opened.plus(policy.openDuration()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Forgets every failure and closes the breaker. */
    public void reset() {
        if (delegate != null) {
            delegate.reset();
            openedAt = null;
        }
    }

    /**
     * The underlying Resilience4j breaker (for instance to bind its metrics), if the policy is
     * enabled.
     */
    public java.util.Optional<CircuitBreaker> unwrap() {
        return java.util.Optional.ofNullable(delegate);
    }

    @Override
    public String toString() {
        return "ConnectCircuitBreaker{state=" + state() + ", policy=" + policy + "}";
    }
}
