package dev.voxwire.server.analysis;

/**
 * A stretch of audio the energy detector considers voiced (active), in milliseconds from the start.
 *
 * @param startMs where the segment starts
 * @param endMs where it ends (exclusive), always greater than {@code startMs}
 */
public record VoicedSegment(long startMs, long endMs) {
    public VoicedSegment {
        if (startMs < 0 || endMs <= startMs) {
            throw new IllegalArgumentException(
                    "segment: [" + startMs + ", " + endMs + ") (expected: 0 <= startMs < endMs)");
        }
    }

    /** The segment's length in milliseconds. */
    public long durationMs() {
        return endMs - startMs;
    }
}
