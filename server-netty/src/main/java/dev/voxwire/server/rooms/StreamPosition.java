package dev.voxwire.server.rooms;

/**
 * A position in a room's history, as Centrifugo has it: the history's {@code epoch} (changes when
 * the history is lost, e.g. the room was recreated) and the {@code offset} of the last publication
 * (0 before the first).
 *
 * @param epoch the history's epoch
 * @param offset the last offset
 */
public record StreamPosition(String epoch, long offset) {
}
