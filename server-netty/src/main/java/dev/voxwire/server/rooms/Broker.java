package dev.voxwire.server.rooms;

import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.server.ConnectionManager;
import dev.voxwire.server.rooms.internal.InMemoryBroker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Everything about rooms that is shared between connections and, with a distributed
 * implementation, between server nodes: membership (which sessions are in which room), fan-out
 * of room events, presence, and each room's bounded history with offsets and an epoch. The rooms
 * handler talks only to the broker; the in-memory one ({@link #inMemory}) serves one node, a Redis
 * one plugs in here.
 *
 * <p>Delivery: the broker hands every event for sessions of this node to
 * {@link ConnectionManager#deliver} (given in {@link #start}), which serializes it once. Events of
 * one room reach each member in the order the broker accepted them.
 *
 * <p>Threading: called on event loops and timer threads; thread-safe; must not block (return
 * futures that complete later instead). Futures fail with a {@code VoxwireException} when the
 * broker cannot do the operation.
 */
public interface Broker extends AutoCloseable {
    /** Binds the broker to this node's sessions; called once when the server starts. */
    void start(ConnectionManager localSessions);

    /**
     * Adds a session to a room. When {@code since} is given and the room's history still holds
     * every publication after it (same epoch), those publications are delivered to the session,
     * in order, before the future completes ({@link JoinResult#recovered()}). Joining twice is
     * harmless.
     */
    CompletableFuture<JoinResult> join(Room room, String sessionId, String userId, @Nullable StreamPosition since);

    /** Removes a session from a room; {@code true} if it was a member. */
    CompletableFuture<Boolean> leave(Room room, String sessionId);

    /** Removes a session from every room (its session ended); answers the rooms it was in. */
    CompletableFuture<Set<Room>> leaveAll(String sessionId);

    /** Whether the session is in the room. */
    CompletableFuture<Boolean> isMember(Room room, String sessionId);

    /** The room's members (distinct users with their presence); empty for an unknown room. */
    CompletableFuture<List<Member>> members(Room room);

    /** The rooms any session of the user is in. */
    CompletableFuture<Set<Room>> roomsOf(String userId);

    /**
     * Publishes an event to a room's members. With {@link PublishOptions#history()} it gets the
     * next offset, set as {@code payload.offset}, and is kept in the room's bounded history. The
     * envelope's {@code room} is set to the room. Answers the room's position after it.
     */
    CompletableFuture<StreamPosition> publish(Room room, Envelope event, PublishOptions options);

    /** Forgets a room: its members leave it and its history is dropped. */
    CompletableFuture<Void> deleteRoom(Room room);

    /**
     * Sets one connection's presence. {@link Presence#OFFLINE} means the connection went away: it
     * still counts, with its last status, until the presence TTL passes ({@link #expirePresence}),
     * so a quick reconnect is not announced as offline-then-online.
     */
    CompletableFuture<PresenceChange> updatePresence(String userId, String sessionId, Presence status);

    /** Drops the user's connections that went away more than the presence TTL ago. */
    CompletableFuture<PresenceChange> expirePresence(String userId);

    /** The user's aggregate presence. */
    CompletableFuture<Presence> presence(String userId);

    /** Rooms with at least one member (the {@code voxwire.rooms} gauge). */
    int roomCount();

    /** Releases the broker's resources. */
    @Override
    void close();

    /**
     * A single-node broker: rooms, presence and histories in memory.
     *
     * @param historySize publications kept per room (bounded; older ones are dropped)
     * @param presenceTtl how long a connection that went away still counts for presence
     * @param clock the time of presence TTLs
     */
    static Broker inMemory(int historySize, Duration presenceTtl, Clock clock) {
        return inMemory(historySize, RoomsConfig.DEFAULT_ROOM_HISTORY_TTL, presenceTtl, clock);
    }

    /**
     * A single-node broker: rooms, presence and histories in memory.
     *
     * @param historySize publications kept per room (bounded; older ones are dropped)
     * @param historyTtl how long a room without members keeps its history after its last
     *     publication; then it is forgotten, so memory does not grow with every room ever used
     * @param presenceTtl how long a connection that went away still counts for presence
     * @param clock the time of history and presence TTLs
     */
    static Broker inMemory(int historySize, Duration historyTtl, Duration presenceTtl, Clock clock) {
        return InMemoryBroker.create(historySize, historyTtl, presenceTtl, clock);
    }
}
