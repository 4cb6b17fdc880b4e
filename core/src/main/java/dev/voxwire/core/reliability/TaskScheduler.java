package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks after a delay and tells the time: the one source of timers for heartbeats,
 * reconnect backoff, circuit breakers and rate limits, so that tests can replace real time with
 * a {@link ManualTaskScheduler}.
 *
 * <p>{@link #of(ScheduledExecutorService)} adapts any scheduled executor; a Netty
 * {@code EventLoop} is one, so timers of a connection run on its event loop.
 */
public interface TaskScheduler {

    /**
     * Runs {@code task} once after {@code delay} (a zero or negative delay means "as soon as
     * possible", never inline on the calling thread).
     *
     * @return a handle that cancels the task if it has not run yet
     * @throws java.util.concurrent.RejectedExecutionException if the underlying executor is shut down
     */
    Cancellable schedule(Runnable task, Duration delay);

    /** The clock that goes with this scheduler: the time that delays are measured against. */
    Clock clock();

    /** A scheduler over {@code executor}, with the system UTC clock. */
    static TaskScheduler of(ScheduledExecutorService executor) {
        return of(executor, Clock.systemUTC());
    }

    /** A scheduler over {@code executor} that reports {@code clock} as its time. */
    static TaskScheduler of(ScheduledExecutorService executor, Clock clock) {
        requireNonNull(executor, "executor");
        requireNonNull(clock, "clock");
        return new TaskScheduler() {
            @Override
            public Cancellable schedule(Runnable task, Duration delay) {
                requireNonNull(task, "task");
                requireNonNull(delay, "delay");
                long nanos = delay.isNegative() ? 0 : saturatedNanos(delay);
                ScheduledFuture<?> future = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public String toString() {
                return "TaskScheduler[" + executor + "]";
            }
        };
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
