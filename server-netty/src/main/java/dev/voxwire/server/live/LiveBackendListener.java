package dev.voxwire.server.live;

import dev.voxwire.core.ErrorCode;

/** What a {@link LiveBackendSession} produces. Called on any thread, one call at a time per session. */
public interface LiveBackendListener {
    /** A transcript of the user's audio ({@code input}) or of the model's spoken answer ({@code output}). */
    void transcript(TranscriptKind kind, String text);

    /** Text from the model. */
    void text(String text);

    /** Audio from the model: 16-bit little-endian PCM, mono, at {@code sampleRate} (24 kHz for Gemini). */
    void audio(byte[] pcm, int sampleRate);

    /** The model finished its turn. */
    void turnComplete();

    /** The model's answer was interrupted (the user started speaking). */
    void interrupted();

    /** The session failed for good (after the backend's own retries); nothing follows. */
    void failed(ErrorCode code, String message);

    /** Which side a transcript belongs to. */
    enum TranscriptKind {
        /** What the user said. */
        INPUT,
        /** What the model said. */
        OUTPUT
    }
}
