package dev.voxwire.server.internal;

import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.server.ClientSession;
import dev.voxwire.server.ConnectionManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Sessions by id, by user and by client id. Registration checks the per-user limit atomically;
 * {@link #remove} is called from every session close path and clears every index.
 */
public final class ConnectionManagerImpl implements ConnectionManager {
    private final int maxPerUser;
    private final Map<String, AbstractSession> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<AbstractSession>> byUser = new HashMap<>();
    private final Map<String, Set<AbstractSession>> byClient = new HashMap<>();

    public ConnectionManagerImpl(int maxPerUser) {
        this.maxPerUser = maxPerUser;
    }

    /** Registers a session unless its user is at the limit. */
    public synchronized boolean tryAdd(AbstractSession s) {
        Set<AbstractSession> mine = byUser.get(s.userId());
        if (mine != null && mine.size() >= maxPerUser) {
            return false;
        }
        byId.put(s.sessionId(), s);
        byUser.computeIfAbsent(s.userId(), k -> new LinkedHashSet<>()).add(s);
        s.clientId().ifPresent(c -> byClient.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(s));
        return true;
    }

    public synchronized void remove(AbstractSession s) {
        byId.remove(s.sessionId(), s);
        removeFrom(byUser, s.userId(), s);
        s.clientId().ifPresent(c -> removeFrom(byClient, c, s));
    }

    private static void removeFrom(Map<String, Set<AbstractSession>> index, String key, AbstractSession s) {
        Set<AbstractSession> set = index.get(key);
        if (set != null) {
            set.remove(s);
            if (set.isEmpty()) {
                index.remove(key);
            }
        }
    }

    /** Size of every index (tests: all zero once everything closed). */
    public synchronized int[] indexSizes() {
        return new int[] {byId.size(), byUser.size(), byClient.size()};
    }

    public @Nullable AbstractSession get(String sessionId) {
        return byId.get(sessionId);
    }

    public List<AbstractSession> all() {
        return new ArrayList<>(byId.values());
    }

    @Override
    public int count() {
        return byId.size();
    }

    @Override
    public int count(String transport) {
        int n = 0;
        for (AbstractSession s : byId.values()) {
            if (s.transport().equals(transport)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Optional<ClientSession> session(String sessionId) {
        return Optional.ofNullable(byId.get(sessionId));
    }

    @Override
    public synchronized List<ClientSession> sessionsOf(String userId) {
        Set<AbstractSession> set = byUser.get(userId);
        return set == null ? List.of() : List.copyOf(set);
    }

    private synchronized List<AbstractSession> ofClient(String clientId) {
        Set<AbstractSession> set = byClient.get(clientId);
        return set == null ? List.of() : List.copyOf(set);
    }

    @Override
    public boolean sendTo(String sessionId, Envelope event) {
        AbstractSession s = byId.get(sessionId);
        return s != null && s.send(event);
    }

    @Override
    public int sendToClient(String clientId, Envelope event) {
        int n = 0;
        for (AbstractSession s : ofClient(clientId)) {
            if (s.send(event)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public int sendToUser(String userId, Envelope event) {
        int n = 0;
        for (ClientSession s : sessionsOf(userId)) {
            if (s.send(event)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public int broadcast(Envelope event) {
        int n = 0;
        for (AbstractSession s : all()) {
            if (s.send(event)) {
                n++;
            }
        }
        return n;
    }
}
