package dev.voxwire.server.analysis;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The measures {@link DefaultAudioAnalyzer} computes from one piece of audio.
 *
 * <p>Levels are in dBFS relative to the PCM16 full scale (32768): a full-scale sine has a peak of
 * 0 dBFS and an RMS of -3.01 dBFS (no AES17 +3 dB correction). Digital silence is reported as
 * {@link DefaultAudioAnalyzer#MIN_DBFS}, never minus infinity.
 *
 * @param durationMs the audio's duration
 * @param rmsDbfs the RMS level of the whole audio
 * @param peakDbfs the largest absolute sample
 * @param silenceRatio the fraction (0 to 1) of the duration outside every voiced segment
 * @param voicedSegments the voiced segments, in order, not overlapping
 * @param pitchHz the median fundamental frequency of the voiced frames; empty when none is voiced
 *     or periodic
 */
public record AudioMeasures(
        long durationMs,
        double rmsDbfs,
        double peakDbfs,
        double silenceRatio,
        List<VoicedSegment> voicedSegments,
        OptionalDouble pitchHz) {
    public AudioMeasures {
        voicedSegments = List.copyOf(voicedSegments);
        requireNonNull(pitchHz, "pitchHz");
    }

    /**
     * The measures as {@code analysis:result} fields: {@code durationMs}, {@code rmsDbfs} and
     * {@code peakDbfs} (two decimals), {@code silenceRatio} (three decimals), {@code voicedSegments}
     * as {@code [{startMs, endMs}]} and {@code pitchHz} (one decimal, or {@code null}).
     */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("durationMs", durationMs);
        n.put("rmsDbfs", round(rmsDbfs, 100));
        n.put("peakDbfs", round(peakDbfs, 100));
        n.put("silenceRatio", round(silenceRatio, 1000));
        ArrayNode segments = n.putArray("voicedSegments");
        for (VoicedSegment s : voicedSegments) {
            segments.addObject().put("startMs", s.startMs()).put("endMs", s.endMs());
        }
        if (pitchHz.isPresent()) {
            n.put("pitchHz", round(pitchHz.getAsDouble(), 10));
        } else {
            n.putNull("pitchHz");
        }
        return n;
    }

    private static double round(double v, int scale) {
        return Math.round(v * scale) / (double) scale;
    }
}
