package dev.voxwire.core.audio;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;

/** TEMP stub: decodes WAV or raw PCM16 to 16 kHz mono. */
public final class AudioDecoder {
    private AudioDecoder() {
    }

    /** Decodes {@code wav} or {@code pcm16} (0 rate/channels mean 16000/1) to 16 kHz mono. */
    public static PcmAudio toPcm16Mono16k(byte[] data, String format, int sampleRate, int channels) {
        PcmAudio in;
        if ("wav".equals(format)) {
            in = WavReader.read(data);
        } else if ("pcm16".equals(format)) {
            int rate = sampleRate == 0 ? 16000 : sampleRate;
            int ch = channels == 0 ? 1 : channels;
            if (data.length % (2 * ch) != 0) {
                throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO,
                        "pcm16 data: " + data.length + " bytes (expected: a multiple of " + 2 * ch + ")");
            }
            short[] s = new short[data.length / 2];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) ((data[2 * i] & 0xff) | (data[2 * i + 1] << 8));
            }
            in = PcmAudio.ofSamples(s, rate, ch);
        } else {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "format: " + format + " (expected: wav or pcm16)");
        }
        return AudioConverter.toPcm16Mono16k(in);
    }
}
