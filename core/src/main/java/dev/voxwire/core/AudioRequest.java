package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.reliability.Checks;
import org.jspecify.annotations.Nullable;

/**
 * Audio to send to a server for analysis (or another audio event type): the bytes, their
 * container format ({@code wav} or {@code pcm16}) and, for raw PCM, rate and channels.
 */
public final class AudioRequest {
    private final String type;
    private final byte[] data;
    private final String format;
    private final int sampleRate;
    private final int channels;
    private final @Nullable String analyzer;

    private AudioRequest(String type, byte[] data, String format, int sampleRate, int channels,
            @Nullable String analyzer) {
        this.type = type;
        this.data = data;
        this.format = format;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.analyzer = analyzer;
    }

    /** A WAV file's bytes, to be analysed. */
    public static AudioRequest wav(byte[] wavBytes) {
        requireNonNull(wavBytes, "wavBytes");
        return new AudioRequest(EventTypes.AUDIO_ANALYZE, wavBytes.clone(), "wav", 0, 0, null);
    }

    /** Raw little-endian 16-bit PCM, to be analysed. */
    public static AudioRequest pcm16(byte[] pcm, int sampleRate, int channels) {
        requireNonNull(pcm, "pcm");
        Checks.positive(sampleRate, "sampleRate");
        Checks.positive(channels, "channels");
        return new AudioRequest(EventTypes.AUDIO_ANALYZE, pcm.clone(), "pcm16", sampleRate, channels, null);
    }

    /** A copy sent as another event type (for instance {@code live:audio}). */
    public AudioRequest withType(String type) {
        return new AudioRequest(requireNonNull(type, "type"), data, format, sampleRate, channels, analyzer);
    }

    /** A copy that asks the server for a named analyzer. */
    public AudioRequest withAnalyzer(String analyzer) {
        return new AudioRequest(type, data, format, sampleRate, channels, requireNonNull(analyzer, "analyzer"));
    }

    /** The audio bytes (a copy). */
    public byte[] data() {
        return data.clone();
    }

    /** {@code wav} or {@code pcm16}. */
    public String format() {
        return format;
    }

    /**
     * The envelope: {@code {type, payload:{format, sampleRate?, channels?, data}}}. {@code data}
     * is a binary node: encoded as JSON it is a base64 string; a transport that speaks
     * {@link dev.voxwire.core.protocol.BinaryFrames} sends the bytes as they are.
     */
    public Envelope toEnvelope() {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("format", format);
        if (sampleRate > 0) {
            p.put("sampleRate", sampleRate);
            p.put("channels", channels);
        }
        if (analyzer != null) {
            p.put("analyzer", analyzer);
        }
        // Bytes, not a string: JSON carries them as base64, a binary WebSocket frame as they are
        // (BinaryFrames).
        p.put("data", data);
        return Envelope.of(type, p);
    }

    @Override
    public String toString() {
        return "AudioRequest{type=" + type + ", format=" + format + ", bytes=" + data.length
                + (sampleRate > 0 ? ", sampleRate=" + sampleRate + ", channels=" + channels : "") + "}";
    }
}
