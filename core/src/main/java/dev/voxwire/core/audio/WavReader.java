package dev.voxwire.core.audio;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A strict reader of RIFF/WAVE files holding uncompressed audio.
 *
 * <p>Accepted: format tag 1 (integer PCM, 8, 16, 24 or 32 bits), 3 (IEEE float, 32 bits) and
 * 0xFFFE ({@code WAVE_FORMAT_EXTENSIBLE}) whose sub-format GUID is one of those two; 1 to
 * {@value AudioFormat#MAX_CHANNELS} channels; {@value AudioFormat#MIN_SAMPLE_RATE} to
 * {@value AudioFormat#MAX_SAMPLE_RATE} Hz. Chunks other than {@code fmt } and {@code data}
 * ({@code LIST}, {@code fact}, {@code cue }...) are skipped, respecting the pad byte after
 * odd-sized chunks. Bytes after the end announced by the RIFF header are ignored.
 *
 * <p>Everything else fails with a {@link VoxwireException} carrying
 * {@link ErrorCode#UNSUPPORTED_AUDIO} and a message saying what was wrong: a truncated file or
 * chunk, a chunk size past the end of the file, a compressed codec (named, for instance
 * {@code "IMA ADPCM"}), a zero or too large channel count, a rate out of range, a block align or
 * byte rate that contradicts the other fields, a data size that is not a whole number of frames,
 * a missing or repeated {@code fmt } or {@code data} chunk.
 *
 * <p>The audio is returned in its original encoding; see {@link AudioConverter} to convert it.
 */
public final class WavReader {
    static final int FORMAT_PCM = 0x0001;
    static final int FORMAT_IEEE_FLOAT = 0x0003;
    static final int FORMAT_EXTENSIBLE = 0xFFFE;

    /** The tail shared by the KSDATAFORMAT_SUBTYPE_* GUIDs, after the 16-bit format code. */
    static final byte[] GUID_TAIL = {
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
        (byte) 0x9B, 0x71,
    };

    private static final Map<Integer, String> CODEC_NAMES = Map.ofEntries(
            Map.entry(0x0000, "unknown (format tag 0)"),
            Map.entry(0x0002, "Microsoft ADPCM"),
            Map.entry(0x0006, "A-law"),
            Map.entry(0x0007, "mu-law"),
            Map.entry(0x0011, "IMA ADPCM"),
            Map.entry(0x0016, "ITU G.723 ADPCM"),
            Map.entry(0x0031, "GSM 6.10"),
            Map.entry(0x0040, "G.721 ADPCM"),
            Map.entry(0x0050, "MPEG audio"),
            Map.entry(0x0055, "MP3"),
            Map.entry(0x0092, "Dolby AC-3 (S/PDIF)"),
            Map.entry(0x00FF, "AAC"),
            Map.entry(0x0160, "Windows Media Audio 1"),
            Map.entry(0x0161, "Windows Media Audio 2"),
            Map.entry(0x1610, "MPEG-4 AAC (HEAAC)"),
            Map.entry(0x2000, "Dolby AC-3"),
            Map.entry(0x6750, "Ogg Vorbis"),
            Map.entry(0xF1AC, "FLAC"));

    private static final int RIFF_HEADER = 12;
    private static final int CHUNK_HEADER = 8;

    private WavReader() {
    }

    /**
     * Reads a whole WAV file.
     *
     * @throws VoxwireException with {@link ErrorCode#UNSUPPORTED_AUDIO} when the file is
     *     malformed or holds audio Voxwire does not support
     */
    public static PcmAudio read(byte[] wav) {
        requireNonNull(wav, "wav");
        return new Parser(wav).parse();
    }

    /**
     * Reads a WAV file from a stream, to its end. The stream is not closed.
     *
     * @throws UncheckedIOException when reading the stream fails
     * @throws VoxwireException with {@link ErrorCode#UNSUPPORTED_AUDIO} as {@link #read(byte[])}
     */
    public static PcmAudio read(InputStream in) {
        requireNonNull(in, "in");
        try {
            return read(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading WAV stream failed", e);
        }
    }

    /**
     * Reads a WAV file from disk.
     *
     * @throws UncheckedIOException when reading the file fails
     * @throws VoxwireException with {@link ErrorCode#UNSUPPORTED_AUDIO} as {@link #read(byte[])}
     */
    public static PcmAudio read(Path file) {
        requireNonNull(file, "file");
        try {
            return read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading WAV file " + file + " failed", e);
        }
    }

    /** The name of a WAV format tag, for messages: {@code "mu-law (format tag 0x0007)"}. */
    static String codecName(int formatTag) {
        String hex = String.format(Locale.ROOT, "0x%04X", formatTag);
        String name = CODEC_NAMES.get(formatTag);
        return name == null ? "format tag " + hex : name + " (format tag " + hex + ")";
    }

    private static final class Parser {
        private final byte[] b;
        private int end;

        private AudioFormat.@Nullable Encoding encoding;
        private int channels;
        private int sampleRate;
        private int blockAlign;
        private boolean sawFmt;
        private byte @Nullable [] data;

        Parser(byte[] b) {
            this.b = b;
        }

        PcmAudio parse() {
            if (b.length == 0) {
                throw fail("empty input: a WAV file starts with a 12-byte RIFF header");
            }
            if (b.length < RIFF_HEADER) {
                throw fail("truncated: " + b.length + " bytes, shorter than the 12-byte RIFF header");
            }
            String riff = fourCc(0);
            if (riff.equals("RIFX")) {
                throw fail("big-endian RIFX files are not supported (expected: RIFF)");
            }
            if (riff.equals("RF64")) {
                throw fail("RF64 (64-bit RIFF) files are not supported (expected: RIFF)");
            }
            if (!riff.equals("RIFF")) {
                throw fail("does not start with 'RIFF' (found '" + printable(riff) + "'), this is not a WAV file");
            }
            long riffSize = u32(4);
            String form = fourCc(8);
            if (!form.equals("WAVE")) {
                throw fail("RIFF form type is '" + printable(form) + "' (expected: 'WAVE'), this is not a WAV file");
            }
            if (riffSize < 4) {
                throw fail("RIFF size " + riffSize + " is too small (expected: >= 4)");
            }
            if (riffSize + 8 > b.length) {
                throw fail("truncated: the RIFF header announces " + (riffSize + 8) + " bytes but the file has "
                        + b.length);
            }
            end = (int) (riffSize + 8);
            int pos = RIFF_HEADER;
            while (pos < end) {
                if (end - pos < CHUNK_HEADER) {
                    throw fail("truncated chunk header at offset " + pos + ": " + (end - pos)
                            + " bytes left (expected: 8)");
                }
                String id = fourCc(pos);
                if (!isValidChunkId(pos)) {
                    throw fail("invalid chunk id '" + printable(id) + "' at offset " + pos);
                }
                long size = u32(pos + 4);
                int body = pos + CHUNK_HEADER;
                if (size > end - body) {
                    throw fail("chunk '" + id.trim() + "' at offset " + pos + " has size " + size
                            + ", past the end of the file (" + (end - body) + " bytes left)");
                }
                int n = (int) size;
                if (id.equals("fmt ")) {
                    parseFmt(body, n);
                } else if (id.equals("data")) {
                    parseData(body, n);
                }
                pos = body + n;
                if ((n & 1) == 1 && pos < end) {
                    pos++; // pad byte; a writer may leave it out after the last chunk
                }
            }
            if (!sawFmt) {
                throw fail("no 'fmt ' chunk: the file does not say how its audio is encoded");
            }
            if (data == null) {
                throw fail("no 'data' chunk: the file holds no audio");
            }
            AudioFormat.Encoding enc = requireNonNull(encoding);
            return PcmAudio.wrap(AudioFormat.of(enc, sampleRate, channels), data);
        }

        private void parseFmt(int at, int size) {
            if (sawFmt) {
                throw fail("more than one 'fmt ' chunk (second at offset " + (at - CHUNK_HEADER) + ")");
            }
            sawFmt = true;
            if (size < 16) {
                throw fail("'fmt ' chunk size " + size + " is too small (expected: >= 16)");
            }
            int tag = u16(at);
            channels = u16(at + 2);
            long rate = u32(at + 4);
            long byteRate = u32(at + 8);
            blockAlign = u16(at + 12);
            int bits = u16(at + 14);
            int effectiveTag = tag;
            if (tag == FORMAT_EXTENSIBLE) {
                if (size < 40) {
                    throw fail("'fmt ' chunk of WAVE_FORMAT_EXTENSIBLE has size " + size + " (expected: >= 40)");
                }
                int cbSize = u16(at + 16);
                if (cbSize < 22) {
                    throw fail("WAVE_FORMAT_EXTENSIBLE extension size " + cbSize + " (expected: >= 22)");
                }
                int validBits = u16(at + 18);
                if (validBits > bits) {
                    throw fail("WAVE_FORMAT_EXTENSIBLE valid bits " + validBits + " exceed the container size of "
                            + bits + " bits");
                }
                int guidAt = at + 24;
                effectiveTag = u16(guidAt);
                if (!Arrays.equals(b, guidAt + 2, guidAt + 16, GUID_TAIL, 0, GUID_TAIL.length)) {
                    throw fail("unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID " + guid(guidAt)
                            + " (expected: PCM or IEEE float)");
                }
            } else if (tag != FORMAT_PCM && tag != FORMAT_IEEE_FLOAT) {
                throw fail("unsupported codec " + codecName(tag) + ": only uncompressed PCM (1), IEEE float (3)"
                        + " and WAVE_FORMAT_EXTENSIBLE with those are supported");
            }
            if (effectiveTag != FORMAT_PCM && effectiveTag != FORMAT_IEEE_FLOAT) {
                throw fail("unsupported codec " + codecName(effectiveTag) + " in WAVE_FORMAT_EXTENSIBLE: only"
                        + " uncompressed PCM and IEEE float are supported");
            }
            if (channels == 0) {
                throw fail("zero channels in the 'fmt ' chunk (expected: 1.." + AudioFormat.MAX_CHANNELS + ")");
            }
            if (channels > AudioFormat.MAX_CHANNELS) {
                throw fail("too many channels: " + channels + " (expected: 1.." + AudioFormat.MAX_CHANNELS + ")");
            }
            if (rate < AudioFormat.MIN_SAMPLE_RATE || rate > AudioFormat.MAX_SAMPLE_RATE) {
                throw fail("sample rate " + rate + " Hz is out of range (expected: " + AudioFormat.MIN_SAMPLE_RATE
                        + ".." + AudioFormat.MAX_SAMPLE_RATE + ")");
            }
            sampleRate = (int) rate;
            encoding = encodingOf(effectiveTag, bits);
            int expectedAlign = channels * encoding.bytesPerSample();
            if (blockAlign != expectedAlign) {
                throw fail("block align " + blockAlign + " does not match " + channels + " channel(s) x "
                        + encoding.bytesPerSample() + " bytes (expected: " + expectedAlign + ")");
            }
            long expectedByteRate = (long) sampleRate * blockAlign;
            if (byteRate != expectedByteRate) {
                throw fail("byte rate " + byteRate + " does not match " + sampleRate + " Hz x block align "
                        + blockAlign + " (expected: " + expectedByteRate + ")");
            }
        }

        private AudioFormat.Encoding encodingOf(int tag, int bits) {
            if (tag == FORMAT_IEEE_FLOAT) {
                if (bits == 32) {
                    return AudioFormat.Encoding.FLOAT32LE;
                }
                throw fail("unsupported sample width: " + bits + "-bit IEEE float (expected: 32)");
            }
            switch (bits) {
                case 8:
                    return AudioFormat.Encoding.PCM_U8;
                case 16:
                    return AudioFormat.Encoding.PCM_S16LE;
                case 24:
                    return AudioFormat.Encoding.PCM_S24LE;
                case 32:
                    return AudioFormat.Encoding.PCM_S32LE;
                default:
                    throw fail("unsupported sample width: " + bits + "-bit PCM (expected: 8, 16, 24 or 32)");
            }
        }

        private void parseData(int at, int size) {
            if (!sawFmt) {
                throw fail("'data' chunk at offset " + (at - CHUNK_HEADER) + " comes before the 'fmt ' chunk");
            }
            if (data != null) {
                throw fail("more than one 'data' chunk (second at offset " + (at - CHUNK_HEADER) + ")");
            }
            if (size % blockAlign != 0) {
                throw fail("'data' chunk size " + size + " is not a multiple of the frame size " + blockAlign
                        + " (the audio is truncated or the header is wrong)");
            }
            data = Arrays.copyOfRange(b, at, at + size);
        }

        private boolean isValidChunkId(int at) {
            for (int i = 0; i < 4; i++) {
                int c = b[at + i] & 0xFF;
                if (c < 0x20 || c > 0x7E) {
                    return false;
                }
            }
            return true;
        }

        private String fourCc(int at) {
            char[] c = new char[4];
            for (int i = 0; i < 4; i++) {
                c[i] = (char) (b[at + i] & 0xFF);
            }
            return new String(c);
        }

        private int u16(int at) {
            return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
        }

        private long u32(int at) {
            return ((b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16
                    | (b[at + 3] & 0xFFL) << 24);
        }

        private String guid(int at) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%08X-%04X-%04X-", u32(at), u16(at + 4), u16(at + 6)));
            for (int i = 8; i < 16; i++) {
                if (i == 10) {
                    sb.append('-');
                }
                sb.append(String.format(Locale.ROOT, "%02X", b[at + i] & 0xFF));
            }
            return sb.toString();
        }

        private static String printable(String s) {
            StringBuilder sb = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (c >= 0x20 && c <= 0x7E) {
                    sb.append(c);
                } else {
                    sb.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
                }
            }
            return sb.toString();
        }

        private static VoxwireException fail(String message) {
            return new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "WAV file: " + message);
        }
    }
}
