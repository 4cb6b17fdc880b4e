package dev.voxwire.server.live;

import java.util.concurrent.CompletionStage;

/** One open model session of a {@link LiveBackend}. Thread-safe; calls after {@link #close()} are ignored. */
public interface LiveBackendSession {
    /** Streams audio: 16-bit little-endian PCM, 16 kHz, mono, any length. */
    void sendAudio(byte[] pcm16kMono);

    /** Sends a text turn. */
    void sendText(String text);

    /** Ends the session and releases its connection. Idempotent. */
    CompletionStage<Void> close();
}
