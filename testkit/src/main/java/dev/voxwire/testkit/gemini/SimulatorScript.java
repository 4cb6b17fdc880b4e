package dev.voxwire.testkit.gemini;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link GeminiLiveSimulator} answers and which faults it injects. Immutable.
 *
 * <p>Turns are numbered from 1 within a session; a resumed session goes on counting from the
 * turn its handle was issued after. A turn without a script gets {@link #defaultTurn()} (the
 * echo answer unless changed).
 *
 * <p>Faults:
 * <ul>
 *   <li>{@link Builder#setupCompleteDelay(Duration)} and {@link Builder#noSetupComplete()}:
 *       a slow or missing {@code setupComplete};
 *   <li>{@link Builder#goAwayAfter(Duration, Duration)}: on every connection, a {@code goAway}
 *       some time after setup, then a 1011 close ({@code "Deadline expired before operation
 *       could complete."}) when its {@code timeLeft} has run out, as the service does at its
 *       connection limit;
 *   <li>{@link Builder#close1011MidTurn()} and {@link Builder#dropMidTurn()}: the first model
 *       turn that reaches them (once per simulator) is cut after its first model chunk;
 *   <li>{@link Builder#refuseResumption()}: every resumption handle is rejected.
 * </ul>
 *
 * <pre>{@code
 * SimulatorScript script = SimulatorScript.builder()
 *         .onTurn(1, ScriptedTurn.text("Hello there."))
 *         .onTurn(2, ScriptedTurn.builder().toolCall("lookup", Map.of("q", "x")).awaitToolResponse()
 *                 .echoToolResponse().build())
 *         .goAwayAfter(Duration.ofSeconds(5), Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 */
public final class SimulatorScript {
    /** The {@code timeLeft} of {@link Builder#goAwayAfter(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_GO_AWAY_TIME_LEFT = Duration.ofSeconds(10);

    private static final SimulatorScript ECHO = builder().build();

    private final Map<Integer, ScriptedTurn> turns;
    private final ScriptedTurn defaultTurn;
    private final Duration setupCompleteDelay;
    private final boolean noSetupComplete;
    private final @Nullable Duration goAwayAfter;
    private final Duration goAwayTimeLeft;
    private final boolean close1011MidTurn;
    private final boolean dropMidTurn;
    private final boolean refuseResumption;

    private SimulatorScript(Builder b) {
        this.turns = Map.copyOf(b.turns);
        this.defaultTurn = b.defaultTurn;
        this.setupCompleteDelay = b.setupCompleteDelay;
        this.noSetupComplete = b.noSetupComplete;
        this.goAwayAfter = b.goAwayAfter;
        this.goAwayTimeLeft = b.goAwayTimeLeft;
        this.close1011MidTurn = b.close1011MidTurn;
        this.dropMidTurn = b.dropMidTurn;
        this.refuseResumption = b.refuseResumption;
    }

    /** The echo model with no faults. */
    public static SimulatorScript echo() {
        return ECHO;
    }

    /** A new builder (echo model, no faults). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this script's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.turns.putAll(turns);
        b.defaultTurn = defaultTurn;
        b.setupCompleteDelay = setupCompleteDelay;
        b.noSetupComplete = noSetupComplete;
        b.goAwayAfter = goAwayAfter;
        b.goAwayTimeLeft = goAwayTimeLeft;
        b.close1011MidTurn = close1011MidTurn;
        b.dropMidTurn = dropMidTurn;
        b.refuseResumption = refuseResumption;
        return b;
    }

    /** The scripted answer to turn {@code n} (1-based), or {@link #defaultTurn()}. */
    public ScriptedTurn turn(int n) {
        return turns.getOrDefault(n, defaultTurn);
    }

    /** The answer to turns without their own script. */
    public ScriptedTurn defaultTurn() {
        return defaultTurn;
    }

    /** How long the simulator waits before {@code setupComplete}. */
    public Duration setupCompleteDelay() {
        return setupCompleteDelay;
    }

    /** Whether {@code setupComplete} is never sent. */
    public boolean noSetupComplete() {
        return noSetupComplete;
    }

    /** When, after {@code setupComplete}, each connection receives a {@code goAway}. */
    public Optional<Duration> goAwayAfter() {
        return Optional.ofNullable(goAwayAfter);
    }

    /** The {@code timeLeft} announced in the scripted {@code goAway}. */
    public Duration goAwayTimeLeft() {
        return goAwayTimeLeft;
    }

    /** Whether the first model turn is cut by a 1011 close after its first chunk. */
    public boolean close1011MidTurn() {
        return close1011MidTurn;
    }

    /** Whether the first model turn is cut by a dropped TCP connection after its first chunk. */
    public boolean dropMidTurn() {
        return dropMidTurn;
    }

    /** Whether every resumption handle is rejected. */
    public boolean refuseResumption() {
        return refuseResumption;
    }

    @Override
    public String toString() {
        return "SimulatorScript{turns=" + new TreeMap<>(turns).keySet()
                + ", setupCompleteDelay=" + setupCompleteDelay
                + ", noSetupComplete=" + noSetupComplete
                + ", goAwayAfter=" + goAwayAfter
                + ", goAwayTimeLeft=" + goAwayTimeLeft
                + ", close1011MidTurn=" + close1011MidTurn
                + ", dropMidTurn=" + dropMidTurn
                + ", refuseResumption=" + refuseResumption + '}';
    }

    /** Builds a {@link SimulatorScript}. Not thread-safe. */
    public static final class Builder {
        private final Map<Integer, ScriptedTurn> turns = new TreeMap<>();
        private ScriptedTurn defaultTurn = ScriptedTurn.echo();
        private Duration setupCompleteDelay = Duration.ZERO;
        private boolean noSetupComplete;
        private @Nullable Duration goAwayAfter;
        private Duration goAwayTimeLeft = DEFAULT_GO_AWAY_TIME_LEFT;
        private boolean close1011MidTurn;
        private boolean dropMidTurn;
        private boolean refuseResumption;

        private Builder() {
        }

        /** The answer to turn {@code n} of a session (1-based). */
        public Builder onTurn(int n, ScriptedTurn turn) {
            requireNonNull(turn, "turn");
            if (n < 1) {
                throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
            }
            turns.put(n, turn);
            return this;
        }

        /** The answer to every turn without its own script (default: {@link ScriptedTurn#echo()}). */
        public Builder otherwise(ScriptedTurn turn) {
            this.defaultTurn = requireNonNull(turn, "turn");
            return this;
        }

        /** Delays {@code setupComplete}. */
        public Builder setupCompleteDelay(Duration delay) {
            requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("setupCompleteDelay: " + delay + " (expected: >= 0)");
            }
            this.setupCompleteDelay = delay;
            return this;
        }

        /** Never sends {@code setupComplete} (client input is still processed). */
        public Builder noSetupComplete() {
            this.noSetupComplete = true;
            return this;
        }

        /** A {@code goAway} with {@link #DEFAULT_GO_AWAY_TIME_LEFT} {@code after} setup on every connection. */
        public Builder goAwayAfter(Duration after) {
            return goAwayAfter(after, DEFAULT_GO_AWAY_TIME_LEFT);
        }

        /**
         * A {@code goAway} announcing {@code timeLeft}, {@code after} setup on every connection;
         * when {@code timeLeft} has passed the connection is closed with 1011.
         */
        public Builder goAwayAfter(Duration after, Duration timeLeft) {
            requireNonNull(after, "after");
            requireNonNull(timeLeft, "timeLeft");
            if (after.isNegative()) {
                throw new IllegalArgumentException("goAwayAfter: " + after + " (expected: >= 0)");
            }
            if (timeLeft.isNegative()) {
                throw new IllegalArgumentException("timeLeft: " + timeLeft + " (expected: >= 0)");
            }
            this.goAwayAfter = after;
            this.goAwayTimeLeft = timeLeft;
            return this;
        }

        /** Cuts the first model turn (once per simulator) with 1011 {@code "Internal error occurred."}. */
        public Builder close1011MidTurn() {
            this.close1011MidTurn = true;
            return this;
        }

        /** Cuts the first model turn (once per simulator) by dropping the TCP connection. */
        public Builder dropMidTurn() {
            this.dropMidTurn = true;
            return this;
        }

        /** Rejects every {@code sessionResumption.handle} (see {@link GeminiLiveSimulator}). */
        public Builder refuseResumption() {
            this.refuseResumption = true;
            return this;
        }

        /** The script. */
        public SimulatorScript build() {
            return new SimulatorScript(this);
        }
    }
}
