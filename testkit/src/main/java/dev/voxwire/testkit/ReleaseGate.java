package dev.voxwire.testkit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gate that scripted responses of a {@link ScriptedVoxwireServer} wait at until the test
 * {@linkplain #release() releases} it: the way to say "answer only after this point of the test"
 * without any wall-clock delay.
 *
 * <pre>{@code
 * ReleaseGate gate = ReleaseGate.create();
 * server.enqueue("audio:analyze", ScriptedResponse.builder()
 *         .emit("analysis:progress", "{\"stage\":\"decoded\",\"progress\":0.1}")
 *         .await(gate)
 *         .emit("analysis:result", "{\"durationMs\":1000}")
 *         .build());
 * ...
 * gate.awaitReached(timeout);   // the response is waiting at the gate
 * gate.release();               // the result goes out now
 * }</pre>
 *
 * <p>Once released a gate stays open: responses reaching it later pass at once. Thread-safe.
 */
public final class ReleaseGate {
    private final List<Runnable> waiting = new ArrayList<>();
    private boolean released;
    private int reached;

    private ReleaseGate() {
    }

    /** A closed gate. */
    public static ReleaseGate create() {
        return new ReleaseGate();
    }

    /** Opens the gate: every response waiting at it continues, and later ones pass at once. */
    public void release() {
        List<Runnable> go;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            go = new ArrayList<>(waiting);
            waiting.clear();
        }
        go.forEach(Runnable::run);
    }

    /** Whether {@link #release()} was called. */
    public synchronized boolean isReleased() {
        return released;
    }

    /** How many responses have reached the gate so far (waiting or passed). */
    public synchronized int reached() {
        return reached;
    }

    /**
     * Waits until at least {@code count} responses have reached the gate.
     *
     * @throws AssertionError when they do not within {@code timeout}
     */
    public void awaitReached(int count, Duration timeout) {
        requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (reached < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + count + " response(s) to reach the gate within " + timeout
                            + ", but " + reached + " did");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for the gate", e);
                }
            }
        }
    }

    /** Waits until a response has reached the gate; see {@link #awaitReached(int, Duration)}. */
    public void awaitReached(Duration timeout) {
        awaitReached(1, timeout);
    }

    /** Runs {@code next} once the gate is open (at once when it is). */
    void pass(Runnable next) {
        boolean now;
        synchronized (this) {
            reached++;
            notifyAll();
            now = released;
            if (!now) {
                waiting.add(next);
            }
        }
        if (now) {
            next.run();
        }
    }

    @Override
    public synchronized String toString() {
        return "ReleaseGate{released=" + released + ", reached=" + reached + ", waiting=" + waiting.size() + "}";
    }
}
