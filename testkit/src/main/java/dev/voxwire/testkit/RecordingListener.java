package dev.voxwire.testkit;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TransportListener} that records every {@link TransportEvent} so a test can wait for
 * them, in order, with a timeout: the testkit's answer to {@code Thread.sleep}.
 *
 * <pre>{@code
 * RecordingListener events = RecordingListener.create();
 * transport.onEvent(events);
 * transport.connect();
 * events.expectState(ConnectionState.CONNECTING, Duration.ofSeconds(5));
 * events.expectState(ConnectionState.CONNECTED, Duration.ofSeconds(5));
 * RequestHandle request = transport.send(envelope);
 * events.expectResult(request.id(), Duration.ofSeconds(5));
 * events.assertExhausted();
 * }</pre>
 *
 * <p>Events are consumed in the order they arrived. The {@code take}/{@code expect} methods are
 * <b>strict</b>: they look at the next event only and fail if it is not the one expected. The
 * {@code await} methods <b>skip</b> (and consume) events until one matches, for tests that do not
 * care about what comes in between. Every failure is an {@link AssertionError} whose message lists
 * what was expected and what was received, so any test framework reports it.
 *
 * <p>{@link #onEvent} never blocks and may be called from any thread (usually an event loop). The
 * other methods are for the test thread. This class needs no test framework.
 */
public final class RecordingListener implements TransportListener {
    private final BlockingQueue<TransportEvent> queue = new LinkedBlockingQueue<>();
    private final List<TransportEvent> all = new CopyOnWriteArrayList<>();

    private RecordingListener() {
    }

    /** A new, empty recorder. */
    public static RecordingListener create() {
        return new RecordingListener();
    }

    @Override
    public void onEvent(TransportEvent event) {
        requireNonNull(event, "event");
        all.add(event);
        queue.add(event);
    }

    /**
     * The next event, waiting up to {@code timeout}.
     *
     * @throws AssertionError when none arrives in time; the message lists the events received so far
     */
    public TransportEvent takeEvent(Duration timeout) {
        TransportEvent e = poll(timeout);
        if (e == null) {
            throw new AssertionError("No event within " + timeout + "; received so far (all consumed): " + all);
        }
        return e;
    }

    /**
     * The next event, which must be a {@code type}: strict, nothing is skipped.
     *
     * @throws AssertionError when none arrives in time or the next one is of another type
     */
    public <T extends TransportEvent> T expect(Class<T> type, Duration timeout) {
        requireNonNull(type, "type");
        TransportEvent e = poll(timeout);
        if (e == null) {
            throw new AssertionError("Expected " + name(type) + " within " + timeout + " but no event arrived; received so far: "
                    + all);
        }
        if (!type.isInstance(e)) {
            throw new AssertionError("Expected " + name(type) + " but the next event was " + e + "; still queued: "
                    + remaining());
        }
        return type.cast(e);
    }

    /**
     * The next event, which must be a {@code StateChanged} to {@code to}: strict, nothing is skipped
     * (not even other state changes). See {@link #awaitState} for the lenient variant.
     *
     * @throws AssertionError otherwise
     */
    public TransportEvent.StateChanged expectState(ConnectionState to, Duration timeout) {
        requireNonNull(to, "to");
        TransportEvent.StateChanged e = expect(TransportEvent.StateChanged.class, timeout);
        if (e.to() != to) {
            throw new AssertionError("Expected a state change to " + to + " but the next event was " + e + "; still queued: "
                    + remaining());
        }
        return e;
    }

    /**
     * Waits up to {@code timeout} for a {@code StateChanged} to {@code to}, consuming (and
     * ignoring) every event before it.
     *
     * @throws AssertionError when none arrives in time; the message lists the skipped events
     */
    public TransportEvent.StateChanged awaitState(ConnectionState to, Duration timeout) {
        requireNonNull(to, "to");
        return await(TransportEvent.StateChanged.class, e -> e.to() == to, "a state change to " + to, timeout);
    }

    /**
     * The next event, which must be an {@code Error} with {@code code}: strict.
     *
     * @throws AssertionError otherwise
     */
    public TransportEvent.Error expectError(ErrorCode code, Duration timeout) {
        requireNonNull(code, "code");
        TransportEvent.Error e = expect(TransportEvent.Error.class, timeout);
        if (e.code() != code) {
            throw new AssertionError("Expected an error " + code + " but the next event was " + e + "; still queued: "
                    + remaining());
        }
        return e;
    }

    /**
     * The next event, which must be the {@code Result} of request {@code requestId}: strict.
     *
     * @throws AssertionError otherwise
     */
    public TransportEvent.Result expectResult(String requestId, Duration timeout) {
        requireNonNull(requestId, "requestId");
        TransportEvent.Result e = expect(TransportEvent.Result.class, timeout);
        if (!e.requestId().equals(requestId)) {
            throw new AssertionError("Expected the result of request " + requestId + " but the next event was " + e
                    + "; still queued: " + remaining());
        }
        return e;
    }

    /**
     * Waits up to {@code timeout} (in total) for an event of {@code type}, consuming every event
     * before it.
     *
     * @throws AssertionError when none arrives in time; the message lists the skipped events
     */
    public <T extends TransportEvent> T await(Class<T> type, Duration timeout) {
        requireNonNull(type, "type");
        return await(type, e -> true, name(type), timeout);
    }

    /**
     * Waits up to {@code timeout} (in total) for an event of {@code type} that matches
     * {@code condition}, consuming every event before it.
     *
     * @throws AssertionError when none arrives in time; the message lists the skipped events
     */
    public <T extends TransportEvent> T await(Class<T> type, Predicate<? super T> condition, Duration timeout) {
        requireNonNull(type, "type");
        requireNonNull(condition, "condition");
        return await(type, condition, name(type) + " matching the condition", timeout);
    }

    /**
     * Fails if an event is waiting now.
     *
     * @throws AssertionError listing the unconsumed events
     */
    public void assertExhausted() {
        List<TransportEvent> left = remaining();
        if (!left.isEmpty()) {
            throw new AssertionError("Expected no more events but " + left.size() + " were not consumed: " + left);
        }
    }

    /**
     * Fails if an event is waiting now or arrives within {@code quiet}. Blocks for {@code quiet}
     * when all is well.
     *
     * @throws AssertionError naming the event
     */
    public void assertNoMoreEvents(Duration quiet) {
        assertExhausted();
        TransportEvent e = poll(quiet);
        if (e != null) {
            throw new AssertionError("Expected no event for " + quiet + " but received " + e + "; then queued: " + remaining());
        }
    }

    /** Every event recorded so far, consumed or not, in arrival order. A snapshot. */
    public List<TransportEvent> events() {
        return List.copyOf(all);
    }

    /** The events not consumed yet, in arrival order. A snapshot. */
    public List<TransportEvent> remaining() {
        return List.copyOf(queue);
    }

    @Override
    public String toString() {
        return "RecordingListener[recorded=" + all.size() + ", unconsumed=" + queue.size() + "]";
    }

    private <T extends TransportEvent> T await(Class<T> type, Predicate<? super T> condition, String what,
            Duration timeout) {
        long deadline = System.nanoTime() + nanos(timeout);
        List<TransportEvent> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            TransportEvent e = left > 0 ? poll(Duration.ofNanos(left)) : queue.poll();
            if (e == null) {
                throw new AssertionError("Expected " + what + " within " + timeout + " but it did not arrive; skipped: "
                        + skipped);
            }
            if (type.isInstance(e) && condition.test(type.cast(e))) {
                return type.cast(e);
            }
            skipped.add(e);
        }
    }

    private @Nullable TransportEvent poll(Duration timeout) {
        try {
            return queue.poll(nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for an event; received so far: " + all, e);
        }
    }

    private static long nanos(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String name(Class<?> type) {
        return type.getEnclosingClass() == TransportEvent.class ? "TransportEvent." + type.getSimpleName()
                : type.getName();
    }
}
