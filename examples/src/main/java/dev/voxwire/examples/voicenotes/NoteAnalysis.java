package dev.voxwire.examples.voicenotes;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.protocol.Envelope;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * What the server found in one voice note.
 *
 * @param name the note's name (its file name)
 * @param requestId the id of the {@code audio:analyze} request
 * @param duration how long the note is
 * @param voicedSegments how many stretches of voice it has
 * @param rmsDbfs its level in dBFS
 * @param pitchHz the median pitch of the voice, when there is one
 */
public record NoteAnalysis(String name, String requestId, Duration duration, int voicedSegments, double rmsDbfs,
        OptionalDouble pitchHz) {

    public NoteAnalysis {
        requireNonNull(name, "name");
        requireNonNull(requestId, "requestId");
        requireNonNull(duration, "duration");
        requireNonNull(pitchHz, "pitchHz");
    }

    /** Reads an {@code analysis:result} event. */
    static NoteAnalysis from(String name, Envelope result) {
        JsonNode p = result.payload();
        JsonNode pitch = p.path("pitchHz");
        return new NoteAnalysis(name, result.requestId().orElse(""), Duration.ofMillis(p.path("durationMs").asLong()),
                p.path("voicedSegments").size(), p.path("rmsDbfs").asDouble(),
                pitch.isNumber() ? OptionalDouble.of(pitch.asDouble()) : OptionalDouble.empty());
    }
}
