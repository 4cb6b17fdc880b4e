package dev.voxwire.websocket.internal;

import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioConverter;
import dev.voxwire.core.audio.AudioFormat;
import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.core.audio.WavReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns WAV files and raw streams into {@link AudioRequest}s, converting with core's audio package when needed. */
public final class AudioPayloads {
    private AudioPayloads() {
    }

    /**
     * A WAV file as an {@code audio:analyze} request. A 16-bit PCM file whose base64 fits in
     * {@code maxMessageBytes} is sent as is ({@code format: wav}); any other encoding (8/24/32-bit,
     * float), or a file too large for one message, is converted to 16 kHz mono 16-bit PCM
     * ({@code format: pcm16}).
     */
    public static AudioRequest fromWavFile(Path file, int maxMessageBytes) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "cannot read audio file " + file + ": " + e.getMessage(), e);
        }
        PcmAudio audio = WavReader.read(bytes);
        if (audio.format().encoding() == AudioFormat.Encoding.PCM_S16LE && base64Size(bytes.length) + 512 <= maxMessageBytes) {
            return AudioRequest.wav(bytes);
        }
        return fromPcm(audio);
    }

    /** Raw audio read to the end of {@code in} (the caller closes it), converted to 16-bit PCM when it is not. */
    public static AudioRequest fromStream(InputStream in, AudioFormat format, long maxBytes) {
        byte[] data;
        try {
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "cannot read the audio stream: " + e.getMessage(), e);
        }
        if (data.length > maxBytes) {
            throw new VoxwireException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "audio stream longer than " + maxBytes + " bytes (expected: one analysis request's worth)");
        }
        PcmAudio audio = PcmAudio.of(format, data);
        if (format.encoding() == AudioFormat.Encoding.PCM_S16LE) {
            return AudioRequest.pcm16(data, format.sampleRate(), format.channels());
        }
        return AudioRequest.pcm16(AudioConverter.toPcm16(audio, format.sampleRate(), format.channels()).data(),
                format.sampleRate(), format.channels());
    }

    private static AudioRequest fromPcm(PcmAudio audio) {
        PcmAudio pcm = AudioConverter.toPcm16Mono16k(audio);
        return AudioRequest.pcm16(pcm.data(), pcm.sampleRate(), pcm.channels());
    }

    static long base64Size(long n) {
        return (n + 2) / 3 * 4;
    }
}
