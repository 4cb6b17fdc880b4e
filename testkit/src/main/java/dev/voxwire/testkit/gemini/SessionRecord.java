package dev.voxwire.testkit.gemini;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The mutable, thread-safe record behind a {@link SimulatedSession} snapshot. */
final class SessionRecord {
    private final String id;
    private final String apiVersion;
    private final String method;
    private final SimulatedSession.Credential credential;
    private final List<String> received = new ArrayList<>();
    private @Nullable String model;
    private List<String> modalities = List.of();
    private @Nullable String resumedFrom;
    private int turnCount;
    private boolean open = true;
    private @Nullable Integer closeCode;
    private @Nullable String closeReason;

    SessionRecord(String id, String apiVersion, String method, SimulatedSession.Credential credential) {
        this.id = id;
        this.apiVersion = apiVersion;
        this.method = method;
        this.credential = credential;
    }

    String id() {
        return id;
    }

    synchronized void received(String message) {
        received.add(message);
    }

    synchronized void setup(String model, List<String> modalities, @Nullable String resumedFrom, int turnCount) {
        this.model = model;
        this.modalities = List.copyOf(modalities);
        this.resumedFrom = resumedFrom;
        this.turnCount = turnCount;
    }

    synchronized void turnCount(int turnCount) {
        this.turnCount = turnCount;
    }

    synchronized void closed(@Nullable Integer code, @Nullable String reason) {
        if (open) {
            open = false;
            closeCode = code;
            closeReason = reason;
        }
    }

    synchronized boolean open() {
        return open;
    }

    synchronized SimulatedSession snapshot() {
        return new SimulatedSession(id, apiVersion, method, credential, model, modalities, resumedFrom, turnCount,
                received, open, closeCode, closeReason);
    }
}
