package dev.voxwire.testkit.gemini;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** State shared by every connection of one simulator. */
final class SimulatorState {
    /** What a resumption handle restores. */
    record Snapshot(String model, int turnCount, int textTokens, int audioTokens) {
    }

    final Set<String> models;
    final @Nullable String requiredKey;
    final Set<String> acceptedTokens;
    final int maxFrameBytes;
    volatile SimulatorScript script;

    final AtomicBoolean close1011Fired = new AtomicBoolean();
    final AtomicBoolean dropFired = new AtomicBoolean();
    final Map<String, Snapshot> handles = new ConcurrentHashMap<>();
    final List<SessionRecord> sessions = new CopyOnWriteArrayList<>();
    final Set<LiveSessionHandler> open = ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sessionIds = new AtomicInteger();
    private final AtomicInteger toolCallIds = new AtomicInteger();

    SimulatorState(Set<String> models, @Nullable String requiredKey, Set<String> acceptedTokens,
            int maxFrameBytes, SimulatorScript script) {
        this.models = Set.copyOf(models);
        this.requiredKey = requiredKey;
        this.acceptedTokens = Set.copyOf(acceptedTokens);
        this.maxFrameBytes = maxFrameBytes;
        this.script = script;
    }

    String nextSessionId() {
        return "session-" + sessionIds.incrementAndGet();
    }

    String nextToolCallId() {
        return "function-call-" + toolCallIds.incrementAndGet();
    }

    String issueHandle(Snapshot snapshot) {
        String handle = "sim-" + UUID.randomUUID();
        handles.put(handle, snapshot);
        return handle;
    }
}
