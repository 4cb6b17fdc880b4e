package dev.voxwire.server.rooms;

import java.util.List;

/**
 * What {@link Broker#join} answers.
 *
 * @param members the room's members after the join (distinct users, with presence)
 * @param position the room's history position at the join
 * @param recovered when the join asked to catch up ({@code since}): whether every publication
 *     after it was still in the history and was delivered; {@code false} otherwise
 * @param replayed how many publications were delivered to catch up
 */
public record JoinResult(List<Member> members, StreamPosition position, boolean recovered, int replayed) {
    public JoinResult {
        members = List.copyOf(members);
    }
}
