package dev.voxwire.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat.Encoding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WavReaderTest {
    private static final int PCM = 1;
    private static final int FLOAT = 3;
    /** 100 stereo 16-bit frames. */
    private static final byte[] SAMPLES = samples(400);

    static Stream<Arguments> malformed() {
        byte[] valid = Riff.wave().fmt(PCM, 2, 16_000, 16).data(SAMPLES).bytes();
        return Stream.of(
                bad("empty input", new byte[0], "empty input"),
                bad("shorter than the RIFF header", Arrays.copyOf(valid, 8), "truncated: 8 bytes"),
                bad("truncated in the data", Arrays.copyOf(valid, valid.length - 101),
                        "truncated: the RIFF header announces " + valid.length + " bytes but the file has "
                                + (valid.length - 101)),
                bad("truncated in the data, RIFF size patched to match",
                        patchRiffSize(Arrays.copyOf(valid, valid.length - 100)),
                        "chunk 'data' at offset 36 has size 400, past the end of the file (300 bytes left)"),
                bad("truncated in the fmt chunk", patchRiffSize(Arrays.copyOf(valid, 30)),
                        "chunk 'fmt' at offset 12 has size 16, past the end of the file (10 bytes left)"),
                bad("truncated chunk header", patchRiffSize(Arrays.copyOf(valid, 16)),
                        "truncated chunk header at offset 12: 4 bytes left"),
                bad("not RIFF at all", "ID3\u0003 some mp3 bytes".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                        "does not start with 'RIFF' (found 'ID3\\x03')"),
                bad("big-endian RIFX", Riff.of("RIFX", "WAVE").fmt(PCM, 1, 16_000, 16).data(SAMPLES).bytes(), "RIFX"),
                bad("RF64", Riff.of("RF64", "WAVE").fmt(PCM, 1, 16_000, 16).data(SAMPLES).bytes(), "RF64"),
                bad("RIFF but not WAVE", Riff.of("RIFF", "AVI ").data(SAMPLES).bytes(),
                        "RIFF form type is 'AVI ' (expected: 'WAVE')"),
                bad("RIFF size below 4", Riff.wave().fmt(PCM, 1, 16_000, 16).data(SAMPLES).bytes(2),
                        "RIFF size 2 is too small"),
                bad("RIFF size past the end", Riff.wave().fmt(PCM, 1, 16_000, 16).data(SAMPLES).bytes(0xFFFFFFF0L),
                        "announces 4294967288 bytes"),
                bad("fmt chunk too small", Riff.wave().chunk("fmt ", Arrays.copyOf(
                        Riff.fmtBytes(PCM, 1, 16_000, 32_000, 2, 16), 14)).data(SAMPLES).bytes(),
                        "'fmt ' chunk size 14 is too small (expected: >= 16)"),
                bad("fmt chunk size past the end", Riff.wave().chunk("fmt ", 1_000_000,
                        Riff.fmtBytes(PCM, 1, 16_000, 32_000, 2, 16), false).bytes(),
                        "chunk 'fmt' at offset 12 has size 1000000, past the end"),
                bad("data size not a multiple of the frame size", Riff.wave().fmt(PCM, 2, 16_000, 16)
                        .data(Arrays.copyOf(SAMPLES, 398)).bytes(),
                        "'data' chunk size 398 is not a multiple of the frame size 4"),
                bad("data size of 24-bit stereo not a multiple of 6", Riff.wave().fmt(PCM, 2, 16_000, 24)
                        .data(Arrays.copyOf(SAMPLES, 100)).bytes(),
                        "'data' chunk size 100 is not a multiple of the frame size 6"),
                bad("odd data size of 16-bit mono", Riff.wave().fmt(PCM, 1, 16_000, 16)
                        .data(Arrays.copyOf(SAMPLES, 399)).bytes(),
                        "'data' chunk size 399 is not a multiple of the frame size 2"),
                bad("Microsoft ADPCM", Riff.wave().fmt(0x0002, 1, 16_000, 32_000, 256, 4).data(SAMPLES).bytes(),
                        "unsupported codec Microsoft ADPCM (format tag 0x0002)"),
                bad("IMA ADPCM", Riff.wave().fmt(0x0011, 1, 16_000, 8_000, 256, 4).data(SAMPLES).bytes(),
                        "unsupported codec IMA ADPCM (format tag 0x0011)"),
                bad("mu-law", Riff.wave().fmt(0x0007, 1, 8_000, 8).data(SAMPLES).bytes(),
                        "unsupported codec mu-law (format tag 0x0007)"),
                bad("A-law", Riff.wave().fmt(0x0006, 1, 8_000, 8).data(SAMPLES).bytes(),
                        "unsupported codec A-law (format tag 0x0006)"),
                bad("MP3", Riff.wave().fmt(0x0055, 2, 44_100, 16_000, 1, 0).data(SAMPLES).bytes(),
                        "unsupported codec MP3 (format tag 0x0055)"),
                bad("unknown codec", Riff.wave().fmt(0x1234, 1, 16_000, 16).data(SAMPLES).bytes(),
                        "unsupported codec format tag 0x1234"),
                bad("zero channels", Riff.wave().fmt(PCM, 0, 16_000, 32_000, 2, 16).data(SAMPLES).bytes(),
                        "zero channels"),
                bad("absurd channel count", Riff.wave().fmt(PCM, 99, 16_000, 16).data(SAMPLES).bytes(),
                        "too many channels: 99 (expected: 1..8)"),
                bad("zero sample rate", Riff.wave().fmt(PCM, 1, 0, 0, 2, 16).data(SAMPLES).bytes(),
                        "sample rate 0 Hz is out of range (expected: 1000..384000)"),
                bad("sample rate too high", Riff.wave().fmt(PCM, 1, 1_000_000, 16).data(SAMPLES).bytes(),
                        "sample rate 1000000 Hz is out of range"),
                bad("sample rate past 2^31", Riff.wave().fmt(PCM, 1, 0xFFFFFFFFL, 2, 2, 16).data(SAMPLES).bytes(),
                        "sample rate 4294967295 Hz is out of range"),
                bad("12-bit PCM", Riff.wave().fmt(PCM, 1, 16_000, 32_000, 2, 12).data(SAMPLES).bytes(),
                        "unsupported sample width: 12-bit PCM"),
                bad("64-bit float", Riff.wave().fmt(FLOAT, 1, 16_000, 64).data(SAMPLES).bytes(),
                        "unsupported sample width: 64-bit IEEE float"),
                bad("block align inconsistent", Riff.wave().fmt(PCM, 2, 16_000, 48_000, 3, 16).data(SAMPLES).bytes(),
                        "block align 3 does not match 2 channel(s) x 2 bytes (expected: 4)"),
                bad("byte rate inconsistent", Riff.wave().fmt(PCM, 2, 16_000, 32_000, 4, 16).data(SAMPLES).bytes(),
                        "byte rate 32000 does not match 16000 Hz x block align 4 (expected: 64000)"),
                bad("no data chunk", Riff.wave().fmt(PCM, 1, 16_000, 16).chunk("LIST", new byte[10]).bytes(),
                        "no 'data' chunk"),
                bad("no fmt chunk", Riff.wave().chunk("LIST", new byte[10]).bytes(), "no 'fmt ' chunk"),
                bad("data before fmt", Riff.wave().data(SAMPLES).fmt(PCM, 1, 16_000, 16).bytes(),
                        "'data' chunk at offset 12 comes before the 'fmt ' chunk"),
                bad("two fmt chunks", Riff.wave().fmt(PCM, 1, 16_000, 16).fmt(PCM, 1, 8_000, 16).data(SAMPLES).bytes(),
                        "more than one 'fmt ' chunk"),
                bad("two data chunks", Riff.wave().fmt(PCM, 1, 16_000, 16).data(SAMPLES).data(SAMPLES).bytes(),
                        "more than one 'data' chunk"),
                bad("extensible with an unknown sub-format GUID", Riff.wave()
                        .fmtExtensible(PCM, new byte[14], 2, 16_000, 16, 16).data(SAMPLES).bytes(),
                        "unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID 00000001-0000-0000-0000-000000000000"),
                bad("extensible mu-law", Riff.wave().fmtExtensible(0x0007, 1, 8_000, 8, 8).data(SAMPLES).bytes(),
                        "unsupported codec mu-law (format tag 0x0007) in WAVE_FORMAT_EXTENSIBLE"),
                bad("extensible fmt chunk too small", Riff.wave().chunk("fmt ", Arrays.copyOf(
                        Riff.fmtBytes(0xFFFE, 1, 16_000, 32_000, 2, 16), 18)).data(SAMPLES).bytes(),
                        "'fmt ' chunk of WAVE_FORMAT_EXTENSIBLE has size 18 (expected: >= 40)"),
                bad("extensible valid bits above the container", Riff.wave()
                        .fmtExtensible(PCM, 1, 16_000, 16, 24).data(SAMPLES).bytes(),
                        "valid bits 24 exceed the container size of 16 bits"),
                bad("garbage chunk id", Riff.wave().fmt(PCM, 1, 16_000, 16)
                        .chunk("\u0000\u0001\u00ff\u0010", new byte[4]).data(SAMPLES).bytes(),
                        "invalid chunk id '\\x00\\x01\\xFF\\x10' at offset 36"),
                bad("zero-filled file", new byte[1024], "does not start with 'RIFF'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedWavIsRejectedAsUnsupportedAudioSayingWhy(String name, byte[] wav, String fragment) {
        assertThatThrownBy(() -> WavReader.read(wav))
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageStartingWith("WAV file: ")
                .hasMessageContaining(fragment);
    }

    @Test
    void everyTruncationOfAValidFileIsRejected() {
        byte[] valid = Riff.wave().fmt(PCM, 2, 16_000, 16).chunk("LIST", new byte[7]).data(SAMPLES).bytes();
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> WavReader.read(cut)).as("truncated to %d bytes", length)
                    .isInstanceOfSatisfying(VoxwireException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO));
        }
    }

    @Test
    void readsCanonicalPcm() {
        byte[] wav = Riff.wave().fmt(PCM, 2, 44_100, 16).data(SAMPLES).bytes();

        PcmAudio audio = WavReader.read(wav);

        assertThat(audio.format()).isEqualTo(AudioFormat.pcm16(44_100, 2));
        assertThat(audio.data()).isEqualTo(SAMPLES);
        assertThat(audio.frames()).isEqualTo(100);
    }

    @Test
    void skipsUnknownChunksAndTheirPadBytes() {
        byte[] wav = Riff.wave()
                .chunk("JUNK", new byte[3])
                .fmt(PCM, 1, 16_000, 16)
                .chunk("LIST", "INFOISFT\u0005\u0000\u0000\u0000Lavf\u0000".getBytes(
                        java.nio.charset.StandardCharsets.ISO_8859_1))
                .chunk("fact", Riff.le32(200))
                .data(SAMPLES)
                .chunk("cue ", new byte[5])
                .bytes();

        PcmAudio audio = WavReader.read(wav);

        assertThat(audio.format()).isEqualTo(AudioFormat.pcm16(16_000, 1));
        assertThat(audio.data()).isEqualTo(SAMPLES);
    }

    @Test
    void acceptsAMissingPadByteAfterTheLastChunk() {
        byte[] threeFrames = {1, 2, 3};
        byte[] wav = Riff.wave().fmt(PCM, 1, 8_000, 8).chunk("data", 3, threeFrames, false).bytes();

        PcmAudio audio = WavReader.read(wav);

        assertThat(audio.format()).isEqualTo(AudioFormat.of(Encoding.PCM_U8, 8_000, 1));
        assertThat(audio.data()).containsExactly(1, 2, 3);
    }

    @Test
    void ignoresBytesAfterTheRiffEnd() {
        byte[] wav = Riff.wave().fmt(PCM, 1, 16_000, 16).data(SAMPLES).bytes();
        byte[] withTrailer = Arrays.copyOf(wav, wav.length + 128);
        withTrailer[wav.length] = 'T';

        assertThat(WavReader.read(withTrailer).data()).isEqualTo(SAMPLES);
    }

    @Test
    void acceptsAnExtendedPcmFmtChunkWithEmptyExtension() {
        byte[] fmt = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN)
                .put(Riff.fmtBytes(PCM, 1, 16_000, 32_000, 2, 16)).putShort((short) 0).array();
        byte[] wav = Riff.wave().chunk("fmt ", fmt).data(SAMPLES).bytes();

        assertThat(WavReader.read(wav).format()).isEqualTo(AudioFormat.PCM16_MONO_16K);
    }

    @Test
    void readsWaveFormatExtensiblePcmAndFloat() {
        byte[] s24 = Riff.wave().fmtExtensible(PCM, 2, 48_000, 24, 24).data(Arrays.copyOf(SAMPLES, 396)).bytes();
        byte[] s20in24 = Riff.wave().fmtExtensible(PCM, 1, 48_000, 24, 20).data(Arrays.copyOf(SAMPLES, 396)).bytes();
        byte[] f32 = Riff.wave().fmtExtensible(FLOAT, 2, 44_100, 32, 32).data(SAMPLES).bytes();
        byte[] s16 = Riff.wave().fmtExtensible(PCM, 6, 16_000, 16, 0).data(Arrays.copyOf(SAMPLES, 396)).bytes();

        assertThat(WavReader.read(s24).format()).isEqualTo(AudioFormat.of(Encoding.PCM_S24LE, 48_000, 2));
        assertThat(WavReader.read(s20in24).format()).isEqualTo(AudioFormat.of(Encoding.PCM_S24LE, 48_000, 1));
        assertThat(WavReader.read(f32).format()).isEqualTo(AudioFormat.of(Encoding.FLOAT32LE, 44_100, 2));
        assertThat(WavReader.read(s16).format()).isEqualTo(AudioFormat.pcm16(16_000, 6));
        assertThat(WavReader.read(s24).data()).isEqualTo(Arrays.copyOf(SAMPLES, 396));
    }

    @Test
    void readsAnEmptyDataChunkAsEmptyAudio() {
        byte[] wav = Riff.wave().fmt(PCM, 1, 16_000, 16).data(new byte[0]).bytes();

        PcmAudio audio = WavReader.read(wav);

        assertThat(audio.isEmpty()).isTrue();
        assertThat(audio.format()).isEqualTo(AudioFormat.PCM16_MONO_16K);
    }

    @Test
    void readsFromAStreamAndAFile(@TempDir Path dir) throws IOException {
        byte[] wav = Riff.wave().fmt(PCM, 2, 16_000, 16).data(SAMPLES).bytes();
        Path file = dir.resolve("a.wav");
        Files.write(file, wav);

        assertThat(WavReader.read(new ByteArrayInputStream(wav)).data()).isEqualTo(SAMPLES);
        assertThat(WavReader.read(file).data()).isEqualTo(SAMPLES);
    }

    @Test
    void failureToReadTheStreamIsAnIoErrorNotBadAudio(@TempDir Path dir) {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };

        assertThatThrownBy(() -> WavReader.read(failing)).isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("disk on fire");
        assertThatThrownBy(() -> WavReader.read(dir.resolve("missing.wav"))).isInstanceOf(UncheckedIOException.class);
    }

    private static Arguments bad(String name, byte[] wav, String fragment) {
        return Arguments.of(name, wav, fragment);
    }

    private static byte[] patchRiffSize(byte[] wav) {
        byte[] copy = wav.clone();
        System.arraycopy(Riff.le32(copy.length - 8), 0, copy, 4, 4);
        return copy;
    }

    private static byte[] samples(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }
}
