package dev.voxwire.testkit.gemini;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the simulator answers to one user turn: an ordered list of steps (model text, model
 * audio, transcriptions, tool calls, pauses, faults).
 *
 * <p>The steps run in order on the connection's event loop. Unless a step ends the turn
 * ({@link Builder#interrupted()}, {@link Builder#closeWith(int, String)}, {@link Builder#drop()}),
 * the simulator finishes the turn as the service does: {@code generationComplete}, then
 * {@code turnComplete} with {@code usageMetadata}, then a {@code sessionResumptionUpdate} when
 * the client asked for resumption.
 *
 * <pre>{@code
 * ScriptedTurn weather = ScriptedTurn.builder()
 *         .toolCall("get_weather", Map.of("city", "Paris"))
 *         .awaitToolResponse()
 *         .text("It is sunny in Paris.")
 *         .build();
 * }</pre>
 */
public final class ScriptedTurn {
    /** One step of a scripted turn. Implementations are internal to the simulator. */
    sealed interface Step {
    }

    record Text(String text) implements Step {
    }

    record Audio(byte[] pcm24k) implements Step {
    }

    record Tone(Duration duration) implements Step {
    }

    record InputTranscript(String text) implements Step {
    }

    record OutputTranscript(String text) implements Step {
    }

    record ToolCall(String name, Map<String, Object> args, @Nullable String id) implements Step {
    }

    record AwaitToolResponse() implements Step {
    }

    record EchoToolResponse() implements Step {
    }

    record CancelToolCalls() implements Step {
    }

    record Echo() implements Step {
    }

    record Pause(Duration duration) implements Step {
    }

    record Interrupted() implements Step {
    }

    record Close(int code, String reason) implements Step {
    }

    record Drop() implements Step {
    }

    private static final ScriptedTurn ECHO = builder().echo().build();

    private final List<Step> steps;

    private ScriptedTurn(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default turn: the deterministic echo answer (see {@link GeminiLiveSimulator}). */
    public static ScriptedTurn echo() {
        return ECHO;
    }

    /** A turn that answers with one text (split into chunks like the echo answer). */
    public static ScriptedTurn text(String text) {
        return builder().text(text).build();
    }

    List<Step> steps() {
        return steps;
    }

    @Override
    public String toString() {
        return "ScriptedTurn" + steps;
    }

    /** Builds a {@link ScriptedTurn}. Not thread-safe. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();

        private Builder() {
        }

        /** Model text, sent as {@code serverContent.modelTurn} text chunks (in any response modality). */
        public Builder text(String text) {
            requireNonNull(text, "text");
            steps.add(new Text(text));
            return this;
        }

        /**
         * Model audio, 16-bit little-endian mono PCM at 24 kHz, sent as
         * {@code modelTurn.parts[].inlineData} chunks of at most 200 ms with MIME type
         * {@code audio/pcm;rate=24000}.
         */
        public Builder audio(byte[] pcm24k) {
            requireNonNull(pcm24k, "pcm24k");
            if (pcm24k.length % 2 != 0) {
                throw new IllegalArgumentException("pcm24k: " + pcm24k.length + " bytes (expected: an even number)");
            }
            steps.add(new Audio(pcm24k.clone()));
            return this;
        }

        /** Model audio: a deterministic 440 Hz tone of the given length at 24 kHz. */
        public Builder tone(Duration duration) {
            requirePositive(duration, "duration");
            steps.add(new Tone(duration));
            return this;
        }

        /** An {@code inputTranscription} message, whether or not the client asked for one. */
        public Builder inputTranscription(String text) {
            requireNonNull(text, "text");
            steps.add(new InputTranscript(text));
            return this;
        }

        /** An {@code outputTranscription} message, whether or not the client asked for one. */
        public Builder outputTranscription(String text) {
            requireNonNull(text, "text");
            steps.add(new OutputTranscript(text));
            return this;
        }

        /**
         * A {@code toolCall} with one function call whose id the simulator generates
         * ({@code function-call-<n>}). The turn goes on at once; add
         * {@link #awaitToolResponse()} to wait for the client's answer.
         */
        public Builder toolCall(String name, Map<String, ?> args) {
            return toolCall(name, args, null);
        }

        /** A {@code toolCall} with one function call and the given id (null: generated). */
        public Builder toolCall(String name, Map<String, ?> args, @Nullable String id) {
            requireNonNull(name, "name");
            requireNonNull(args, "args");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name: '" + name + "' (expected: a function name)");
            }
            steps.add(new ToolCall(name, new LinkedHashMap<>(args), id));
            return this;
        }

        /** Waits until the client has answered every outstanding tool call with {@code toolResponse}. */
        public Builder awaitToolResponse() {
            steps.add(new AwaitToolResponse());
            return this;
        }

        /**
         * Model text describing the last {@code toolResponse}:
         * {@code "<name> returned <response as compact JSON>"}, one sentence per function.
         */
        public Builder echoToolResponse() {
            steps.add(new EchoToolResponse());
            return this;
        }

        /** A {@code toolCallCancellation} for every tool call still outstanding. */
        public Builder cancelToolCalls() {
            steps.add(new CancelToolCalls());
            return this;
        }

        /** The echo model's answer to this turn's input (text or audio, by modality). */
        public Builder echo() {
            steps.add(new Echo());
            return this;
        }

        /** Waits on the event loop before the next step; client input meanwhile interrupts the turn. */
        public Builder pause(Duration duration) {
            requirePositive(duration, "duration");
            steps.add(new Pause(duration));
            return this;
        }

        /** Ends the turn as interrupted: {@code interrupted}, then {@code turnComplete}, no {@code generationComplete}. */
        public Builder interrupted() {
            steps.add(new Interrupted());
            return this;
        }

        /** Closes the connection with a close frame, for example {@code 1011, "Internal error occurred."}. */
        public Builder closeWith(int code, String reason) {
            requireNonNull(reason, "reason");
            if (code < 1000 || code > 4999) {
                throw new IllegalArgumentException("code: " + code + " (expected: 1000..4999)");
            }
            steps.add(new Close(code, reason));
            return this;
        }

        /** Drops the TCP connection without a close frame (the client sees 1006). */
        public Builder drop() {
            steps.add(new Drop());
            return this;
        }

        /** The turn. */
        public ScriptedTurn build() {
            return new ScriptedTurn(steps);
        }

        private static void requirePositive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
        }
    }
}
