package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-neutral reconnect loop. A transport calls {@link #connected()} when a connection
 * is up and {@link #connectionLost(ErrorCode)} when it is lost; the controller then waits a
 * jittered backoff ({@link ReconnectPolicy#delay}) and calls the connect attempt, again and again,
 * until one succeeds, the cause is not retryable, or {@link ReconnectPolicy#maxAttempts()} is
 * spent. While the {@link ConnectCircuitBreaker} is open it makes no attempt: it waits the breaker
 * out and reports {@link ErrorCode#CIRCUIT_OPEN} as the cause of the wait. The attempt counter
 * resets once a connection has stayed up for {@link ReconnectPolicy#stablePeriod()}, so a
 * flapping connection keeps backing off.
 *
 * <p>Every step runs as a task on the {@link TaskScheduler} (attempt outcomes too, even when the
 * attempt completes synchronously), so nothing recurses however many attempts fail in a row.
 * Listener callbacks are made without holding the controller's lock.
 *
 * <p>Thread-safe. {@link #close()} stops it for good; {@link #cancel()} stops the current loop
 * but lets a later {@link #connectionLost(ErrorCode)} start a new one.
 */
public final class ReconnectController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconnectController.class);

    /**
     * What the controller reports. Callbacks run on the scheduler's thread, or on the thread that
     * called {@link ReconnectController#connectionLost(ErrorCode)} for the first
     * {@link #onReconnecting}; they must not block. After {@link #onGaveUp} the loop is over.
     */
    public interface Listener {
        /**
         * Attempt {@code attempt} (1-based, counted since the last stable connection) starts after
         * {@code delay}. {@code cause} is the error that made the last attempt (or the connection)
         * fail, or {@link ErrorCode#CIRCUIT_OPEN} when the wait is for the circuit breaker.
         */
        default void onReconnecting(int attempt, Duration delay, ErrorCode cause) {
        }

        /** Connected again, after {@code attempts} attempts in this loop. */
        default void onReconnected(int attempts) {
        }

        /** The loop is over without a connection: {@code cause} is not retryable, or the budget is spent. */
        default void onGaveUp(ErrorCode cause, String reason) {
        }
    }

    private enum Phase { IDLE, CONNECTED, WAITING, ATTEMPTING, CLOSED }

    private final ReconnectPolicy policy;
    private final TaskScheduler scheduler;
    private final RandomGenerator random;
    private final ConnectCircuitBreaker breaker;
    private final Supplier<? extends CompletionStage<?>> connectAttempt;
    private final Listener listener;

    // Guarded by this.
    private Phase phase = Phase.IDLE;
    private long generation;
    private int attempts;
    private int loopAttempts;
    private Cancellable timer = Cancellable.NOOP;
    private Cancellable stableTimer = Cancellable.NOOP;
    private @Nullable ErrorCode lostDuringAttempt;

    private ReconnectController(Builder b) {
        this.policy = b.policy;
        this.scheduler = requireNonNull(b.scheduler, "scheduler");
        this.random = b.random != null ? b.random : new SplittableRandom();
        this.breaker = b.breaker != null
                ? b.breaker
                : ConnectCircuitBreaker.create(CircuitBreakerPolicy.ofDefaults(), scheduler.clock());
        this.connectAttempt = requireNonNull(b.connectAttempt, "connectAttempt");
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The policy. */
    public ReconnectPolicy policy() {
        return policy;
    }

    /** The circuit breaker guarding the attempts. */
    public ConnectCircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** Attempts made since the last stable connection (what backoff and maxAttempts count). */
    public synchronized int attemptsSoFar() {
        return attempts;
    }

    /** Whether a reconnect loop is under way (waiting or attempting). */
    public synchronized boolean isReconnecting() {
        return phase == Phase.WAITING || phase == Phase.ATTEMPTING;
    }

    /**
     * A connection is up (the first one, or one the transport made by itself): any pending
     * attempt is cancelled and the stable-period timer starts; when it fires, the attempt counter
     * resets to zero.
     */
    public void connected() {
        synchronized (this) {
            if (phase == Phase.CLOSED) {
                return;
            }
            if (phase == Phase.ATTEMPTING) {
                // Let an in-flight attempt's outcome be ignored.
                generation++;
            }
            markConnected();
        }
    }

    /**
     * The connection was lost with {@code cause}: starts the loop (or reports giving up at once
     * if {@code cause} is not retryable or the budget is spent). Ignored while waiting for an
     * attempt and after {@link #close()}. During an attempt it is remembered: if the attempt
     * turns out to have succeeded, the new connection counts as lost at once.
     */
    public void connectionLost(ErrorCode cause) {
        requireNonNull(cause, "cause");
        List<Runnable> events = new ArrayList<>(1);
        synchronized (this) {
            if (phase == Phase.ATTEMPTING) {
                lostDuringAttempt = cause;
                return;
            }
            if (phase == Phase.CLOSED || phase == Phase.WAITING) {
                return;
            }
            startLoop(cause, events);
        }
        fire(events);
    }

    private void startLoop(ErrorCode cause, List<Runnable> events) {
        stableTimer.cancel();
        stableTimer = Cancellable.NOOP;
        generation++;
        loopAttempts = 0;
        lostDuringAttempt = null;
        next(cause, events);
    }

    /** Stops the current loop and every timer; a later {@link #connectionLost} starts a new one. */
    public synchronized void cancel() {
        if (phase == Phase.CLOSED) {
            return;
        }
        stopTimers();
        phase = Phase.IDLE;
    }

    /** Stops everything for good. Idempotent. */
    @Override
    public synchronized void close() {
        stopTimers();
        phase = Phase.CLOSED;
    }

    private void stopTimers() {
        generation++;
        lostDuringAttempt = null;
        timer.cancel();
        stableTimer.cancel();
        timer = Cancellable.NOOP;
        stableTimer = Cancellable.NOOP;
    }

    private void markConnected() {
        lostDuringAttempt = null;
        timer.cancel();
        timer = Cancellable.NOOP;
        stableTimer.cancel();
        phase = Phase.CONNECTED;
        long gen = ++generation;
        stableTimer = scheduler.schedule(() -> stable(gen), policy.stablePeriod());
    }

    private void stable(long gen) {
        synchronized (this) {
            if (gen == generation && phase == Phase.CONNECTED) {
                attempts = 0;
                stableTimer = Cancellable.NOOP;
            }
        }
    }

    /** Decides the next step after a failure with {@code cause}. Holds the lock. */
    private void next(ErrorCode cause, List<Runnable> events) {
        int attempt = attempts + 1;
        if (!policy.shouldRetry(cause, attempt)) {
            phase = Phase.IDLE;
            String reason;
            if (!policy.enabled()) {
                reason = "reconnect is disabled";
            } else if (!cause.retryable()) {
                reason = "not retryable: " + cause;
            } else {
                reason = "gave up after " + attempts + " attempts (maxAttempts " + policy.maxAttempts() + ")";
            }
            events.add(() -> listener.onGaveUp(cause, reason));
            return;
        }
        Duration delay = policy.delay(attempt, random);
        ErrorCode reported = cause;
        Duration open = breaker.remainingOpen();
        if (open.compareTo(delay) > 0) {
            delay = open;
            reported = ErrorCode.CIRCUIT_OPEN;
        }
        scheduleAttempt(attempt, delay, reported, events);
    }

    private void scheduleAttempt(int attempt, Duration delay, ErrorCode reported, List<Runnable> events) {
        phase = Phase.WAITING;
        long gen = generation;
        timer = scheduler.schedule(() -> attemptDue(gen, attempt), delay);
        events.add(() -> listener.onReconnecting(attempt, delay, reported));
    }

    private void attemptDue(long gen, int attempt) {
        List<Runnable> events = new ArrayList<>(1);
        boolean go = false;
        synchronized (this) {
            if (gen != generation || phase != Phase.WAITING) {
                return;
            }
            timer = Cancellable.NOOP;
            if (!breaker.tryAcquirePermission()) {
                Duration wait = breaker.remainingOpen();
                if (wait.isZero()) {
                    // Half-open with every trial permit taken elsewhere: look again shortly.
                    wait = policy.minDelay();
                }
                scheduleAttempt(attempt, wait, ErrorCode.CIRCUIT_OPEN, events);
            } else {
                phase = Phase.ATTEMPTING;
                attempts = attempt;
                loopAttempts++;
                go = true;
            }
        }
        fire(events);
        if (!go) {
            return;
        }
        CompletionStage<?> stage;
        try {
            stage = requireNonNull(connectAttempt.get(), "connectAttempt returned null");
        } catch (RuntimeException e) {
            scheduleOutcome(gen, e);
            return;
        }
        stage.whenComplete((ok, error) -> scheduleOutcome(gen, error));
    }

    private void scheduleOutcome(long gen, @Nullable Throwable error) {
        try {
            scheduler.schedule(() -> outcome(gen, error), Duration.ZERO);
        } catch (RuntimeException e) {
            // The scheduler is shut down: the owner is going away; nothing more to do.
            log.debug("Reconnect outcome dropped: scheduler rejected it", e);
        }
    }

    private void outcome(long gen, @Nullable Throwable error) {
        List<Runnable> events = new ArrayList<>(1);
        synchronized (this) {
            if (gen != generation || phase != Phase.ATTEMPTING) {
                // Cancelled, closed or superseded by connected(): give the permission back.
                if (error == null) {
                    breaker.onSuccess();
                } else {
                    breaker.release();
                }
                return;
            }
            if (error == null) {
                breaker.onSuccess();
                int n = loopAttempts;
                ErrorCode lost = lostDuringAttempt;
                markConnected();
                events.add(() -> listener.onReconnected(n));
                if (lost != null) {
                    startLoop(lost, events);
                }
            } else {
                lostDuringAttempt = null;
                ErrorCode code = codeOf(error);
                breaker.onFailure(code);
                next(code, events);
            }
        }
        fire(events);
    }

    /** The error code of a failed attempt: the {@link VoxwireException}'s, else NETWORK. */
    static ErrorCode codeOf(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof VoxwireException v) {
            return v.code();
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return ErrorCode.CONNECTION_TIMEOUT;
        }
        return ErrorCode.NETWORK;
    }

    private static void fire(List<Runnable> events) {
        for (Runnable r : events) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("Reconnect listener failed", e);
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "ReconnectController{phase=" + phase + ", attempts=" + attempts + ", policy=" + policy + "}";
    }

    /** Builds a {@link ReconnectController}; {@code scheduler} and {@code connectAttempt} are required. */
    public static final class Builder {
        private ReconnectPolicy policy = ReconnectPolicy.ofDefaults();
        private @Nullable TaskScheduler scheduler;
        private @Nullable RandomGenerator random;
        private @Nullable ConnectCircuitBreaker breaker;
        private @Nullable Supplier<? extends CompletionStage<?>> connectAttempt;
        private Listener listener = new Listener() { };

        private Builder() {
        }

        /** The policy; default {@link ReconnectPolicy#ofDefaults()}. */
        public Builder policy(ReconnectPolicy policy) {
            this.policy = requireNonNull(policy, "policy");
            return this;
        }

        /** Runs the timers and attempt outcomes. Required. */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The jitter source; default a new {@link SplittableRandom}. Seed it in tests. */
        public Builder random(RandomGenerator random) {
            this.random = requireNonNull(random, "random");
            return this;
        }

        /**
         * The breaker over attempts; default one with {@link CircuitBreakerPolicy#ofDefaults()} on
         * the scheduler's clock.
         */
        public Builder circuitBreaker(ConnectCircuitBreaker breaker) {
            this.breaker = requireNonNull(breaker, "breaker");
            return this;
        }

        /**
         * Makes one connect attempt; its stage completes normally when connected, or
         * exceptionally (ideally with a {@link VoxwireException} carrying the code; anything else
         * counts as {@link ErrorCode#NETWORK}). Required.
         */
        public Builder connectAttempt(Supplier<? extends CompletionStage<?>> connectAttempt) {
            this.connectAttempt = requireNonNull(connectAttempt, "connectAttempt");
            return this;
        }

        /** Receives the loop's events; default none. */
        public Builder listener(Listener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        public ReconnectController build() {
            return new ReconnectController(this);
        }
    }
}
