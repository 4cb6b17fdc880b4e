package dev.voxwire.core.audio;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * Decodes audio as it arrives on the wire (the {@code format}, {@code sampleRate},
 * {@code channels} and {@code data} of an {@code audio:analyze} event) into {@link PcmAudio}.
 *
 * <p>Formats ({@link #FORMATS}, case-insensitive): {@code wav}, a WAV file read by
 * {@link WavReader} whose header gives rate and channels; {@code pcm16}, raw little-endian
 * 16-bit PCM whose rate and channels are given separately, {@code 0} meaning the defaults
 * {@value #DEFAULT_SAMPLE_RATE} Hz and {@value #DEFAULT_CHANNELS} channel. Anything that cannot
 * be decoded, including empty audio, fails with a {@link dev.voxwire.core.VoxwireException}
 * carrying {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO}.
 */
public final class AudioDecoder {
    /** The {@code wav} wire format. */
    public static final String WAV = "wav";
    /** The {@code pcm16} wire format. */
    public static final String PCM16 = "pcm16";
    /** The accepted wire formats. */
    public static final List<String> FORMATS = List.of(WAV, PCM16);
    /** The rate assumed for {@code pcm16} when none is given (0). */
    public static final int DEFAULT_SAMPLE_RATE = 16_000;
    /** The channel count assumed for {@code pcm16} when none is given (0). */
    public static final int DEFAULT_CHANNELS = 1;

    private AudioDecoder() {
    }

    /**
     * Decodes and converts to 16 kHz mono 16-bit PCM.
     *
     * @param data the audio bytes
     * @param format {@code wav} or {@code pcm16}
     * @param sampleRate for {@code pcm16}: the rate in Hz, or 0 for the default; ignored for {@code wav}
     * @param channels for {@code pcm16}: the channel count, or 0 for the default; ignored for {@code wav}
     * @throws dev.voxwire.core.VoxwireException with
     *     {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} saying what was wrong
     */
    public static PcmAudio toPcm16Mono16k(byte[] data, String format, int sampleRate, int channels) {
        return AudioConverter.toPcm16Mono16k(decode(data, format, sampleRate, channels));
    }

    /**
     * Decodes without converting: the audio in the encoding, rate and channels it came in.
     * Parameters and failures as {@link #toPcm16Mono16k(byte[], String, int, int)}.
     */
    public static PcmAudio decode(byte[] data, String format, int sampleRate, int channels) {
        requireNonNull(data, "data");
        requireNonNull(format, "format");
        String f = format.toLowerCase(Locale.ROOT);
        PcmAudio audio;
        if (f.equals(WAV)) {
            if (data.length == 0) {
                throw AudioFormat.unsupported("no audio: the wav data is empty");
            }
            audio = WavReader.read(data);
        } else if (f.equals(PCM16)) {
            audio = pcm16(data, sampleRate, channels);
        } else {
            throw AudioFormat.unsupported("unknown audio format '" + abbreviate(format) + "' (expected one of: "
                    + String.join(", ", FORMATS) + ")");
        }
        if (audio.isEmpty()) {
            throw AudioFormat.unsupported("no audio: the " + f + " data holds no samples");
        }
        return audio;
    }

    private static PcmAudio pcm16(byte[] data, int sampleRate, int channels) {
        if (sampleRate < 0) {
            throw AudioFormat.unsupported("sampleRate: " + sampleRate + " (expected: > 0, or 0 for "
                    + DEFAULT_SAMPLE_RATE + ")");
        }
        if (channels < 0) {
            throw AudioFormat.unsupported("channels: " + channels + " (expected: > 0, or 0 for "
                    + DEFAULT_CHANNELS + ")");
        }
        AudioFormat f = AudioFormat.pcm16(sampleRate == 0 ? DEFAULT_SAMPLE_RATE : sampleRate,
                channels == 0 ? DEFAULT_CHANNELS : channels);
        if (data.length == 0) {
            throw AudioFormat.unsupported("no audio: the pcm16 data is empty");
        }
        PcmAudio.checkWholeFrames(f, data.length, "pcm16 data");
        return PcmAudio.of(f, data);
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() <= 32 ? oneLine : oneLine.substring(0, 32) + "...";
    }
}
