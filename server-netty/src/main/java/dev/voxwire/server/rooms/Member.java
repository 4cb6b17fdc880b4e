package dev.voxwire.server.rooms;

/**
 * A user in a room, with their aggregate presence (a user with several sessions in a room is one
 * member).
 *
 * @param userId the user
 * @param status their presence
 */
public record Member(String userId, Presence status) {
}
