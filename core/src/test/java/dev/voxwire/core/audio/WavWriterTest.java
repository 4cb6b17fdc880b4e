package dev.voxwire.core.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.audio.AudioFormat.Encoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WavWriterTest {
    static Stream<Arguments> everyEncodingAndChannelCount() {
        List<Arguments> cases = new ArrayList<>();
        for (Encoding e : Encoding.values()) {
            for (int channels : new int[] {1, 2, 6}) {
                cases.add(Arguments.of(e, channels));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1} ch")
    @MethodSource("everyEncodingAndChannelCount")
    void writtenAudioReadsBackIdentically(Encoding encoding, int channels) {
        AudioFormat format = AudioFormat.of(encoding, 22_050, channels);
        byte[] data = new byte[format.bytesPerFrame() * 333];
        new Random(encoding.ordinal() * 10L + channels).nextBytes(data);
        PcmAudio audio = PcmAudio.of(format, data);

        PcmAudio back = WavReader.read(WavWriter.write(audio));

        assertThat(back).isEqualTo(audio);
    }

    @Test
    void writesTheCanonical44ByteHeaderForPcm() {
        PcmAudio audio = PcmAudio.ofSamples(new short[] {1, -1, 256}, 16_000, 1);

        byte[] wav = WavWriter.write(audio);

        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(wav).hasSize(44 + 6);
        assertThat(new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).isEqualTo(wav.length - 8);
        assertThat(new String(wav, 8, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("WAVEfmt ");
        assertThat(b.getInt(16)).isEqualTo(16);
        assertThat(b.getShort(20)).isEqualTo((short) 1);
        assertThat(b.getShort(22)).isEqualTo((short) 1);
        assertThat(b.getInt(24)).isEqualTo(16_000);
        assertThat(b.getInt(28)).isEqualTo(32_000);
        assertThat(b.getShort(32)).isEqualTo((short) 2);
        assertThat(b.getShort(34)).isEqualTo((short) 16);
        assertThat(new String(wav, 36, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("data");
        assertThat(b.getInt(40)).isEqualTo(6);
        assertThat(b.getShort(44)).isEqualTo((short) 1);
        assertThat(b.getShort(46)).isEqualTo((short) -1);
        assertThat(b.getShort(48)).isEqualTo((short) 256);
    }

    @Test
    void padsAnOddSizedDataChunk() {
        PcmAudio audio = PcmAudio.of(AudioFormat.of(Encoding.PCM_U8, 8_000, 1), new byte[] {1, 2, 3});

        byte[] wav = WavWriter.write(audio);

        assertThat(wav).hasSize(44 + 4);
        assertThat(wav[wav.length - 1]).isZero();
        assertThat(ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).getInt(4)).isEqualTo(wav.length - 8);
        assertThat(ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).getInt(40)).isEqualTo(3);
        assertThat(WavReader.read(wav)).isEqualTo(audio);
    }

    @Test
    void writesFloatWithFormatTag3AndAFactChunk() {
        PcmAudio audio = TestSignals.sine(440, 0.5, 48_000, 2, Encoding.FLOAT32LE, 0.01);

        byte[] wav = WavWriter.write(audio);

        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(16)).isEqualTo(18);
        assertThat(b.getShort(20)).isEqualTo((short) 3);
        assertThat(new String(wav, 38, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("fact");
        assertThat(b.getInt(46)).isEqualTo(audio.frames());
    }

    @ParameterizedTest(name = "{0}, {1} ch")
    @MethodSource("everyEncodingAndChannelCount")
    void javaSoundReadsWhatWeWrite(Encoding encoding, int channels) throws Exception {
        PcmAudio audio = TestSignals.sine(440, 0.5, 44_100, channels, encoding, 0.01);

        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(WavWriter.write(audio)))) {
            javax.sound.sampled.AudioFormat f = in.getFormat();
            assertThat(f.getSampleRate()).isEqualTo(44_100f);
            assertThat(f.getChannels()).isEqualTo(channels);
            assertThat(f.getSampleSizeInBits()).isEqualTo(encoding.bitsPerSample());
            assertThat(f.getEncoding()).isEqualTo(encoding == Encoding.FLOAT32LE
                    ? javax.sound.sampled.AudioFormat.Encoding.PCM_FLOAT
                    : encoding == Encoding.PCM_U8 ? javax.sound.sampled.AudioFormat.Encoding.PCM_UNSIGNED
                    : javax.sound.sampled.AudioFormat.Encoding.PCM_SIGNED);
            assertThat(in.readAllBytes()).isEqualTo(audio.data());
        }
    }

    @Test
    void writesToAStreamAndAFile(@TempDir Path dir) {
        PcmAudio audio = TestSignals.sine(440, 0.5, 16_000, 1, Encoding.PCM_S16LE, 0.01);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path file = dir.resolve("out.wav");

        WavWriter.write(audio, out);
        WavWriter.write(audio, file);

        assertThat(out.toByteArray()).isEqualTo(WavWriter.write(audio));
        assertThat(WavReader.read(file)).isEqualTo(audio);
    }
}
