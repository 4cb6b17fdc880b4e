package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** TEMP stub (replaced at merge): bounded FIFO that drops the oldest ephemeral items when full. Not thread-safe. */
public final class OutboundQueue<T> {
    /** The result of an offer. */
    public enum Outcome { ACCEPTED, ACCEPTED_AFTER_DROPPING, REJECTED }

    /** What an offer did. */
    public record Offer<T>(Outcome outcome, List<T> dropped, @Nullable VoxwireException error) {
        public boolean accepted() {
            return outcome != Outcome.REJECTED;
        }
    }

    private record Item<T>(T value, Priority priority, int bytes) {
    }

    private final OutboundQueueConfig config;
    private final Deque<Item<T>> items = new ArrayDeque<>();
    private long bytes;

    private OutboundQueue(OutboundQueueConfig config) {
        this.config = requireNonNull(config, "config");
    }

    public static <T> OutboundQueue<T> create(OutboundQueueConfig config) {
        return new OutboundQueue<>(config);
    }

    public Offer<T> offer(T item, Priority priority, int bytes) {
        List<T> dropped = new ArrayList<>();
        if (!fits(bytes) && config.overflow() == OutboundQueueConfig.OverflowPolicy.DROP_OLDEST_EPHEMERAL) {
            Iterator<Item<T>> it = items.iterator();
            while (!fits(bytes) && it.hasNext()) {
                Item<T> i = it.next();
                if (i.priority() == Priority.EPHEMERAL) {
                    it.remove();
                    this.bytes -= i.bytes();
                    dropped.add(i.value());
                }
            }
        }
        if (!fits(bytes)) {
            return new Offer<>(Outcome.REJECTED, dropped,
                    new VoxwireException(ErrorCode.QUEUE_FULL, "outbound queue is full: " + items.size()
                            + " messages, " + this.bytes + " bytes"));
        }
        items.addLast(new Item<>(item, priority, bytes));
        this.bytes += bytes;
        return new Offer<>(dropped.isEmpty() ? Outcome.ACCEPTED : Outcome.ACCEPTED_AFTER_DROPPING, dropped, null);
    }

    private boolean fits(int more) {
        return items.size() + 1 <= config.maxMessages() && bytes + more <= config.maxBytes();
    }

    public @Nullable T poll() {
        Item<T> i = items.pollFirst();
        if (i == null) {
            return null;
        }
        bytes -= i.bytes();
        return i.value();
    }

    public int size() {
        return items.size();
    }

    public long bytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public List<T> drain() {
        List<T> out = new ArrayList<>();
        T t;
        while ((t = poll()) != null) {
            out.add(t);
        }
        return out;
    }
}
