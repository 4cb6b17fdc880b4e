package dev.voxwire.gemini;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link LiveSession} reports, as a sealed hierarchy so that a {@code switch} over
 * it is exhaustive. The service's messages become one or more events each, in the order of their
 * fields: model parts ({@link Text}, {@link AudioOut}), transcriptions, {@link Interrupted},
 * {@link GenerationComplete}, {@link Usage}, {@link TurnComplete}; and {@link ToolCall},
 * {@link ToolCallCancellation}, {@link GoAway}, {@link SessionResumptionUpdate}. The session adds
 * {@link Reconnecting}, {@link Resumed} and, last of all, {@link Closed}.
 */
public sealed interface LiveEvent {

    /** Model text ({@code serverContent.modelTurn.parts[].text}). */
    record Text(String text) implements LiveEvent {
        public Text {
            requireNonNull(text, "text");
        }
    }

    /**
     * Model audio: 16-bit little-endian mono PCM, at {@code sampleRate} (24 kHz unless the
     * service's MIME type says otherwise).
     */
    record AudioOut(byte[] pcm, int sampleRate, String mimeType) implements LiveEvent {
        public AudioOut {
            requireNonNull(pcm, "pcm");
            requireNonNull(mimeType, "mimeType");
        }

        /** The PCM bytes (the array itself, not a copy: do not modify it). */
        @Override
        public byte[] pcm() {
            return pcm;
        }

        /** The audio's duration. */
        public Duration duration() {
            return Duration.ofNanos(pcm.length / 2 * 1_000_000_000L / Math.max(1, sampleRate));
        }

        @Override
        public String toString() {
            return "AudioOut[bytes=" + pcm.length + ", sampleRate=" + sampleRate + "]";
        }
    }

    /** A transcription of the user's audio; {@code finished} when the service marked it final. */
    record InputTranscription(String text, boolean finished) implements LiveEvent {
        public InputTranscription {
            requireNonNull(text, "text");
        }
    }

    /** A transcription fragment of the model's audio answer. */
    record OutputTranscription(String text) implements LiveEvent {
        public OutputTranscription {
            requireNonNull(text, "text");
        }
    }

    /** The model finished generating this turn (playback may still be going on). */
    record GenerationComplete() implements LiveEvent {
    }

    /** The turn is over; the model waits for input. */
    record TurnComplete() implements LiveEvent {
    }

    /** The user's input interrupted the model's turn: drop queued playback. */
    record Interrupted() implements LiveEvent {
    }

    /** The model asks the client to call functions; answer with {@link LiveSession#sendToolResponse}. */
    record ToolCall(List<FunctionCall> calls) implements LiveEvent {
        public ToolCall {
            calls = List.copyOf(calls);
        }
    }

    /** The model no longer needs the answers to these calls. */
    record ToolCallCancellation(List<String> ids) implements LiveEvent {
        public ToolCallCancellation {
            ids = List.copyOf(ids);
        }
    }

    /** Token counts ({@code usageMetadata}). */
    record Usage(UsageMetadata usage) implements LiveEvent {
        public Usage {
            requireNonNull(usage, "usage");
        }
    }

    /**
     * The service will end this connection after {@code timeLeft}. The session already opens
     * a new connection with the latest resumption handle and switches to it; nothing to do.
     */
    record GoAway(Duration timeLeft) implements LiveEvent {
        public GoAway {
            requireNonNull(timeLeft, "timeLeft");
        }
    }

    /**
     * A new resumption handle ({@code sessionResumptionUpdate}). The session keeps the latest
     * resumable one (see {@link LiveSession#resumptionHandle()}); store it to resume later with
     * {@link LiveConfig.Builder#resumptionHandle(String)}.
     */
    record SessionResumptionUpdate(@Nullable String newHandle, boolean resumable) implements LiveEvent {
        /** The handle, when the service sent a non-empty one. */
        public Optional<String> handle() {
            return newHandle == null || newHandle.isEmpty() ? Optional.empty() : Optional.of(newHandle);
        }
    }

    /**
     * The connection was lost ({@code closeCode}, {@code reason}; 1006 without a close frame);
     * attempt {@code attempt} to reconnect starts after {@code delay}. Input sent meanwhile is
     * buffered.
     */
    record Reconnecting(int attempt, Duration delay, ErrorCode cause, int closeCode, String reason)
            implements LiveEvent {
        public Reconnecting {
            requireNonNull(delay, "delay");
            requireNonNull(cause, "cause");
            requireNonNull(reason, "reason");
        }
    }

    /**
     * The session is on a new connection: after a {@code goAway} ({@code handover} true,
     * {@code attempts} 1) or after a reconnect. {@code resumed} says whether the service resumed
     * the conversation from a handle; when false the model starts without the earlier context.
     * Input buffered in between has been sent on the new connection.
     */
    record Resumed(int attempts, boolean resumed, boolean handover) implements LiveEvent {
    }

    /**
     * The session is over: the last event. {@code code} and {@code reason} are the WebSocket
     * close code and reason that ended it (1000 after {@link LiveSession#close()}); {@code error}
     * is set when it ended because of an error.
     */
    record Closed(int code, String reason, @Nullable ErrorCode error) implements LiveEvent {
        public Closed {
            requireNonNull(reason, "reason");
        }

        /** The error that ended the session, if one did. */
        public Optional<ErrorCode> errorCode() {
            return Optional.ofNullable(error);
        }
    }
}
