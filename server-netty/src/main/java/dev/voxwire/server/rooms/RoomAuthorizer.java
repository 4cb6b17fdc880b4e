package dev.voxwire.server.rooms;

import dev.voxwire.server.ClientSession;
import java.util.Optional;

/**
 * Decides who may join which room ({@code room:join}); a denial is answered with
 * {@code error CHANNEL_ERROR} carrying the reason. Called on an event loop: must not block.
 */
@FunctionalInterface
public interface RoomAuthorizer {
    /** Empty to allow; otherwise why the session may not join the room (shown to the client). */
    Optional<String> check(ClientSession session, Room room);

    /**
     * The default: any {@code channel:*}, {@code thread:*} and {@code presence:global}; of the
     * {@code user:*} rooms only the user's own.
     */
    static RoomAuthorizer ofDefaults() {
        return (session, room) -> room.kind() == Room.Kind.USER && !room.id().equals(session.userId())
                ? Optional.of("'" + room.name() + "' is another user's room")
                : Optional.empty();
    }
}
