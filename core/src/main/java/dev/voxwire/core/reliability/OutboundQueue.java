package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A bounded outbound priority queue: {@link Priority#CONTROL} before {@link Priority#AUDIO}
 * before {@link Priority#MESSAGE} before {@link Priority#EPHEMERAL}, first-in first-out within
 * a priority. It never holds more than {@link OutboundQueueConfig#maxMessages()} items or
 * {@link OutboundQueueConfig#maxBytes()} bytes; when an item does not fit, the
 * {@link OutboundQueueConfig#overflow() overflow policy} decides:
 * <ul>
 *   <li>{@code REJECT}: the new item is {@link Outcome#REJECTED} with {@link ErrorCode#QUEUE_FULL};
 *   <li>{@code DROP_OLDEST_EPHEMERAL}: the oldest ephemeral items are dropped until the new one
 *       fits and returned in {@link Offer#dropped()} (so the caller can fail them); if dropping
 *       every ephemeral item would not be enough, nothing is dropped and the new item is
 *       rejected with {@code QUEUE_FULL}.
 * </ul>
 * An item larger than {@code maxBytes} on its own is rejected with
 * {@link ErrorCode#PAYLOAD_TOO_LARGE} under every policy. A rejected offer changes nothing.
 *
 * <p>Thread-safe (one lock; every operation is O(1) except dropping and {@link #drain()}).
 *
 * @param <T> the queued items (encoded frames, envelopes, ...)
 */
public final class OutboundQueue<T> {
    private static final Priority[] PRIORITIES = Priority.values();

    /** The outcome of an {@link #offer}. */
    public enum Outcome {
        /** Queued. */
        ACCEPTED,
        /** Queued after dropping the items in {@link Offer#dropped()}. */
        ACCEPTED_AFTER_DROPPING,
        /** Not queued; {@link Offer#error()} says why. */
        REJECTED
    }

    /**
     * The result of an {@link #offer}.
     *
     * @param outcome what happened to the new item
     * @param dropped items dropped to make room, oldest first (empty unless
     *     {@link Outcome#ACCEPTED_AFTER_DROPPING})
     * @param error why the item was rejected ({@code null} unless {@link Outcome#REJECTED})
     * @param <T> the queued items
     */
    public record Offer<T>(Outcome outcome, List<T> dropped, @Nullable VoxwireException error) {
        public Offer {
            requireNonNull(outcome, "outcome");
            dropped = List.copyOf(dropped);
            if ((outcome == Outcome.REJECTED) != (error != null)) {
                throw new IllegalArgumentException("error: " + error + " (expected: set exactly when REJECTED)");
            }
        }

        /** Whether the item was queued. */
        public boolean accepted() {
            return outcome != Outcome.REJECTED;
        }
    }

    private record Entry<T>(T item, int bytes) {
    }

    private final OutboundQueueConfig config;
    private final List<ArrayDeque<Entry<T>>> lanes;
    private int size;
    private long bytes;

    private OutboundQueue(OutboundQueueConfig config) {
        this.config = config;
        List<ArrayDeque<Entry<T>>> l = new ArrayList<>(PRIORITIES.length);
        for (int i = 0; i < PRIORITIES.length; i++) {
            l.add(new ArrayDeque<>());
        }
        this.lanes = List.copyOf(l);
    }

    /** An empty queue with these bounds. */
    public static <T> OutboundQueue<T> create(OutboundQueueConfig config) {
        return new OutboundQueue<>(requireNonNull(config, "config"));
    }

    /** The bounds. */
    public OutboundQueueConfig config() {
        return config;
    }

    /**
     * Queues {@code item} of {@code bytes} bytes at {@code priority}, subject to the bounds.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Offer<T> offer(T item, Priority priority, int bytes) {
        requireNonNull(item, "item");
        requireNonNull(priority, "priority");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
        }
        if (bytes > config.maxBytes()) {
            return rejected(new VoxwireException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "outbound message of " + bytes + " bytes is larger than the outbound queue limit of "
                            + config.maxBytes() + " bytes"));
        }
        synchronized (this) {
            if (fits(size, this.bytes, bytes)) {
                add(item, priority, bytes);
                return new Offer<>(Outcome.ACCEPTED, List.of(), null);
            }
            if (config.overflow() == OutboundQueueConfig.OverflowPolicy.DROP_OLDEST_EPHEMERAL) {
                ArrayDeque<Entry<T>> ephemeral = lanes.get(Priority.EPHEMERAL.ordinal());
                int n = 0;
                int newSize = size;
                long newBytes = this.bytes;
                for (Entry<T> e : ephemeral) {
                    if (fits(newSize, newBytes, bytes)) {
                        break;
                    }
                    n++;
                    newSize--;
                    newBytes -= e.bytes();
                }
                if (fits(newSize, newBytes, bytes)) {
                    List<T> dropped = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        Entry<T> e = ephemeral.pollFirst();
                        dropped.add(e.item());
                        size--;
                        this.bytes -= e.bytes();
                    }
                    add(item, priority, bytes);
                    return new Offer<>(Outcome.ACCEPTED_AFTER_DROPPING, dropped, null);
                }
            }
            return rejected(new VoxwireException(ErrorCode.QUEUE_FULL,
                    "outbound queue full: " + size + "/" + config.maxMessages() + " messages, " + this.bytes + "/"
                            + config.maxBytes() + " bytes; a " + priority + " message of " + bytes
                            + " bytes was refused (overflow policy " + config.overflow() + ")"));
        }
    }

    private boolean fits(int size, long used, int more) {
        return size + 1 <= config.maxMessages() && used + more <= config.maxBytes();
    }

    private void add(T item, Priority priority, int bytes) {
        lanes.get(priority.ordinal()).addLast(new Entry<>(item, bytes));
        size++;
        this.bytes += bytes;
    }

    private static <T> Offer<T> rejected(VoxwireException error) {
        return new Offer<>(Outcome.REJECTED, List.of(), error);
    }

    /** Removes and returns the next item (highest priority, oldest first), or {@code null} if empty. */
    public synchronized @Nullable T poll() {
        for (ArrayDeque<Entry<T>> lane : lanes) {
            Entry<T> e = lane.pollFirst();
            if (e != null) {
                size--;
                bytes -= e.bytes();
                return e.item();
            }
        }
        return null;
    }

    /** The next item without removing it, or {@code null} if empty. */
    public synchronized @Nullable T peek() {
        for (ArrayDeque<Entry<T>> lane : lanes) {
            Entry<T> e = lane.peekFirst();
            if (e != null) {
                return e.item();
            }
        }
        return null;
    }

    /** Items queued. */
    public synchronized int size() {
        return size;
    }

    /** Items queued at {@code priority}. */
    public synchronized int size(Priority priority) {
        return lanes.get(requireNonNull(priority, "priority").ordinal()).size();
    }

    /** Bytes queued (the sum of the sizes given to {@link #offer}). */
    public synchronized long bytes() {
        return bytes;
    }

    /** Whether nothing is queued. */
    public synchronized boolean isEmpty() {
        return size == 0;
    }

    /** Removes and returns every item, in the order {@link #poll()} would return them. */
    public synchronized List<T> drain() {
        List<T> all = new ArrayList<>(size);
        for (ArrayDeque<Entry<T>> lane : lanes) {
            for (Iterator<Entry<T>> it = lane.iterator(); it.hasNext(); ) {
                all.add(it.next().item());
            }
            lane.clear();
        }
        size = 0;
        bytes = 0;
        return all;
    }

    @Override
    public synchronized String toString() {
        return "OutboundQueue{size=" + size + ", bytes=" + bytes + ", config=" + config + "}";
    }
}
