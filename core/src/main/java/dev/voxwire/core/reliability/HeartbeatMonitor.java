package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link HeartbeatPolicy} for one connection: every {@link HeartbeatPolicy#interval()}
 * it calls the ping action; a ping without {@link #pongReceived()} within
 * {@link HeartbeatPolicy#pongTimeout()} counts as missed ({@link Listener#onMissed}); after
 * {@link HeartbeatPolicy#missedThreshold()} misses in a row the monitor stops and reports
 * {@link Listener#onDead()}, on which the transport drops the connection and reconnects. A
 * half-open peer is thus detected within {@code interval * missedThreshold + pongTimeout}.
 *
 * <p>All timers run on the injected {@link TaskScheduler}, so tests drive it with a
 * {@link ManualTaskScheduler}. A disabled policy makes {@link #start()} a no-op.
 *
 * <p>Thread-safe. The monitor may be started again after {@link #stop()} or after it reported
 * the peer dead (for the next connection); each start begins with no misses.
 */
public final class HeartbeatMonitor {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatMonitor.class);

    /**
     * What the monitor reports. Callbacks run on the scheduler's thread (the connection's event
     * loop, for Netty transports), except {@link #onRoundTrip} which runs on the thread that
     * called {@link HeartbeatMonitor#pongReceived()}. They must not block. {@link #onDead()}
     * is the last callback of a run. Callbacks are never invoked while the monitor holds its lock,
     * so they may call back into it (for instance {@link HeartbeatMonitor#stop()}).
     */
    public interface Listener {
        /** {@code missed} pings in a row went unanswered; at {@code threshold} the peer is dead. */
        default void onMissed(int missed, int threshold) {
        }

        /** The missed-pong threshold was reached; the monitor has stopped. */
        default void onDead() {
        }

        /** A pong answered the last ping after {@code roundTrip}. */
        default void onRoundTrip(Duration roundTrip) {
        }
    }

    private final HeartbeatPolicy policy;
    private final TaskScheduler scheduler;
    private final Runnable ping;
    private final Listener listener;

    // Guarded by this.
    private boolean running;
    private long generation;
    private int missed;
    private long pingSentNanos;
    private boolean rttPending;
    private boolean awaitingPong;
    private Cancellable pingTimer = Cancellable.NOOP;
    private Cancellable timeoutTimer = Cancellable.NOOP;
    private volatile @Nullable Duration lastRoundTrip;

    private HeartbeatMonitor(HeartbeatPolicy policy, TaskScheduler scheduler, Runnable ping, Listener listener) {
        this.policy = policy;
        this.scheduler = scheduler;
        this.ping = ping;
        this.listener = listener;
    }

    /**
     * A stopped monitor.
     *
     * @param policy interval, pong timeout and threshold
     * @param scheduler runs the timers and tells the time
     * @param ping sends one ping (for instance a {@code system:ping} envelope or a WebSocket ping
     *     frame); must not block; an exception it throws is logged and the ping counts as unanswered
     * @param listener receives misses, death and round trips
     */
    public static HeartbeatMonitor create(
            HeartbeatPolicy policy, TaskScheduler scheduler, Runnable ping, Listener listener) {
        return new HeartbeatMonitor(
                requireNonNull(policy, "policy"),
                requireNonNull(scheduler, "scheduler"),
                requireNonNull(ping, "ping"),
                requireNonNull(listener, "listener"));
    }

    /** The policy this monitor runs. */
    public HeartbeatPolicy policy() {
        return policy;
    }

    /** Starts pinging: the first ping goes out after one interval. No-op if running or disabled. */
    public synchronized void start() {
        if (running || !policy.enabled()) {
            return;
        }
        running = true;
        generation++;
        missed = 0;
        awaitingPong = false;
        rttPending = false;
        schedulePing(generation);
    }

    /** Stops the monitor and cancels every timer. Idempotent; reports nothing. */
    public synchronized void stop() {
        running = false;
        generation++;
        awaitingPong = false;
        pingTimer.cancel();
        timeoutTimer.cancel();
        pingTimer = Cancellable.NOOP;
        timeoutTimer = Cancellable.NOOP;
    }

    /** Whether the monitor is running. */
    public synchronized boolean isRunning() {
        return running;
    }

    /** Misses in a row so far. */
    public synchronized int missed() {
        return missed;
    }

    /** The round trip measured by the last pong that answered a ping, if any. */
    public Optional<Duration> lastRoundTrip() {
        return Optional.ofNullable(lastRoundTrip);
    }

    /**
     * The peer answered: the misses reset, and if this is the first pong since the last ping,
     * the round trip is recorded. A late pong (after its ping was counted as missed) still
     * proves the peer alive. Ignored when the monitor is not running.
     */
    public void pongReceived() {
        Duration rtt = null;
        synchronized (this) {
            if (!running) {
                return;
            }
            missed = 0;
            if (rttPending) {
                rtt = Duration.ofNanos(Math.max(0, nowNanos() - pingSentNanos));
                rttPending = false;
                lastRoundTrip = rtt;
            }
            if (awaitingPong) {
                awaitingPong = false;
                timeoutTimer.cancel();
                timeoutTimer = Cancellable.NOOP;
            }
        }
        if (rtt != null) {
            try {
                listener.onRoundTrip(rtt);
            } catch (RuntimeException e) {
                log.warn("Heartbeat listener failed in onRoundTrip", e);
            }
        }
    }

    private void schedulePing(long gen) {
        pingTimer = scheduler.schedule(() -> pingDue(gen), policy.interval());
    }

    private void pingDue(long gen) {
        boolean dead;
        int missedNow;
        synchronized (this) {
            if (!running || gen != generation) {
                return;
            }
            missedNow = -1;
            dead = false;
            if (awaitingPong) {
                // The previous ping's timeout has not fired yet (pongTimeout == interval on a
                // real executor): count it now, before the next ping.
                timeoutTimer.cancel();
                awaitingPong = false;
                missedNow = ++missed;
                dead = missed >= policy.missedThreshold();
                if (dead) {
                    stop();
                }
            }
            if (!dead) {
                awaitingPong = true;
                pingSentNanos = nowNanos();
                rttPending = true;
                timeoutTimer = scheduler.schedule(() -> timeoutDue(gen), policy.pongTimeout());
                schedulePing(gen);
            }
        }
        if (missedNow > 0) {
            report(missedNow, dead);
        }
        if (!dead) {
            try {
                ping.run();
            } catch (RuntimeException e) {
                log.warn("Heartbeat ping failed; it counts as unanswered", e);
            }
        }
    }

    private void timeoutDue(long gen) {
        boolean dead;
        int missedNow;
        synchronized (this) {
            if (!running || gen != generation || !awaitingPong) {
                return;
            }
            awaitingPong = false;
            timeoutTimer = Cancellable.NOOP;
            missedNow = ++missed;
            dead = missed >= policy.missedThreshold();
            if (dead) {
                stop();
            }
        }
        report(missedNow, dead);
    }

    private void report(int missedNow, boolean dead) {
        try {
            listener.onMissed(missedNow, policy.missedThreshold());
        } catch (RuntimeException e) {
            log.warn("Heartbeat listener failed in onMissed", e);
        }
        if (dead) {
            try {
                listener.onDead();
            } catch (RuntimeException e) {
                log.warn("Heartbeat listener failed in onDead", e);
            }
        }
    }

    private long nowNanos() {
        Instant now = scheduler.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public synchronized String toString() {
        return "HeartbeatMonitor{running=" + running + ", missed=" + missed + ", policy=" + policy + "}";
    }
}
