package dev.voxwire.server.analysis;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** An executor that only queues tasks; the test runs them with {@link #runAll()}. */
public final class ManualExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable command) {
        tasks.add(command);
    }

    /** Runs queued tasks (and those they queue) until none is left; returns how many ran. */
    public int runAll() {
        int n = 0;
        while (true) {
            Runnable r;
            synchronized (this) {
                r = tasks.poll();
            }
            if (r == null) {
                return n;
            }
            r.run();
            n++;
        }
    }

    /** How many tasks wait. */
    public synchronized int queued() {
        return tasks.size();
    }
}
