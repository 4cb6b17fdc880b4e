package dev.voxwire.server.rooms.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.reliability.Checks;
import dev.voxwire.server.ConnectionManager;
import dev.voxwire.server.rooms.Broker;
import dev.voxwire.server.rooms.JoinResult;
import dev.voxwire.server.rooms.Member;
import dev.voxwire.server.rooms.Presence;
import dev.voxwire.server.rooms.PresenceChange;
import dev.voxwire.server.rooms.PublishOptions;
import dev.voxwire.server.rooms.Room;
import dev.voxwire.server.rooms.StreamPosition;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The single-node {@link Broker}: every structure in memory under one lock. Fan-out happens under
 * the lock (so each room's events keep one order for every member) but costs only the grouping of
 * member ids by event loop: {@link ConnectionManager#deliver} serializes the event once and hands
 * each loop one task. A room's state lives while it has members, and for {@code historyTtl} after
 * its last publication (swept lazily by later calls, no timer); its history is bounded
 * ({@code historySize}); its epoch is random per room instance.
 */
public final class InMemoryBroker implements Broker {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One room: members (session → user), history, offsets. */
    private static final class RoomState {
        final String epoch = newEpoch();
        long offset;
        long lastPublishMs;
        final ArrayDeque<Envelope> history = new ArrayDeque<>();
        final Map<String, String> members = new LinkedHashMap<>();
    }

    /** One connection's presence; {@code goneAt} ≥ 0 once it went away (it lingers until the TTL). */
    private static final class Conn {
        Presence status;
        long goneAt = -1;

        Conn(Presence status) {
            this.status = status;
        }
    }

    private final int historySize;
    private final long historyTtlMs;
    private final Duration presenceTtl;
    private final Clock clock;
    private final Map<Room, RoomState> rooms = new HashMap<>();
    private final Map<String, Set<Room>> sessionRooms = new HashMap<>();
    private final Map<String, Map<String, Conn>> presence = new HashMap<>();
    private volatile @Nullable ConnectionManager local;
    private long lastSweepMs;

    private InMemoryBroker(int historySize, Duration historyTtl, Duration presenceTtl, Clock clock) {
        this.historySize = Checks.positive(historySize, "historySize");
        this.historyTtlMs = Checks.positive(historyTtl, "historyTtl").toMillis();
        this.presenceTtl = Checks.nonNegative(presenceTtl, "presenceTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** See {@link Broker#inMemory}. */
    public static InMemoryBroker create(int historySize, Duration historyTtl, Duration presenceTtl, Clock clock) {
        return new InMemoryBroker(historySize, historyTtl, presenceTtl, clock);
    }

    /**
     * Forgets rooms without members whose last publication is older than the history TTL. Runs at
     * most every quarter TTL, from the calls that change rooms (under the lock).
     */
    private void sweep() {
        long now = clock.millis();
        if (now - lastSweepMs < Math.max(1, historyTtlMs / 4)) {
            return;
        }
        lastSweepMs = now;
        rooms.values().removeIf(rs -> expired(rs, now));
    }

    private boolean expired(RoomState rs, long now) {
        return rs.members.isEmpty() && (rs.history.isEmpty() || now - rs.lastPublishMs >= historyTtlMs);
    }

    private static String newEpoch() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void start(ConnectionManager localSessions) {
        this.local = Objects.requireNonNull(localSessions, "localSessions");
    }

    private void deliver(List<String> sessionIds, Envelope event) {
        ConnectionManager cm = local;
        if (cm != null && !sessionIds.isEmpty()) {
            cm.deliver(sessionIds, event);
        }
    }

    @Override
    public synchronized CompletableFuture<JoinResult> join(Room room, String sessionId, String userId,
            @Nullable StreamPosition since) {
        sweep();
        RoomState rs = rooms.get(room);
        if (rs != null && expired(rs, clock.millis())) {
            rooms.remove(room); // its history outlived the TTL: a catch-up sees a new epoch
            rs = null;
        }
        if (rs == null) {
            rs = new RoomState();
            rooms.put(room, rs);
        }
        rs.members.put(sessionId, userId);
        sessionRooms.computeIfAbsent(sessionId, s -> new LinkedHashSet<>()).add(room);
        boolean recovered = false;
        int replayed = 0;
        if (since != null && since.epoch().equals(rs.epoch) && since.offset() <= rs.offset) {
            long oldest = rs.history.isEmpty() ? rs.offset + 1 : offsetOf(rs.history.peekFirst());
            if (since.offset() + 1 >= oldest) {
                for (Envelope e : rs.history) {
                    if (offsetOf(e) > since.offset()) {
                        deliver(List.of(sessionId), e);
                        replayed++;
                    }
                }
                recovered = true;
            }
        }
        return CompletableFuture.completedFuture(new JoinResult(membersOf(rs), new StreamPosition(rs.epoch, rs.offset),
                recovered, replayed));
    }

    private static long offsetOf(Envelope e) {
        return e.payload().path("offset").asLong();
    }

    private List<Member> membersOf(RoomState rs) {
        List<Member> out = new ArrayList<>();
        for (String u : new LinkedHashSet<>(rs.members.values())) {
            out.add(new Member(u, aggregate(u)));
        }
        return out;
    }

    @Override
    public synchronized CompletableFuture<Boolean> leave(Room room, String sessionId) {
        sweep();
        RoomState rs = rooms.get(room);
        boolean was = rs != null && rs.members.remove(sessionId) != null;
        Set<Room> mine = sessionRooms.get(sessionId);
        if (mine != null) {
            mine.remove(room);
            if (mine.isEmpty()) {
                sessionRooms.remove(sessionId);
            }
        }
        if (rs != null) {
            dropIfUnused(room, rs);
        }
        return CompletableFuture.completedFuture(was);
    }

    private void dropIfUnused(Room room, RoomState rs) {
        if (expired(rs, clock.millis())) {
            rooms.remove(room);
        }
    }

    @Override
    public synchronized CompletableFuture<Set<Room>> leaveAll(String sessionId) {
        sweep();
        Set<Room> mine = sessionRooms.remove(sessionId);
        if (mine == null) {
            return CompletableFuture.completedFuture(Set.of());
        }
        for (Room r : mine) {
            RoomState rs = rooms.get(r);
            if (rs != null) {
                rs.members.remove(sessionId);
                dropIfUnused(r, rs);
            }
        }
        return CompletableFuture.completedFuture(Set.copyOf(mine));
    }

    @Override
    public synchronized CompletableFuture<Boolean> isMember(Room room, String sessionId) {
        RoomState rs = rooms.get(room);
        return CompletableFuture.completedFuture(rs != null && rs.members.containsKey(sessionId));
    }

    @Override
    public synchronized CompletableFuture<List<Member>> members(Room room) {
        RoomState rs = rooms.get(room);
        return CompletableFuture.completedFuture(rs == null ? List.of() : membersOf(rs));
    }

    @Override
    public synchronized CompletableFuture<Set<Room>> roomsOf(String userId) {
        Set<Room> out = new LinkedHashSet<>();
        for (Map.Entry<Room, RoomState> e : rooms.entrySet()) {
            if (e.getValue().members.containsValue(userId)) {
                out.add(e.getKey());
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public synchronized CompletableFuture<StreamPosition> publish(Room room, Envelope event, PublishOptions options) {
        sweep();
        RoomState rs = rooms.get(room);
        if (rs != null && options.history() && expired(rs, clock.millis())) {
            rooms.remove(room);
            rs = null;
        }
        if (rs == null && options.history()) {
            rs = new RoomState();
            rooms.put(room, rs);
        }
        if (rs == null) {
            return CompletableFuture.completedFuture(new StreamPosition("", 0));
        }
        Envelope e = event.withRoom(room.name()).withTs(clock.instant());
        if (options.history()) {
            rs.lastPublishMs = clock.millis();
            rs.offset++;
            ObjectNode p = e.payload().deepCopy();
            p.put("offset", rs.offset);
            e = e.withPayload(p);
            rs.history.addLast(e);
            while (rs.history.size() > historySize) {
                rs.history.pollFirst();
            }
        }
        List<String> to = new ArrayList<>(rs.members.size());
        for (Map.Entry<String, String> m : rs.members.entrySet()) {
            if (m.getKey().equals(options.excludeSessionId()) || m.getValue().equals(options.excludeUserId())) {
                continue;
            }
            to.add(m.getKey());
        }
        deliver(to, e);
        return CompletableFuture.completedFuture(new StreamPosition(rs.epoch, rs.offset));
    }

    @Override
    public synchronized CompletableFuture<Void> deleteRoom(Room room) {
        RoomState rs = rooms.remove(room);
        if (rs != null) {
            for (String sid : rs.members.keySet()) {
                Set<Room> mine = sessionRooms.get(sid);
                if (mine != null) {
                    mine.remove(room);
                    if (mine.isEmpty()) {
                        sessionRooms.remove(sid);
                    }
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private Presence aggregate(String userId) {
        Map<String, Conn> conns = presence.get(userId);
        if (conns == null || conns.isEmpty()) {
            return Presence.OFFLINE;
        }
        boolean away = false;
        for (Conn c : conns.values()) {
            if (c.status == Presence.ONLINE) {
                return Presence.ONLINE;
            }
            away |= c.status == Presence.AWAY;
        }
        return away ? Presence.AWAY : Presence.OFFLINE;
    }

    @Override
    public synchronized CompletableFuture<PresenceChange> updatePresence(String userId, String sessionId, Presence status) {
        Presence before = aggregate(userId);
        if (status == Presence.OFFLINE) {
            Map<String, Conn> conns = presence.get(userId);
            Conn c = conns == null ? null : conns.get(sessionId);
            if (c != null && c.goneAt < 0) {
                c.goneAt = clock.millis();
            }
        } else {
            Conn c = presence.computeIfAbsent(userId, u -> new LinkedHashMap<>()).computeIfAbsent(sessionId, s -> new Conn(status));
            c.status = status;
            c.goneAt = -1;
        }
        return CompletableFuture.completedFuture(new PresenceChange(userId, before, aggregate(userId)));
    }

    @Override
    public synchronized CompletableFuture<PresenceChange> expirePresence(String userId) {
        Presence before = aggregate(userId);
        Map<String, Conn> conns = presence.get(userId);
        if (conns != null) {
            long now = clock.millis();
            conns.values().removeIf(c -> c.goneAt >= 0 && now - c.goneAt >= presenceTtl.toMillis());
            if (conns.isEmpty()) {
                presence.remove(userId);
            }
        }
        return CompletableFuture.completedFuture(new PresenceChange(userId, before, aggregate(userId)));
    }

    @Override
    public synchronized CompletableFuture<Presence> presence(String userId) {
        return CompletableFuture.completedFuture(aggregate(userId));
    }

    @Override
    public synchronized int roomCount() {
        int n = 0;
        for (RoomState rs : rooms.values()) {
            if (!rs.members.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized void close() {
        rooms.clear();
        sessionRooms.clear();
        presence.clear();
    }

    @Override
    public synchronized String toString() {
        return "InMemoryBroker{rooms=" + rooms.size() + ", sessions=" + sessionRooms.size() + ", historySize="
                + historySize + ", historyTtlMs=" + historyTtlMs + "}";
    }
}
