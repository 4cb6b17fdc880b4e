package dev.voxwire.core.audio;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@link PcmAudio} as a canonical RIFF/WAVE file that {@link WavReader} and common tools
 * read back unchanged.
 *
 * <p>Integer PCM is written with format tag 1 and a 16-byte {@code fmt } chunk; 32-bit float
 * with format tag 3, an 18-byte {@code fmt } chunk and the {@code fact} chunk the specification
 * asks for with non-PCM data. An odd-sized {@code data} chunk gets its pad byte.
 */
public final class WavWriter {
    private WavWriter() {
    }

    /** The WAV file's bytes. */
    public static byte[] write(PcmAudio audio) {
        requireNonNull(audio, "audio");
        AudioFormat f = audio.format();
        boolean isFloat = f.encoding() == AudioFormat.Encoding.FLOAT32LE;
        int fmtSize = isFloat ? 18 : 16;
        int factSize = isFloat ? 8 + 4 : 0;
        int dataSize = audio.byteLength();
        int pad = dataSize & 1;
        long riffSize = 4L + 8 + fmtSize + factSize + 8 + dataSize + pad;
        long total = riffSize + 8;
        if (total > Integer.MAX_VALUE - 8) {
            throw AudioFormat.unsupported("audio too large for a WAV byte array: " + dataSize + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        putId(buf, "RIFF");
        buf.putInt((int) riffSize);
        putId(buf, "WAVE");
        putId(buf, "fmt ");
        buf.putInt(fmtSize);
        buf.putShort((short) (isFloat ? WavReader.FORMAT_IEEE_FLOAT : WavReader.FORMAT_PCM));
        buf.putShort((short) f.channels());
        buf.putInt(f.sampleRate());
        buf.putInt((int) f.bytesPerSecond());
        buf.putShort((short) f.bytesPerFrame());
        buf.putShort((short) (f.bytesPerSample() * 8));
        if (isFloat) {
            buf.putShort((short) 0); // cbSize: no extension
            putId(buf, "fact");
            buf.putInt(4);
            buf.putInt(audio.frames());
        }
        putId(buf, "data");
        buf.putInt(dataSize);
        buf.put(audio.bytes());
        // the pad byte, if any, is already zero
        return buf.array();
    }

    /** Writes the WAV file to a stream, which is flushed but not closed. */
    public static void write(PcmAudio audio, OutputStream out) {
        requireNonNull(out, "out");
        byte[] wav = write(audio);
        try {
            out.write(wav);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing WAV stream failed", e);
        }
    }

    /** Writes the WAV file to disk, replacing an existing file. */
    public static void write(PcmAudio audio, Path file) {
        requireNonNull(file, "file");
        byte[] wav = write(audio);
        try {
            Files.write(file, wav);
        } catch (IOException e) {
            throw new UncheckedIOException("writing WAV file " + file + " failed", e);
        }
    }

    private static void putId(ByteBuffer buf, String id) {
        for (int i = 0; i < 4; i++) {
            buf.put((byte) id.charAt(i));
        }
    }
}
