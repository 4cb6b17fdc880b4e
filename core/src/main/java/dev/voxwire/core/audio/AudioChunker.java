package dev.voxwire.core.audio;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Splits audio into chunks of a fixed duration, for streaming it in real-time sized pieces
 * (typically 20 to 100 ms).
 *
 * <p>A chunk holds {@link #framesPerChunk} frames: the duration times the rate, rounded to the
 * nearest whole frame (so chunks never split a frame). The last chunk holds what is left and
 * may be shorter; empty audio gives no chunks. A duration that is not positive, or shorter than
 * one frame, is rejected with an {@link IllegalArgumentException} naming it.
 */
public final class AudioChunker {
    private AudioChunker() {
    }

    /** Splits audio into chunks of {@code chunkDuration}, each a {@link PcmAudio} of the same format. */
    public static List<PcmAudio> split(PcmAudio audio, Duration chunkDuration) {
        requireNonNull(audio, "audio");
        int perChunk = framesPerChunk(audio.format(), chunkDuration);
        int frames = audio.frames();
        List<PcmAudio> chunks = new ArrayList<>(chunkCount(frames, perChunk));
        for (int from = 0; from < frames; from += perChunk) {
            chunks.add(audio.slice(from, Math.min(frames, from + perChunk)));
        }
        return Collections.unmodifiableList(chunks);
    }

    /**
     * Splits raw interleaved bytes of {@code format} into chunks of {@code chunkDuration}.
     *
     * @throws dev.voxwire.core.VoxwireException with
     *     {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} when the bytes are not a whole
     *     number of frames
     */
    public static List<byte[]> split(byte[] pcm, AudioFormat format, Duration chunkDuration) {
        requireNonNull(pcm, "pcm");
        requireNonNull(format, "format");
        int perChunk = framesPerChunk(format, chunkDuration);
        PcmAudio.checkWholeFrames(format, pcm.length, "pcm");
        int bpf = format.bytesPerFrame();
        int chunkBytes = (int) Math.min(Integer.MAX_VALUE - 8, (long) perChunk * bpf);
        List<byte[]> chunks = new ArrayList<>(chunkCount(pcm.length / bpf, perChunk));
        for (int from = 0; from < pcm.length; from += chunkBytes) {
            chunks.add(Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + chunkBytes)));
        }
        return Collections.unmodifiableList(chunks);
    }

    /**
     * The frames in one chunk of {@code chunkDuration} at the format's rate, rounded to the
     * nearest frame.
     *
     * @throws IllegalArgumentException when the duration is not positive or shorter than one frame
     */
    public static int framesPerChunk(AudioFormat format, Duration chunkDuration) {
        requireNonNull(format, "format");
        requireNonNull(chunkDuration, "chunkDuration");
        if (chunkDuration.isNegative() || chunkDuration.isZero()) {
            throw new IllegalArgumentException("chunkDuration: " + chunkDuration + " (expected: > 0)");
        }
        Duration oneFrame = format.durationOfFrames(1);
        long rate = format.sampleRate();
        // an exact frame count unless the duration is longer than ~290 years
        long frames;
        if (chunkDuration.getSeconds() > Integer.MAX_VALUE) {
            frames = Integer.MAX_VALUE;
        } else {
            frames = chunkDuration.getSeconds() * rate + (chunkDuration.getNano() * rate + 500_000_000L)
                    / 1_000_000_000L;
        }
        if (chunkDuration.compareTo(oneFrame) < 0 || frames < 1) {
            throw new IllegalArgumentException("chunkDuration: " + chunkDuration + " (expected: >= one frame, "
                    + oneFrame + " at " + rate + " Hz)");
        }
        return (int) Math.min(Integer.MAX_VALUE, frames);
    }

    private static int chunkCount(int frames, int perChunk) {
        return (int) (((long) frames + perChunk - 1) / perChunk);
    }
}
