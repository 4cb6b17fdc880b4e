package dev.voxwire.server.rooms;

import java.util.Locale;
import java.util.Optional;

/** A user's presence, aggregated over all their connections ({@code online} wins over {@code away}). */
public enum Presence {
    ONLINE, AWAY, OFFLINE;

    /** The wire form: {@code online}, {@code away}, {@code offline}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The presence with this wire form. */
    public static Optional<Presence> parse(String wire) {
        for (Presence p : values()) {
            if (p.wire().equals(wire)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
