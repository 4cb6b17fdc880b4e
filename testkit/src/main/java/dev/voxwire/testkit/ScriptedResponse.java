package dev.voxwire.testkit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link ScriptedVoxwireServer} does with one client request: events to send back, waits
 * and faults, run in order.
 *
 * <pre>{@code
 * ScriptedResponse.builder()
 *         .emit("analysis:progress", "{\"stage\":\"decoded\",\"progress\":0.1}")
 *         .delay(Duration.ofSeconds(2))            // on the server's TaskScheduler
 *         .emit("analysis:result", "{\"durationMs\":1000}")
 *         .build();
 * ScriptedResponse.error(ErrorCode.RATE_LIMITED, "slow down");
 * ScriptedResponse.close(4008, "slow consumer");
 * }</pre>
 *
 * <p>Every event it {@linkplain Builder#emit emits} carries the request's id as
 * {@code payload.requestId} (the client's {@code id}, or {@code srv-N} when it sent none), a
 * per-connection {@code seq} and a {@code ts}, as the real server's do. Immutable; one response
 * may be enqueued many times.
 */
public final class ScriptedResponse {
    private static final ScriptedResponse SILENT = new ScriptedResponse(List.of());

    sealed interface Step {
    }

    record Emit(String type, ObjectNode payload) implements Step {
    }

    record Send(Envelope envelope) implements Step {
    }

    record Raw(String text) implements Step {
    }

    record Fail(ErrorCode code, String message, Duration retryAfter) implements Step {
    }

    record Delay(Duration delay) implements Step {
    }

    record Await(ReleaseGate gate) implements Step {
    }

    record Close(int code, String reason) implements Step {
    }

    record Drop() implements Step {
    }

    record Stall() implements Step {
    }

    private final List<Step> steps;

    private ScriptedResponse(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** A builder of steps. */
    public static Builder builder() {
        return new Builder();
    }

    /** One event of {@code type} with {@code payload} (plus {@code requestId}). */
    public static ScriptedResponse reply(String type, ObjectNode payload) {
        return builder().emit(type, payload).build();
    }

    /** One event of {@code type} with the payload given as JSON object text. */
    public static ScriptedResponse reply(String type, String payloadJson) {
        return builder().emit(type, payloadJson).build();
    }

    /** An {@code error} event with {@code code} and {@code message}. */
    public static ScriptedResponse error(ErrorCode code, String message) {
        return builder().error(code, message).build();
    }

    /** No answer at all (the request is only recorded). */
    public static ScriptedResponse silent() {
        return SILENT;
    }

    /** Closes the connection with a close frame of {@code code} and {@code reason}. */
    public static ScriptedResponse close(int code, String reason) {
        return builder().close(code, reason).build();
    }

    /** Drops the TCP connection without a close frame (the client sees 1006). */
    public static ScriptedResponse drop() {
        return builder().drop().build();
    }

    List<Step> steps() {
        return steps;
    }

    @Override
    public String toString() {
        return "ScriptedResponse" + steps;
    }

    /** Builds a {@link ScriptedResponse}. Not thread-safe. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();

        private Builder() {
        }

        /** Sends an event of {@code type}; {@code payload} gets the request's {@code requestId}. */
        public Builder emit(String type, ObjectNode payload) {
            requireNonNull(type, "type");
            requireNonNull(payload, "payload");
            if (type.isBlank()) {
                throw new IllegalArgumentException("type: '" + type + "' (expected: an event type such as analysis:result)");
            }
            steps.add(new Emit(type, payload.deepCopy()));
            return this;
        }

        /** As {@link #emit(String, ObjectNode)} with the payload as JSON object text. */
        public Builder emit(String type, String payloadJson) {
            return emit(type, parseObject(payloadJson));
        }

        /** Sends {@code envelope} as it is, except for {@code seq} and {@code ts}, which the server sets. */
        public Builder send(Envelope envelope) {
            steps.add(new Send(requireNonNull(envelope, "envelope")));
            return this;
        }

        /** Sends {@code text} as a text frame, verbatim (for malformed-input tests of clients). */
        public Builder raw(String text) {
            steps.add(new Raw(requireNonNull(text, "text")));
            return this;
        }

        /** Sends an {@code error} event: {@code code}, {@code message}, {@code retrySuggested}, {@code requestId}. */
        public Builder error(ErrorCode code, String message) {
            return error(code, message, Duration.ZERO);
        }

        /** As {@link #error(ErrorCode, String)} with {@code retryAfterMs} (when {@code retryAfter} is positive). */
        public Builder error(ErrorCode code, String message, Duration retryAfter) {
            requireNonNull(code, "code");
            requireNonNull(message, "message");
            requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
            }
            steps.add(new Fail(code, message, retryAfter));
            return this;
        }

        /** Waits {@code delay} on the server's {@link dev.voxwire.core.reliability.TaskScheduler TaskScheduler}. */
        public Builder delay(Duration delay) {
            requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
            }
            steps.add(new Delay(delay));
            return this;
        }

        /** Waits until {@code gate} is {@linkplain ReleaseGate#release() released}. */
        public Builder await(ReleaseGate gate) {
            steps.add(new Await(requireNonNull(gate, "gate")));
            return this;
        }

        /** Closes the connection with a close frame; later steps do not run. */
        public Builder close(int code, String reason) {
            requireNonNull(reason, "reason");
            if (code < 1000 || code > 4999 || code == 1005 || code == 1006 || code == 1015) {
                throw new IllegalArgumentException("code: " + code + " (expected: 1000..4999, not 1005, 1006 or 1015)");
            }
            steps.add(new Close(code, reason));
            return this;
        }

        /** Drops the TCP connection without a close frame; later steps do not run. */
        public Builder drop() {
            steps.add(new Drop());
            return this;
        }

        /**
         * Stalls the connection: the server stops reading it and holds everything it would send
         * (pongs included) until {@link ScriptedVoxwireServer#resumeAll()}; the socket stays open.
         */
        public Builder stall() {
            steps.add(new Stall());
            return this;
        }

        /** The response. */
        public ScriptedResponse build() {
            return new ScriptedResponse(steps);
        }
    }

    static ObjectNode parseObject(String json) {
        requireNonNull(json, "json");
        try {
            JsonNode n = EnvelopeCodec.mapper().readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("payload: '" + json + "' (expected: a JSON object)");
            }
            return (ObjectNode) n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload: '" + json + "' (expected: a JSON object): " + e.getOriginalMessage(), e);
        }
    }
}
