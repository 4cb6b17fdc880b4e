package dev.voxwire.gemini;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records a session's events; waits for them with timeouts. */
final class EventRecorder implements LiveListener {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final BlockingQueue<LiveEvent> queue = new LinkedBlockingQueue<>();
    final List<LiveEvent> all = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(LiveEvent event) {
        all.add(event);
        queue.add(event);
    }

    LiveEvent next() {
        try {
            LiveEvent e = queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                fail("no event within " + TIMEOUT + "; so far: " + all);
            }
            return e;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** Skips events until one of {@code type} arrives. */
    <T extends LiveEvent> T next(Class<T> type) {
        while (true) {
            LiveEvent e = next();
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
    }

    /** Every event up to and including the next {@link LiveEvent.TurnComplete}. */
    List<LiveEvent> untilTurnComplete() {
        List<LiveEvent> out = new ArrayList<>();
        while (true) {
            LiveEvent e = next();
            out.add(e);
            if (e instanceof LiveEvent.TurnComplete) {
                return out;
            }
        }
    }

    static String text(List<LiveEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (LiveEvent e : events) {
            if (e instanceof LiveEvent.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    static <T extends LiveEvent> List<T> only(List<LiveEvent> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (LiveEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }
}
