package dev.voxwire.server.rooms;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.reliability.Cancellable;
import dev.voxwire.core.reliability.TaskScheduler;
import dev.voxwire.server.ClientSession;
import dev.voxwire.server.ConnectionManager;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.RequestContext;
import dev.voxwire.server.SessionListener;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms, messages, typing and presence ({@code docs/protocol.md} §9), and the operations behind
 * the channels REST API. Register it like any handler ({@code VoxwireServer.builder().handler(
 * RoomsHandler.ofDefaults())}); it is also a {@link SessionListener}, so every session joins its
 * {@code user:<id>} room and counts for its user's presence.
 *
 * <p>Everything shared between sessions goes through the {@link Broker}; the handler itself only
 * keeps node-local timers (typing expiry, presence TTL) on its {@link TaskScheduler}, which tests
 * replace with a {@code ManualTaskScheduler}. Rate limits of the events are enforced by the server
 * before the handler ({@code ServerConfig.rateLimits()}).
 *
 * <p>Error routing: a request's error goes to the requesting session only ({@code error} with its
 * {@code requestId}); a failure of a room-wide action that no request waits for (a typing expiry)
 * goes to the room's members as an {@code error} event with {@code room} set; a failure of the
 * server itself (presence expiry) is logged, never broadcast.
 */
public final class RoomsHandler implements EventHandler, SessionListener {
    private static final Logger log = LoggerFactory.getLogger(RoomsHandler.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Server event types of the channels REST API (sent to members and the creator). */
    public static final String CHANNEL_CREATED = "channel:created";
    public static final String CHANNEL_UPDATED = "channel:updated";
    public static final String CHANNEL_DELETED = "channel:deleted";

    private static final Set<String> TYPES = Set.of(EventTypes.ROOM_JOIN, EventTypes.ROOM_LEAVE,
            EventTypes.MESSAGE_SEND, EventTypes.MESSAGE_EDIT, EventTypes.MESSAGE_DELETE, EventTypes.MESSAGE_READ,
            EventTypes.MESSAGE_DELIVERED, EventTypes.USER_TYPING, EventTypes.PRESENCE_UPDATE);

    private final RoomsConfig config;
    private final Broker broker;
    private final RoomAuthorizer authorizer;
    private final MessageStore store;
    private final ChannelDirectory channels;
    private final TaskScheduler scheduler;
    private final @Nullable ScheduledExecutorService ownedExecutor;
    private final Map<String, Cancellable> typing = new ConcurrentHashMap<>();

    private RoomsHandler(Builder b) {
        this.config = b.config;
        ScheduledExecutorService owned = null;
        TaskScheduler s = b.scheduler;
        if (s == null) {
            owned = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "voxwire-rooms-timer");
                t.setDaemon(true);
                return t;
            });
            s = TaskScheduler.of(owned);
        }
        this.ownedExecutor = owned;
        this.scheduler = s;
        this.broker = b.broker != null ? b.broker
                : Broker.inMemory(config.roomHistorySize(), config.roomHistoryTtl(), config.presenceTtl(),
                        scheduler.clock());
        this.authorizer = b.authorizer;
        this.store = b.store != null ? b.store : MessageStore.inMemory(config.maxMessages());
        this.channels = b.channels != null ? b.channels : ChannelDirectory.inMemory();
    }

    /** Every default: in-memory broker, store and channel directory, {@link RoomAuthorizer#ofDefaults()}. */
    public static RoomsHandler ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public RoomsConfig config() {
        return config;
    }

    public Broker broker() {
        return broker;
    }

    /** Rooms with members (the {@code voxwire.rooms} gauge). */
    public int roomCount() {
        return broker.roomCount();
    }

    @Override
    public Set<String> types() {
        return TYPES;
    }

    // ---- session lifecycle ---------------------------------------------------------------------

    @Override
    public void started(ConnectionManager connections) {
        broker.start(connections);
    }

    @Override
    public void stopped() {
        broker.close();
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public void opened(ClientSession session) {
        broker.join(Room.user(session.userId()), session.sessionId(), session.userId(), null)
                .whenComplete((r, err) -> logIfFailed(err, "join user room", session.userId()));
        updatePresence(session, Presence.ONLINE);
    }

    @Override
    public void detached(ClientSession session) {
        updatePresence(session, Presence.OFFLINE);
    }

    @Override
    public void resumed(ClientSession session) {
        updatePresence(session, Presence.ONLINE);
    }

    @Override
    public void closed(ClientSession session) {
        broker.leaveAll(session.sessionId()).whenComplete((r, err) -> logIfFailed(err, "leave rooms", session.userId()));
        updatePresence(session, Presence.OFFLINE);
    }

    private void updatePresence(ClientSession session, Presence status) {
        broker.updatePresence(session.userId(), session.sessionId(), status).whenComplete((change, err) -> {
            if (err != null) {
                logIfFailed(err, "update presence", session.userId());
                return;
            }
            if (change.changed()) {
                announce(change.userId(), change.after());
            }
            if (status == Presence.OFFLINE) {
                expireLater(session.userId());
            }
        });
    }

    private void expireLater(String userId) {
        scheduler.schedule(() -> broker.expirePresence(userId).whenComplete((change, err) -> {
            if (err != null) {
                logIfFailed(err, "expire presence", userId);
            } else if (change.changed()) {
                announce(userId, change.after());
            }
        }), config.presenceTtl());
    }

    /** {@code presence:update {userId, status}} to {@code presence:global} and every room of the user. */
    private void announce(String userId, Presence status) {
        ObjectNode p = obj();
        p.put("userId", userId);
        p.put("status", status.wire());
        Envelope e = Envelope.of(EventTypes.PRESENCE_UPDATE, p);
        broker.publish(Room.PRESENCE_GLOBAL, e, PublishOptions.ephemeral());
        broker.roomsOf(userId).whenComplete((rooms, err) -> {
            if (err != null) {
                logIfFailed(err, "announce presence", userId);
                return;
            }
            for (Room r : rooms) {
                if (r.kind() == Room.Kind.CHANNEL || r.kind() == Room.Kind.THREAD) {
                    broker.publish(r, e, PublishOptions.ephemeral());
                }
            }
        });
    }

    // ---- requests ------------------------------------------------------------------------------

    @Override
    public void handle(Envelope request, RequestContext ctx) {
        switch (request.type()) {
            case EventTypes.PRESENCE_UPDATE -> presenceUpdate(request, ctx);
            default -> {
                Optional<Room> room = request.room() == null ? Optional.empty() : Room.parse(request.room());
                if (room.isEmpty()) {
                    ctx.fail(ErrorCode.INVALID_PAYLOAD, "'" + request.type() + "' needs a room");
                    return;
                }
                Room r = room.get();
                switch (request.type()) {
                    case EventTypes.ROOM_JOIN -> join(request, r, ctx);
                    case EventTypes.ROOM_LEAVE -> leave(r, ctx);
                    case EventTypes.MESSAGE_SEND -> asMember(r, ctx, () -> send(request, r, ctx));
                    case EventTypes.MESSAGE_EDIT -> asMember(r, ctx, () -> edit(request, r, ctx));
                    case EventTypes.MESSAGE_DELETE -> asMember(r, ctx, () -> delete(request, r, ctx));
                    case EventTypes.MESSAGE_READ -> asMember(r, ctx, () -> receipt(request, r, ctx, "read"));
                    case EventTypes.MESSAGE_DELIVERED -> asMember(r, ctx, () -> receipt(request, r, ctx, "delivered"));
                    case EventTypes.USER_TYPING -> asMember(r, ctx, () -> typing(request, r, ctx));
                    default -> ctx.fail(ErrorCode.INVALID_PAYLOAD, "no handler for '" + request.type() + "'");
                }
            }
        }
    }

    private void join(Envelope request, Room room, RequestContext ctx) {
        ClientSession s = ctx.session();
        Optional<String> denied;
        try {
            denied = authorizer.check(s, room);
        } catch (RuntimeException e) {
            log.atWarn().setMessage("room authorizer failed").addKeyValue("event", "room.authorizer-failed")
                    .addKeyValue("userId", s.userId()).addKeyValue("room", room.name()).setCause(e).log();
            denied = Optional.of("authorization failed");
        }
        if (denied.isPresent()) {
            ctx.fail(ErrorCode.CHANNEL_ERROR, "may not join '" + room.name() + "': " + denied.get());
            return;
        }
        StreamPosition since = null;
        JsonNode sn = request.payload().get("since");
        if (sn != null && !sn.isNull()) {
            if (!sn.isObject() || !sn.path("epoch").isTextual() || !sn.path("offset").canConvertToLong()
                    || !sn.path("offset").isIntegralNumber()) {
                ctx.fail(ErrorCode.INVALID_PAYLOAD, "payload field 'since' of 'room:join' must be {epoch: string, offset: integer}");
                return;
            }
            since = new StreamPosition(sn.path("epoch").asText(), sn.path("offset").asLong());
        }
        StreamPosition asked = since;
        broker.join(room, s.sessionId(), s.userId(), since).whenComplete((r, err) -> {
            if (err != null) {
                failed(ctx, err, "join");
                return;
            }
            ObjectNode p = obj();
            p.put("room", room.name());
            ArrayNode members = p.putArray("members");
            for (Member m : r.members()) {
                members.addObject().put("userId", m.userId()).put("status", m.status().wire());
            }
            p.put("epoch", r.position().epoch());
            p.put("offset", r.position().offset());
            if (asked != null) {
                p.put("recovered", r.recovered());
                p.put("replayed", r.replayed());
            }
            ctx.complete(EventTypes.ROOM_JOINED, p);
            if (room.kind() == Room.Kind.CHANNEL || room.kind() == Room.Kind.THREAD) {
                broker.presence(s.userId()).thenAccept(status -> {
                    ObjectNode pp = obj();
                    pp.put("userId", s.userId());
                    pp.put("status", (status == Presence.OFFLINE ? Presence.ONLINE : status).wire());
                    pp.put("room", room.name());
                    broker.publish(room, Envelope.of(EventTypes.PRESENCE_UPDATE, pp),
                            PublishOptions.ephemeralExceptSession(s.sessionId()));
                });
            }
        });
    }

    private void leave(Room room, RequestContext ctx) {
        ClientSession s = ctx.session();
        broker.leave(room, s.sessionId()).whenComplete((was, err) -> {
            if (err != null) {
                failed(ctx, err, "leave");
                return;
            }
            ObjectNode p = obj();
            p.put("room", room.name());
            ctx.complete(EventTypes.ROOM_LEFT, p);
        });
    }

    /** Runs {@code action} if the session is in the room, else fails with {@code CHANNEL_ERROR}. */
    private void asMember(Room room, RequestContext ctx, Runnable action) {
        broker.isMember(room, ctx.session().sessionId()).whenComplete((member, err) -> {
            if (err != null) {
                failed(ctx, err, "membership check");
            } else if (!member) {
                ctx.fail(ErrorCode.CHANNEL_ERROR, "not a member of '" + room.name() + "' (send room:join first)");
            } else {
                try {
                    action.run();
                } catch (VoxwireException e) {
                    ctx.fail(e.code(), e.getMessage());
                } catch (RuntimeException e) {
                    failed(ctx, e, "request");
                }
            }
        });
    }

    private void send(Envelope request, Room room, RequestContext ctx) {
        String content = request.text("content").orElse("");
        checkContent(content);
        String clientMsgId = request.text("clientMsgId").orElse(null);
        ClientSession s = ctx.session();
        Instant now = scheduler.clock().instant();
        ChatMessage m = new ChatMessage(newId("m-"), room, s.userId(), clientMsgId, content, now, null, false);
        store.save(m);
        ObjectNode p = obj();
        p.put("messageId", m.messageId());
        if (clientMsgId != null) {
            p.put("clientMsgId", clientMsgId);
        }
        p.put("userId", m.userId());
        p.put("content", content);
        p.put("createdAt", now.toString());
        broker.publish(room, Envelope.of(EventTypes.MESSAGE_NEW, p), PublishOptions.withHistory()).whenComplete((pos, err) -> {
            if (err != null) {
                failed(ctx, err, "publish");
                return;
            }
            ObjectNode st = obj();
            if (clientMsgId != null) {
                st.put("clientMsgId", clientMsgId);
            }
            st.put("messageId", m.messageId());
            st.put("status", "sent");
            st.put("ts", now.toString());
            st.put("offset", pos.offset());
            ctx.complete(EventTypes.MESSAGE_STATUS, st);
        });
    }

    private void checkContent(String content) {
        if (content.isEmpty() || content.length() > config.maxContentChars()) {
            throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "content is " + content.length()
                    + " characters (expected: 1 to " + config.maxContentChars() + ")");
        }
    }

    private ChatMessage own(Envelope request, Room room, RequestContext ctx, boolean mustBeAuthor) {
        String id = request.text("messageId").orElse("");
        ChatMessage m = store.find(id).filter(x -> x.room().equals(room)).orElseThrow(() -> new VoxwireException(
                ErrorCode.INVALID_PAYLOAD, "no message '" + abbreviate(id) + "' in '" + room.name() + "'"));
        if (m.deleted()) {
            throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "message '" + id + "' was deleted");
        }
        if (mustBeAuthor && !m.userId().equals(ctx.session().userId())) {
            throw new VoxwireException(ErrorCode.CHANNEL_ERROR, "only the author may change message '" + id + "'");
        }
        return m;
    }

    private void edit(Envelope request, Room room, RequestContext ctx) {
        ChatMessage m = own(request, room, ctx, true);
        String content = request.text("content").orElse("");
        checkContent(content);
        Instant now = scheduler.clock().instant();
        ChatMessage edited = m.edited(content, now);
        store.save(edited);
        ObjectNode p = obj();
        p.put("messageId", m.messageId());
        p.put("userId", m.userId());
        p.put("content", content);
        p.put("editedAt", now.toString());
        publishThenStatus(room, Envelope.of(EventTypes.MESSAGE_EDITED, p), ctx, m.messageId(), "edited");
    }

    private void delete(Envelope request, Room room, RequestContext ctx) {
        ChatMessage m = own(request, room, ctx, true);
        Instant now = scheduler.clock().instant();
        store.save(m.asDeleted(now));
        ObjectNode p = obj();
        p.put("messageId", m.messageId());
        p.put("userId", m.userId());
        p.put("deletedAt", now.toString());
        publishThenStatus(room, Envelope.of(EventTypes.MESSAGE_DELETED, p), ctx, m.messageId(), "deleted");
    }

    private void publishThenStatus(Room room, Envelope event, RequestContext ctx, String messageId, String status) {
        broker.publish(room, event, PublishOptions.withHistory()).whenComplete((pos, err) -> {
            if (err != null) {
                failed(ctx, err, "publish");
                return;
            }
            ObjectNode st = obj();
            st.put("messageId", messageId);
            st.put("status", status);
            st.put("offset", pos.offset());
            ctx.complete(EventTypes.MESSAGE_STATUS, st);
        });
    }

    private void receipt(Envelope request, Room room, RequestContext ctx, String status) {
        ChatMessage m = own(request, room, ctx, false);
        String reader = ctx.session().userId();
        if (!m.userId().equals(reader)) {
            ObjectNode p = obj();
            p.put("messageId", m.messageId());
            p.put("status", status);
            p.put("userId", reader);
            p.put("room", room.name());
            broker.publish(Room.user(m.userId()), Envelope.of(EventTypes.MESSAGE_STATUS, p), PublishOptions.ephemeral());
        }
        ctx.end();
    }

    private void typing(Envelope request, Room room, RequestContext ctx) {
        boolean on = request.payload().path("typing").asBoolean(false);
        String userId = ctx.session().userId();
        String key = room.name() + '\n' + userId;
        Cancellable prev = typing.remove(key);
        if (prev != null) {
            prev.cancel();
        }
        publishTyping(room, userId, on);
        if (on) {
            Cancellable[] self = new Cancellable[1];
            self[0] = scheduler.schedule(() -> {
                if (typing.remove(key, self[0])) {
                    publishTyping(room, userId, false);
                }
            }, config.typingTimeout());
            Cancellable raced = typing.put(key, self[0]);
            if (raced != null) {
                raced.cancel();
            }
        }
        ctx.end();
    }

    private void publishTyping(Room room, String userId, boolean on) {
        ObjectNode p = obj();
        p.put("userId", userId);
        p.put("typing", on);
        if (on) {
            p.put("expiresInMs", config.typingTimeout().toMillis());
        }
        broker.publish(room, Envelope.of(EventTypes.USER_TYPING, p), PublishOptions.ephemeralExceptUser(userId))
                .whenComplete((pos, err) -> {
                    if (err != null) {
                        roomError(room, "typing indicator of " + userId + " could not be delivered");
                    }
                });
    }

    private void presenceUpdate(Envelope request, RequestContext ctx) {
        String wire = request.text("status").orElse("");
        Optional<Presence> status = Presence.parse(wire).filter(p -> p != Presence.OFFLINE);
        if (status.isEmpty()) {
            ctx.fail(ErrorCode.INVALID_PAYLOAD, "status '" + abbreviate(wire) + "' is not valid (expected: online or away)");
            return;
        }
        ClientSession s = ctx.session();
        broker.updatePresence(s.userId(), s.sessionId(), status.get()).whenComplete((change, err) -> {
            if (err != null) {
                failed(ctx, err, "presence");
                return;
            }
            if (change.changed()) {
                announce(s.userId(), change.after());
            }
            ctx.end();
        });
    }

    // ---- channels (REST) -----------------------------------------------------------------------

    /** Every channel, oldest first. */
    public List<ChatChannel> channels() {
        return channels.list();
    }

    /** A channel by id. */
    public Optional<ChatChannel> channel(String id) {
        return channels.find(id);
    }

    /**
     * Creates a channel; its creator gets {@code channel:created} (in their {@code user:} room).
     *
     * @throws VoxwireException {@code INVALID_PAYLOAD} for a bad name
     */
    public ChatChannel createChannel(String userId, String name) {
        String n = checkName(name);
        ChatChannel c = new ChatChannel(newId("c").replace('-', 'x'), n, userId, scheduler.clock().instant());
        channels.put(c);
        broker.publish(Room.user(userId), Envelope.of(CHANNEL_CREATED, channelJson(c)), PublishOptions.ephemeral());
        log.atInfo().setMessage("channel created").addKeyValue("event", "channel.created").addKeyValue("userId", userId)
                .addKeyValue("room", c.room().name()).log();
        return c;
    }

    /**
     * Renames a channel (creator only); members and the creator get {@code channel:updated}.
     *
     * @throws VoxwireException {@code INVALID_PAYLOAD} for a bad name, {@code CHANNEL_ERROR} when
     *     {@code userId} is not the creator
     */
    public Optional<ChatChannel> renameChannel(String userId, String id, String name) {
        String n = checkName(name);
        Optional<ChatChannel> c = channels.find(id);
        if (c.isEmpty()) {
            return c;
        }
        creatorOnly(c.get(), userId);
        ChatChannel renamed = c.get().renamed(n);
        channels.put(renamed);
        notifyChannel(renamed, CHANNEL_UPDATED);
        return Optional.of(renamed);
    }

    /**
     * Deletes a channel (creator only); members and the creator get {@code channel:deleted}, then
     * the room is forgotten (members leave it).
     */
    public Optional<ChatChannel> deleteChannel(String userId, String id) {
        Optional<ChatChannel> c = channels.find(id);
        if (c.isEmpty()) {
            return c;
        }
        creatorOnly(c.get(), userId);
        channels.remove(id);
        notifyChannel(c.get(), CHANNEL_DELETED).thenRun(() -> broker.deleteRoom(c.get().room()));
        return c;
    }

    /** The members of a channel's room. */
    public CompletableFuture<List<Member>> channelMembers(String id) {
        return broker.members(Room.channel(id));
    }

    private CompletableFuture<Void> notifyChannel(ChatChannel c, String type) {
        Envelope e = Envelope.of(type, channelJson(c));
        return broker.members(c.room()).thenCompose(members -> {
            CompletableFuture<StreamPosition> toRoom = broker.publish(c.room(), e, PublishOptions.ephemeral());
            boolean creatorIn = members.stream().anyMatch(m -> m.userId().equals(c.createdBy()));
            CompletableFuture<StreamPosition> toCreator = creatorIn ? CompletableFuture.completedFuture(null)
                    : broker.publish(Room.user(c.createdBy()), e, PublishOptions.ephemeral());
            return CompletableFuture.allOf(toRoom, toCreator);
        });
    }

    /** The JSON form of a channel (REST bodies and {@code channel:*} payloads). */
    public static ObjectNode channelJson(ChatChannel c) {
        ObjectNode p = obj();
        p.put("id", c.id());
        p.put("name", c.name());
        p.put("room", c.room().name());
        p.put("createdBy", c.createdBy());
        p.put("createdAt", c.createdAt().toString());
        return p;
    }

    private String checkName(@Nullable String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > config.maxChannelNameChars()) {
            throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "channel name is " + n.length()
                    + " characters (expected: 1 to " + config.maxChannelNameChars() + ")");
        }
        return n;
    }

    private static void creatorOnly(ChatChannel c, String userId) {
        if (!c.createdBy().equals(userId)) {
            throw new VoxwireException(ErrorCode.CHANNEL_ERROR, "only the creator of channel '" + c.id()
                    + "' may change it");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** An error about a room, to its members. */
    private void roomError(Room room, String message) {
        ObjectNode p = obj();
        p.put("code", ErrorCode.SERVER_ERROR.name());
        p.put("message", message);
        p.put("retrySuggested", ErrorCode.SERVER_ERROR.retryable());
        broker.publish(room, Envelope.of(EventTypes.ERROR, p), PublishOptions.ephemeral());
    }

    private static void failed(RequestContext ctx, Throwable err, String what) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof VoxwireException ve) {
            ctx.fail(ve.code(), ve.getMessage());
            return;
        }
        log.atWarn().setMessage("rooms request failed").addKeyValue("event", "request.failed")
                .addKeyValue("userId", ctx.session().userId()).addKeyValue("metadata", what).setCause(t).log();
        ctx.fail(ErrorCode.SERVER_ERROR, "internal error during " + what);
    }

    private static void logIfFailed(@Nullable Throwable err, String what, String userId) {
        if (err != null) {
            log.atWarn().setMessage("rooms broker call failed").addKeyValue("event", "rooms.broker-failed")
                    .addKeyValue("userId", userId).addKeyValue("metadata", what).setCause(err).log();
        }
    }

    private static String newId(String prefix) {
        byte[] b = new byte[9];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static ObjectNode obj() {
        return EnvelopeCodec.mapper().createObjectNode();
    }

    @Override
    public String toString() {
        return "RoomsHandler{" + config + ", broker=" + broker + "}";
    }

    /** Builds a {@link RoomsHandler}. */
    public static final class Builder {
        private RoomsConfig config = RoomsConfig.ofDefaults();
        private @Nullable Broker broker;
        private RoomAuthorizer authorizer = RoomAuthorizer.ofDefaults();
        private @Nullable MessageStore store;
        private @Nullable ChannelDirectory channels;
        private @Nullable TaskScheduler scheduler;

        private Builder() {
        }

        public Builder config(RoomsConfig config) {
            this.config = requireNonNull(config, "config");
            return this;
        }

        /** Default: {@link Broker#inMemory} with the config's history size, history TTL and presence TTL. */
        public Builder broker(Broker broker) {
            this.broker = requireNonNull(broker, "broker");
            return this;
        }

        /** Default: {@link RoomAuthorizer#ofDefaults()}. */
        public Builder authorizer(RoomAuthorizer authorizer) {
            this.authorizer = requireNonNull(authorizer, "authorizer");
            return this;
        }

        /** Default: {@link MessageStore#inMemory} with {@link RoomsConfig#maxMessages()}. */
        public Builder messageStore(MessageStore store) {
            this.store = requireNonNull(store, "store");
            return this;
        }

        /** Default: {@link ChannelDirectory#inMemory()}. */
        public Builder channels(ChannelDirectory channels) {
            this.channels = requireNonNull(channels, "channels");
            return this;
        }

        /**
         * Timers (typing expiry, presence TTL) and the clock of timestamps and presence; default a
         * daemon thread of its own with the system clock, stopped with the server.
         */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        public RoomsHandler build() {
            return new RoomsHandler(this);
        }
    }

}
