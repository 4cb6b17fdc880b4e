package dev.voxwire.server.internal;

import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.server.ClientSession;
import dev.voxwire.server.ConnectionManager;
import java.util.ArrayList;
import java.util.Collection;
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
    /** Every session not closed for good: live ones and those kept for resume (fan-out and resume look here). */
    private final Map<String, AbstractSession> kept = new ConcurrentHashMap<>();
    private final @Nullable ServerRuntime rt;
    private final Map<String, Set<AbstractSession>> byUser = new HashMap<>();
    private final Map<String, Set<AbstractSession>> byClient = new HashMap<>();

    public ConnectionManagerImpl(int maxPerUser) {
        this(maxPerUser, null);
    }

    ConnectionManagerImpl(int maxPerUser, @Nullable ServerRuntime rt) {
        this.maxPerUser = maxPerUser;
        this.rt = rt;
    }

    /** Registers a session unless its user is at the limit. */
    public synchronized boolean tryAdd(AbstractSession s) {
        Set<AbstractSession> mine = byUser.get(s.userId());
        if (mine != null && mine.size() >= maxPerUser) {
            return false;
        }
        byId.put(s.sessionId(), s);
        kept.put(s.sessionId(), s);
        byUser.computeIfAbsent(s.userId(), k -> new LinkedHashSet<>()).add(s);
        s.clientId().ifPresent(c -> byClient.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(s));
        return true;
    }

    /** A resumed session is live again (no limit check: the connection it took over was counted). */
    public synchronized void reattach(AbstractSession s) {
        byId.put(s.sessionId(), s);
        kept.put(s.sessionId(), s);
        byUser.computeIfAbsent(s.userId(), k -> new LinkedHashSet<>()).add(s);
        s.clientId().ifPresent(c -> byClient.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(s));
    }

    /** The session ended for good: no longer kept for resume or fan-out. */
    public void forget(AbstractSession s) {
        kept.remove(s.sessionId(), s);
    }

    /** A live or kept (detached) session. */
    public @Nullable AbstractSession kept(String sessionId) {
        return kept.get(sessionId);
    }

    /** Sessions kept, live or detached. */
    public int keptCount() {
        return kept.size();
    }

    /** Removes a session from the live indexes (it may still be kept for resume). */
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
    public int deliver(Collection<String> sessionIds, Envelope event) {
        java.util.Objects.requireNonNull(event, "event");
        Envelope stamped = event.ts() == null ? event.withTs(rt == null ? java.time.Instant.now() : rt.clock().instant()) : event;
        SharedEvent shared = null;
        Map<io.netty.channel.EventLoop, List<AbstractSession>> byLoop = new HashMap<>();
        int n = 0;
        for (String id : sessionIds) {
            AbstractSession s = kept.get(id);
            if (s == null || s.isClosed()) {
                continue;
            }
            if (shared == null) {
                shared = SharedEvent.encode(rt == null ? dev.voxwire.core.protocol.EnvelopeCodec.ofDefaults() : rt.codec(), stamped);
            }
            byLoop.computeIfAbsent(s.loop, k -> new ArrayList<>()).add(s);
            n++;
        }
        for (Map.Entry<io.netty.channel.EventLoop, List<AbstractSession>> e : byLoop.entrySet()) {
            SharedEvent ev = shared;
            List<AbstractSession> group = e.getValue();
            Runnable task = () -> {
                for (AbstractSession s : group) {
                    s.sendShared(ev);
                }
            };
            if (e.getKey().inEventLoop()) {
                task.run(); // this loop's own sessions: now, so they keep the order of what this thread sends next
                continue;
            }
            try {
                e.getKey().execute(task);
            } catch (java.util.concurrent.RejectedExecutionException ex) {
                // that loop is shutting down with its channels
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
