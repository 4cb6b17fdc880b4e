package dev.voxwire.gemini;

import dev.voxwire.core.Subscription;
import dev.voxwire.core.audio.PcmAudio;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One Gemini Live conversation, from {@link GeminiLiveClient#connect(LiveConfig)}. It may span
 * several WebSocket connections: on {@code goAway} it opens a new connection with the latest
 * resumption handle and switches over; after a retryable close (1011, network loss) it
 * reconnects with backoff and resumes. Input sent while it switches or reconnects is buffered
 * (up to {@link GeminiLiveClient.Builder#maxBufferedBytes(int)}) and sent, in order and once,
 * on the new connection.
 *
 * <p>Every send returns a future that completes when the message is written to a connection,
 * or fails with a {@link dev.voxwire.core.VoxwireException}: {@code CLOSED} after
 * {@link #close()}, {@code QUEUE_FULL} when the buffer is full, {@code UNSUPPORTED_AUDIO} for
 * audio that cannot be converted. A message written to a connection that then breaks is not
 * sent again (the service may have received it).
 *
 * <p>Thread-safe. Events reach the listeners added with {@link #onEvent} (see
 * {@link LiveListener} for threading).
 */
public interface LiveSession extends AutoCloseable {

    /** The configuration the session was opened with. */
    LiveConfig config();

    /** Adds a listener; the subscription removes it. */
    Subscription onEvent(LiveListener listener);

    /**
     * Sends 16 kHz mono 16-bit little-endian PCM as {@code realtimeInput.audio} messages, in
     * chunks of {@link GeminiLiveClient.Builder#audioChunk} (20-100 ms).
     */
    CompletableFuture<Void> sendAudio(byte[] pcm16k);

    /** Sends audio of any supported format, converted to 16 kHz mono PCM16 first. */
    CompletableFuture<Void> sendAudio(PcmAudio audio);

    /** Sends the audio of a WAV file's bytes, converted to 16 kHz mono PCM16. */
    CompletableFuture<Void> sendWav(byte[] wav);

    /** Sends the audio of a WAV file, converted to 16 kHz mono PCM16. */
    CompletableFuture<Void> sendWav(Path wavFile);

    /** Sends text as real-time input ({@code realtimeInput.text}): a user turn. */
    CompletableFuture<Void> sendText(String text);

    /** Appends turns to the history ({@code clientContent}); {@code turnComplete} asks the model to answer. */
    CompletableFuture<Void> sendClientContent(List<Content> turns, boolean turnComplete);

    /** Marks the start of user speech (only with automatic activity detection off). */
    CompletableFuture<Void> activityStart();

    /** Marks the end of user speech (only with automatic activity detection off). */
    CompletableFuture<Void> activityEnd();

    /** Tells the service the audio stream paused (only with automatic activity detection on). */
    CompletableFuture<Void> audioStreamEnd();

    /** Answers tool calls ({@code toolResponse}). */
    CompletableFuture<Void> sendToolResponse(List<FunctionResponse> responses);

    /** The latest resumable handle the service issued, to resume this conversation later. */
    Optional<String> resumptionHandle();

    /** Whether the session is closed (by {@link #close()} or for good after an error). */
    boolean isClosed();

    /**
     * Closes the session: the connection is closed with 1000, timers and buffers are released,
     * pending sends fail with {@code CLOSED}, and {@link LiveEvent.Closed} is the last event.
     * Idempotent; the future completes when the connection is closed.
     */
    CompletableFuture<Void> closeAsync();

    /** Completes when the session is over, whichever way it ended. */
    CompletableFuture<LiveEvent.Closed> closeFuture();

    /** {@link #closeAsync()}, waiting up to five seconds. */
    @Override
    void close();
}
