package dev.voxwire.server.analysis;

import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.server.ClientSession;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** A {@link ClientSession} for handler tests; records what is sent to it directly. */
public final class FakeSession implements ClientSession {
    private final String sessionId;
    private final String userId;
    private final @Nullable String clientId;
    private final List<Envelope> sent = new CopyOnWriteArrayList<>();

    private FakeSession(String sessionId, String userId, @Nullable String clientId) {
        this.sessionId = sessionId;
        this.userId = userId;
        this.clientId = clientId;
    }

    /** A session without a client id. */
    public static FakeSession of(String sessionId, String userId) {
        return new FakeSession(sessionId, userId, null);
    }

    /** A session of {@code /ws/{clientId}}. */
    public static FakeSession withClientId(String sessionId, String userId, String clientId) {
        return new FakeSession(sessionId, userId, clientId);
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    @Override
    public String transport() {
        return "websocket";
    }

    @Override
    public boolean send(Envelope event) {
        sent.add(event);
        return true;
    }

    /** Events sent directly to the session (not through a request context). */
    public List<Envelope> sent() {
        return sent;
    }
}
