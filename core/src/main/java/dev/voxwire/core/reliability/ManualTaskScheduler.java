package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A {@link TaskScheduler} on virtual time, for tests (ours and yours): nothing runs until
 * {@link #advance(Duration)} moves the time forward, and then every task that falls due runs,
 * in time order (ties in the order they were scheduled), on the calling thread. Tasks that
 * are scheduled while advancing and fall due inside the window run too. {@link #clock()}
 * follows the virtual time.
 *
 * <p>Thread-safe: tasks may be scheduled and cancelled from any thread. An exception thrown by
 * a task propagates out of {@link #advance(Duration)} (the task is already removed, the
 * virtual time stays at its due time), so a failing timer fails the test.
 */
public final class ManualTaskScheduler implements TaskScheduler {
    /** The virtual time a scheduler starts at when none is given. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final Object lock = new Object();
    private final PriorityQueue<Task> queue =
            new PriorityQueue<>(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq));
    private final Instant start;
    private final VirtualClock clock;
    private long nowNanos;
    private long seq;

    private ManualTaskScheduler(Instant start) {
        this.start = start;
        this.clock = new VirtualClock(ZoneOffset.UTC);
    }

    /** A scheduler whose virtual time starts at {@link #DEFAULT_START}. */
    public static ManualTaskScheduler create() {
        return new ManualTaskScheduler(DEFAULT_START);
    }

    /** A scheduler whose virtual time starts at {@code start}. */
    public static ManualTaskScheduler create(Instant start) {
        return new ManualTaskScheduler(requireNonNull(start, "start"));
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        requireNonNull(task, "task");
        requireNonNull(delay, "delay");
        long d = delay.isNegative() ? 0 : saturatedNanos(delay);
        Task t;
        synchronized (lock) {
            long due = nowNanos + d < nowNanos ? Long.MAX_VALUE : nowNanos + d;
            t = new Task(task, due, seq++);
            queue.add(t);
        }
        return () -> {
            synchronized (lock) {
                queue.remove(t);
            }
        };
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** The current virtual time. */
    public Instant now() {
        synchronized (lock) {
            return start.plusNanos(nowNanos);
        }
    }

    /** How many tasks are scheduled and neither run nor cancelled. */
    public int pendingTasks() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** How long until the next pending task falls due, if there is one. */
    public Optional<Duration> nextDelay() {
        synchronized (lock) {
            Task t = queue.peek();
            return t == null ? Optional.empty() : Optional.of(Duration.ofNanos(t.due - nowNanos));
        }
    }

    /** Runs the tasks that are already due, without moving the time. */
    public void runDueTasks() {
        advance(Duration.ZERO);
    }

    /**
     * Moves the virtual time forward by {@code duration}, running every task that falls due on
     * the way, in time order; the clock reads each task's due time while it runs.
     */
    public void advance(Duration duration) {
        requireNonNull(duration, "duration");
        Checks.nonNegative(duration, "duration");
        long target;
        synchronized (lock) {
            target = nowNanos + saturatedNanos(duration);
            if (target < nowNanos) {
                target = Long.MAX_VALUE;
            }
        }
        while (true) {
            Task next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    nowNanos = Math.max(nowNanos, target);
                    return;
                }
                queue.poll();
                nowNanos = Math.max(nowNanos, next.due);
            }
            next.runnable.run();
        }
    }

    @Override
    public String toString() {
        return "ManualTaskScheduler{now=" + now() + ", pendingTasks=" + pendingTasks() + "}";
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static final class Task {
        final Runnable runnable;
        final long due;
        final long seq;

        Task(Runnable runnable, long due, long seq) {
            this.runnable = runnable;
            this.due = due;
            this.seq = seq;
        }
    }

    private final class VirtualClock extends Clock {
        private final ZoneId zone;

        VirtualClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new VirtualClock(zone);
        }

        @Override
        public Instant instant() {
            return now();
        }

        @Override
        public String toString() {
            return "ManualTaskScheduler.clock[" + now() + "]";
        }
    }
}
