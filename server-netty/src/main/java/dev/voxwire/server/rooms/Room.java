package dev.voxwire.server.rooms;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.util.Optional;

/**
 * A room name: {@code user:ID}, {@code channel:ID}, {@code thread:ID} or {@code presence:global}
 * (ID {@code [A-Za-z0-9._@-]{1,128}}). Value type: equal when the names are equal.
 */
public final class Room {
    /** The room every presence change of every user goes to. */
    public static final Room PRESENCE_GLOBAL = new Room(Kind.PRESENCE, "global");

    /** What a room is for. */
    public enum Kind {
        /** {@code user:ID}: one user's sessions (joined automatically). */
        USER("user"),
        /** {@code channel:ID}: a chat channel. */
        CHANNEL("channel"),
        /** {@code thread:ID}: a thread. */
        THREAD("thread"),
        /** {@code presence:global}. */
        PRESENCE("presence");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        /** The name's prefix ({@code user}, {@code channel}, ...). */
        public String prefix() {
            return prefix;
        }
    }

    private final Kind kind;
    private final String id;

    private Room(Kind kind, String id) {
        this.kind = kind;
        this.id = id;
    }

    /**
     * The room named {@code name}.
     *
     * @throws VoxwireException ({@code INVALID_PAYLOAD}) when the name is not a room name
     */
    public static Room of(String name) {
        return parse(name).orElseThrow(() -> new VoxwireException(ErrorCode.INVALID_PAYLOAD, "room '"
                + (name.length() > 80 ? name.substring(0, 77) + "..." : name)
                + "' is not valid (expected: user:ID, channel:ID, thread:ID or presence:global)"));
    }

    /** The room named {@code name}, if it is a valid name. */
    public static Optional<Room> parse(String name) {
        requireNonNull(name, "name");
        if (!EnvelopeCodec.ROOM_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        if (name.equals("presence:global")) {
            return Optional.of(PRESENCE_GLOBAL);
        }
        int c = name.indexOf(':');
        String prefix = name.substring(0, c);
        String id = name.substring(c + 1);
        for (Kind k : Kind.values()) {
            if (k != Kind.PRESENCE && k.prefix.equals(prefix)) {
                return Optional.of(new Room(k, id));
            }
        }
        return Optional.empty();
    }

    /** {@code user:userId}. */
    public static Room user(String userId) {
        return of("user:" + userId);
    }

    /** {@code channel:channelId}. */
    public static Room channel(String channelId) {
        return of("channel:" + channelId);
    }

    public Kind kind() {
        return kind;
    }

    /** The part after the colon. */
    public String id() {
        return id;
    }

    /** The full name, as on the wire. */
    public String name() {
        return kind.prefix + ":" + id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Room r && r.kind == kind && r.id.equals(id);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + id.hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
