package dev.voxwire.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.audio.PcmAudio;

/**
 * Computes measures from one piece of audio for {@code audio:analyze} requests: the SPI through
 * which an application plugs in its own analysis (a speech model, a pronunciation scorer, ...).
 * The server ships {@code dev.voxwire.server.analysis.DefaultAudioAnalyzer} ({@code energy-pitch}).
 *
 * <p>A client picks an analyzer with the request's optional {@code analyzer} field; the
 * {@code analysis:result} event carries every field of the returned object, plus {@code analyzer}
 * (this analyzer's {@link #name()}), {@code durationMs}, {@code sampleRate} and {@code channels}
 * of the input audio, which the server sets itself and which override same-named fields.
 *
 * <p>Threading: {@link #analyze} runs on a worker thread, never on an event loop, and may block.
 * It is called concurrently for independent requests, so implementations must be thread-safe.
 */
public interface AudioAnalyzer {
    /** The name clients select this analyzer by: lower case, stable, such as {@code energy-pitch}. */
    String name();

    /**
     * Analyses {@code audio}, which is always 16 kHz mono PCM16 (whatever the client sent), and
     * returns the fields of the {@code analysis:result} payload.
     *
     * <p>Report progress through {@code progress}, and check {@link AnalysisProgress#isCancelled()}
     * between chunks of work: when it is {@code true}, stop and return anything (or throw
     * {@link java.util.concurrent.CancellationException}); the result is discarded.
     *
     * @throws dev.voxwire.core.VoxwireException with {@code UNSUPPORTED_AUDIO} when this analyzer
     *     cannot handle the audio (the message is sent to the client); any other exception becomes
     *     an {@code ENGINE_ERROR}
     */
    ObjectNode analyze(PcmAudio audio, AnalysisProgress progress);
}
