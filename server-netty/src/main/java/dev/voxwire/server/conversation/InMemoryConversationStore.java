package dev.voxwire.server.conversation;

import static java.util.Objects.requireNonNull;

import dev.voxwire.server.ConversationStore;
import dev.voxwire.server.ConversationTurn;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded in-memory {@link ConversationStore}: at most {@link #maxThreads()} threads (the least
 * recently used thread is forgotten first) and at most {@link #maxTurnsPerThread()} turns per
 * thread (the oldest turns are dropped first). History is lost when the server stops and is not
 * shared between server nodes. Thread-safe.
 */
public final class InMemoryConversationStore implements ConversationStore {
    /** Default number of threads kept: 10,000. */
    public static final int DEFAULT_MAX_THREADS = 10_000;
    /** Default number of turns kept per thread: 100. */
    public static final int DEFAULT_MAX_TURNS_PER_THREAD = 100;

    private final int maxThreads;
    private final int maxTurnsPerThread;
    private final LinkedHashMap<String, ArrayDeque<ConversationTurn>> threads;

    private InMemoryConversationStore(Builder b) {
        this.maxThreads = b.maxThreads;
        this.maxTurnsPerThread = b.maxTurnsPerThread;
        this.threads = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<ConversationTurn>> eldest) {
                return size() > maxThreads;
            }
        };
    }

    /** A store with the default bounds. */
    public static InMemoryConversationStore ofDefaults() {
        return builder().build();
    }

    /** A builder starting from the default bounds. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this store's bounds (the new store starts empty). */
    public Builder toBuilder() {
        return new Builder().maxThreads(maxThreads).maxTurnsPerThread(maxTurnsPerThread);
    }

    @Override
    public synchronized List<ConversationTurn> load(String threadId) {
        requireNonNull(threadId, "threadId");
        ArrayDeque<ConversationTurn> turns = threads.get(threadId);
        return turns == null ? List.of() : List.copyOf(turns);
    }

    @Override
    public synchronized void append(String threadId, List<ConversationTurn> turns) {
        requireNonNull(threadId, "threadId");
        requireNonNull(turns, "turns");
        ArrayDeque<ConversationTurn> kept = threads.computeIfAbsent(threadId, k -> new ArrayDeque<>());
        for (ConversationTurn t : turns) {
            kept.addLast(requireNonNull(t, "turn"));
            if (kept.size() > maxTurnsPerThread) {
                kept.removeFirst();
            }
        }
    }

    /** The number of threads held now. */
    public synchronized int threadCount() {
        return threads.size();
    }

    /** The most threads kept. */
    public int maxThreads() {
        return maxThreads;
    }

    /** The most turns kept per thread. */
    public int maxTurnsPerThread() {
        return maxTurnsPerThread;
    }

    @Override
    public String toString() {
        return "InMemoryConversationStore[maxThreads=" + maxThreads + ", maxTurnsPerThread=" + maxTurnsPerThread + "]";
    }

    /** Builds an {@link InMemoryConversationStore}. */
    public static final class Builder {
        private int maxThreads = DEFAULT_MAX_THREADS;
        private int maxTurnsPerThread = DEFAULT_MAX_TURNS_PER_THREAD;

        private Builder() {
        }

        /** The most threads kept (> 0; default 10,000). */
        public Builder maxThreads(int maxThreads) {
            if (maxThreads <= 0) {
                throw new IllegalArgumentException("maxThreads: " + maxThreads + " (expected: > 0)");
            }
            this.maxThreads = maxThreads;
            return this;
        }

        /** The most turns kept per thread (> 0; default 100). */
        public Builder maxTurnsPerThread(int maxTurnsPerThread) {
            if (maxTurnsPerThread <= 0) {
                throw new IllegalArgumentException("maxTurnsPerThread: " + maxTurnsPerThread + " (expected: > 0)");
            }
            this.maxTurnsPerThread = maxTurnsPerThread;
            return this;
        }

        /** The store, empty. */
        public InMemoryConversationStore build() {
            return new InMemoryConversationStore(this);
        }
    }
}
