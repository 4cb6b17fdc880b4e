package dev.voxwire.core.internal;

import dev.voxwire.core.reliability.TaskScheduler;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** One daemon timer thread shared by engines that were given no scheduler. Created on first use. */
public final class SharedScheduler {
    private SharedScheduler() {
    }

    private static final class Holder {
        static final TaskScheduler INSTANCE;

        static {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "voxwire-timer");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            INSTANCE = TaskScheduler.of(executor);
        }
    }

    /** The shared scheduler. */
    public static TaskScheduler get() {
        return Holder.INSTANCE;
    }
}
