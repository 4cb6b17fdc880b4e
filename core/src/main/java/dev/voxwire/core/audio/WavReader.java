package dev.voxwire.core.audio;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** TEMP stub: reads PCM16 WAV. */
public final class WavReader {
    private WavReader() {
    }

    /** Reads a RIFF/WAVE PCM16 file in its own format. */
    public static PcmAudio read(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "not a WAV file (no RIFF/WAVE header)");
        }
        int pos = 12;
        int channels = -1;
        int rate = -1;
        while (pos + 8 <= wav.length) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            int body = pos + 8;
            if (size < 0 || body + size > wav.length) {
                size = wav.length - body;
            }
            if (id == 0x20746d66) { // "fmt "
                int tag = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2) & 0xffff;
                rate = b.getInt(body + 4);
                int bits = b.getShort(body + 14) & 0xffff;
                if (tag != 1 || bits != 16) {
                    throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO,
                            "WAV encoding " + tag + "/" + bits + " bits (expected: PCM 16-bit)");
                }
            } else if (id == 0x61746164) { // "data"
                if (channels <= 0 || rate <= 0) {
                    throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "WAV has no fmt chunk before data");
                }
                int n = size / 2 / channels * channels;
                short[] s = new short[n];
                for (int i = 0; i < n; i++) {
                    s[i] = b.getShort(body + 2 * i);
                }
                return PcmAudio.ofSamples(s, rate, channels);
            }
            pos = body + size + (size & 1);
        }
        throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "WAV has no data chunk");
    }
}
